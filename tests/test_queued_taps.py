"""Taps sent from the phone's queue (issue 23): each carries a key made when the person tapped,
and the server applies a key once however often it arrives; the queue learns that a session
ended from a 401, never from a sign-in page taken for the task's row."""

from __future__ import annotations

import threading

import pytest

from planner.store import ticks
from planner.store.sql import connect, fetch, fetch_value, run
from tests import factories as f
from tests.conftest import CSRF, login

DAY = f.DAY.isoformat()
QUEUE = {"HX-Request": "true", "X-Planner-Queue": "1"}


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog)


def tap(client, h, key, state="done", item="belly-breathing", headers=QUEUE):
    return client.post(
        f"/h/{h['id']}/tasks/{item}/state",
        data={"occurrence": DAY, "slot": 0, "state": state, "tap_key": key, **CSRF},
        headers=headers,
    )


def events(db, h, item="belly-breathing"):
    return fetch(
        db,
        "select state from tick_events where household_id = ? and item_id = ? order by id",
        [h["id"], item],
    )


def test_a_tap_sent_twice_counts_once_and_answers_with_the_row_both_times(client, db, h):
    login(client, h["patient"])
    first = tap(client, h, "key-aaaa-0001")
    again = tap(client, h, "key-aaaa-0001")
    assert first.status_code == again.status_code == 200
    assert 'aria-pressed="true"' in first.text and 'aria-pressed="true"' in again.text
    assert [e["state"] for e in events(db, h)] == ["done"]


def test_an_old_tap_sent_again_does_not_undo_a_later_one(client, db, h):
    login(client, h["patient"])
    tap(client, h, "key-aaaa-0001", "done")
    tap(client, h, "key-aaaa-0002", "open")
    replay = tap(client, h, "key-aaaa-0001", "done")  # its answer was lost; the queue retries
    assert 'aria-pressed="false"' in replay.text  # the row as it is: open
    assert ticks.get_state(db, h["id"], "belly-breathing", DAY) == "open"
    assert [e["state"] for e in events(db, h)] == ["done", "open"]


def test_two_people_s_taps_with_their_own_keys_both_count(client, db, h, app):
    login(client, h["patient"])
    tap(client, h, "key-anna-0001", "done")
    other = app.test_client()
    login(other, h["caregiver"])
    tap(other, h, "key-ben-00001", "open")
    assert [e["state"] for e in events(db, h)] == ["done", "open"]


def test_a_malformed_key_is_refused_and_stores_nothing(client, db, h):
    login(client, h["patient"])
    answer = tap(client, h, "not a key; drop table")
    assert answer.status_code == 422
    assert "could not be read" in answer.text
    assert events(db, h) == []
    assert fetch_value(db, "select count(*) from tap_keys") == 0


def test_a_refused_tap_keeps_no_key_so_it_is_not_taken_for_sent(client, db, h):
    login(client, h["patient"])
    answer = tap(client, h, "key-aaaa-0003", item="no-such-task")
    assert answer.status_code in (404, 422)
    assert fetch_value(db, "select count(*) from tap_keys") == 0


def test_the_queue_is_told_the_session_ended_with_a_401(client, db, h):
    login(client, h["patient"])
    run(db, "delete from sessions")  # "sign out everywhere", from another device
    answer = tap(client, h, "key-aaaa-0004")
    assert answer.status_code == 401
    assert "sign in again" in answer.text
    plain = tap(client, h, "key-aaaa-0004", headers={"HX-Request": "true"})
    assert plain.status_code == 400 and "expired" in plain.text  # a page's form, as before
    assert events(db, h) == []


def test_the_same_key_sent_by_two_tabs_at_once_counts_once(h, database, engine):
    """Two connections race with one key: the key's primary key lets one in."""
    barrier = threading.Barrier(8)
    applied = []

    def send():
        db = connect(database)
        try:
            barrier.wait(timeout=10)
            applied.append(
                ticks.set_state_once(
                    db,
                    "key-race-0001",
                    h["id"],
                    "belly-breathing",
                    DAY,
                    0,
                    "done",
                    h["patient"],
                    at=f.NOW,
                )
            )
        finally:
            db.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    db = connect(database)
    try:
        assert sorted(applied) == [False] * 7 + [True]
        assert [e["state"] for e in events(db, h)] == ["done"]
    finally:
        db.close()


def test_refusals_come_to_the_queue_as_words_it_can_show_beside_the_tap(client, db, h):
    """The queue (static/offline.js) shows the server's reason to the person and keeps the tap
    until they dismiss it: the reason alone, in plain words, never a page."""
    login(client, h["caregiver"])
    removed = tap(client, h, "key-gone-0001", item="no-such-task")
    assert removed.status_code == 422 and removed.mimetype == "text/plain"
    assert removed.text == (
        "This task is no longer on the plan. Reload the page to see the current one."
    )
    from planner.store import accounts

    accounts.remove_member(db, h["id"], h["caregiver"], by=h["caregiver"], at=f.NOW)
    left = tap(client, h, "key-left-0001")
    assert left.status_code == 404 and left.mimetype == "text/plain"
    assert left.text == "You are no longer in this household."
    nowhere = client.post(
        "/h/999999/tasks/belly-breathing/state",
        data={"occurrence": DAY, "slot": 0, "state": "done", "tap_key": "key-none-0001", **CSRF},
        headers=QUEUE,
    )
    assert nowhere.text == left.text  # a household that never was: the same words
    assert events(db, h) == [] and fetch_value(db, "select count(*) from tap_keys") == 0


def test_the_session_ended_comes_to_the_queue_as_words_too(client, db, h):
    login(client, h["patient"])
    run(db, "delete from sessions")
    answer = tap(client, h, "key-aaaa-0005")
    assert answer.status_code == 401 and answer.mimetype == "text/plain"
    assert answer.text == "Your session has ended: sign in again to send this."


def test_a_page_s_own_tap_is_refused_as_before(client, db, h):
    """Without the queue's header: the message in Today's alert region, or the error page."""
    login(client, h["patient"])
    htmx = tap(client, h, "", item="no-such-task", headers={"HX-Request": "true"})
    assert htmx.status_code == 422 and htmx.headers["HX-Retarget"] == "#tick-error"
    assert '<p class="field-error">This task is no longer on the plan.' in htmx.text
    plain = tap(client, h, "", item="no-such-task", headers={})
    assert plain.status_code == 422 and "<!doctype html>" in plain.text.lower()
