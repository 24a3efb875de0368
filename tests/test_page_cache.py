"""Today is kept rendered between views, and never shown stale: any write to what it shows moves
the household's revision on (triggers), so the next view renders afresh."""

from __future__ import annotations

import pytest
from flask import template_rendered

from planner.store import accounts, assignments, contacts, proposals, ticks
from planner.store import tailoring as seen
from planner.store.migrations import REVISED_LATER, REVISED_TABLES
from planner.web.page_cache import PageCache
from tests import factories as f
from tests.conftest import CSRF, login

DAY = f.DAY.isoformat()


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog)


def revision(db, household_id: int) -> int:
    return db.execute("select revision from households where id = ?", [household_id]).fetchone()[0]


def test_a_tick_by_someone_else_shows_on_the_next_view(app, client, h):
    login(client, h["patient"])
    before = client.get(f"/h/{h['id']}/today").text
    rendered = []
    with template_rendered.connected_to(
        lambda sender, template, **_: rendered.append(template), app
    ):
        assert client.get(f"/h/{h['id']}/today").text == before
    assert rendered == []  # kept, not rendered again: nothing changed
    other = app.test_client()
    login(other, h["caregiver"])
    other.post(
        f"/h/{h['id']}/tasks/belly-breathing/state",
        data={"occurrence": DAY, "slot": 0, "state": "done", **CSRF},
    )
    after = client.get(f"/h/{h['id']}/today").text
    assert after != before
    assert "Done by Ben" in after


def test_a_write_outside_the_pages_shows_too(client, db, h):
    """Store functions (a restore, the CLI, another process) need no call to the cache."""
    login(client, h["patient"])
    assert "1 of " not in client.get(f"/h/{h['id']}/today").text
    ticks.set_state(
        db, h["id"], "belly-breathing", DAY, 0, "done", by_user=h["caregiver"], at=f.NOW
    )
    assert "1 of " in client.get(f"/h/{h['id']}/today").text


def test_each_person_gets_their_own_page(client, db, h):
    ticks.set_state(db, h["id"], "belly-breathing", DAY, 0, "done", by_user=h["patient"], at=f.NOW)
    login(client, h["patient"])
    assert "Done by you" in client.get(f"/h/{h['id']}/today").text
    login(client, h["caregiver"])  # a new session: another person, another CSRF token
    page = client.get(f"/h/{h['id']}/today").text
    assert "Done by you" not in page and "Done by Anna" in page


def test_a_message_shown_once_is_not_kept(app, client, db, h):
    login(client, h["patient"])
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "The new plan is in place.")]
    assert "The new plan is in place." in client.get(f"/h/{h['id']}/today").text
    assert "The new plan is in place." not in client.get(f"/h/{h['id']}/today").text


@pytest.mark.parametrize("table", REVISED_TABLES + REVISED_LATER)
def test_every_write_to_what_today_shows_moves_only_that_household_on(db, h, table):
    other, _ = f.household(db, name="Other")
    start, other_start = revision(db, h["id"]), revision(db, other["id"])
    changes = {
        "members": lambda: accounts.add_member(db, h["id"], h["outsider"], "caregiver", at=f.NOW),
        "profiles": lambda: db.execute(
            "update profiles set updated_at = 'x' where household_id = ?", [h["id"]]
        ),
        "plans": lambda: db.execute(
            "update plans set created_at = 'x' where household_id = ?", [h["id"]]
        ),
        "tasks": lambda: db.execute(
            "delete from tasks where household_id = ? and item_id = 'belly-breathing'", [h["id"]]
        ),
        "ticks": lambda: ticks.set_state(
            db, h["id"], "belly-breathing", DAY, 0, "done", by_user=h["patient"], at=f.NOW
        ),
        "plan_seen": lambda: seen.mark_seen(db, h["id"], 1, h["patient"], at=f.NOW),
        "assignments": lambda: assignments.assign(
            db, h["id"], "bath-seat", h["caregiver"], h["patient"], at=f.NOW
        ),
        "proposals": lambda: proposals.propose(
            db, h["id"], [{"field": "fracture_risk"}], h["patient"], at=f.NOW
        ),
        "care_contacts": lambda: contacts.set_contacts(
            db,
            h["id"],
            {"emergency": {"name": "", "phone": "01632 960000"}},
            h["patient"],
            at=f.NOW,
        ),
    }
    changes[table]()
    assert revision(db, h["id"]) > start
    assert revision(db, other["id"]) == other_start


def test_the_store_is_bounded_and_keeps_the_most_recent():
    pages = PageCache(size=2)
    made = []
    for key in ("a", "b", "a", "c", "a", "b"):
        pages.get_or_render(key, lambda key=key: made.append(key) or key.upper())
    assert made == ["a", "b", "c", "b"]  # "b" fell out when "c" came, "a" stayed in use


def test_giving_a_home_task_to_someone_shows_on_the_next_view(client, db, h):
    login(client, h["patient"])
    first = client.get(f"/h/{h['id']}/today").text
    assert "For Ben" not in first
    assignments.assign(db, h["id"], "entrance-steps-rail", h["caregiver"], h["patient"], at=f.NOW)
    assert "For Ben" in client.get(f"/h/{h['id']}/today").text
