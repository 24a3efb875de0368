"""Calendar feeds: each member's private subscription address, the feed checked against RFC
5545 by parsing it with icalendar, private by default, revocable one by one."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from icalendar import Calendar

from planner.store import accounts, calendar_feeds, plans
from tests import factories as f
from tests.conftest import CSRF, login
from tests.dbstate import count

HEALTH_WORDS = re.compile(
    r"infusion|kidney|dental|zoledronic|zometa|bone|teeth|drink", re.IGNORECASE
)


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog)


def _client(app, user_id):
    client = app.test_client()
    login(client, user_id)
    return client


def _subscribe(app, h, who="patient", **options) -> tuple[object, str]:
    """Make a feed through the Calendar page; return the signed-in client and the feed's path."""
    client = _client(app, h[who])
    form = {k: "1" for k, on in options.items() if on}
    response = client.post(f"/h/{h['id']}/calendar", data={**form, **CSRF})
    assert response.status_code == 303
    page = client.get(f"/h/{h['id']}/calendar").get_data(as_text=True)
    url = re.search(r'id="new-feed-url">([^<]+)<', page).group(1)
    assert url.startswith("http://localhost/calendar/") and url.endswith(".ics")
    assert f'href="webcal://{url.split("://")[1]}"' in page
    return client, url.removeprefix("http://localhost")


def _read(client, path) -> tuple[Calendar, bytes]:
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data), response.data


def _events(cal: Calendar) -> list:
    return [c for c in cal.walk("VEVENT")]


def test_feed_follows_rfc_5545(app, h):
    client, path = _subscribe(app, h, daily_summary=True)
    cal, raw = _read(client, path)
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= 75 for line in lines)  # CRLF, folded
    events = _events(cal)
    assert events
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    for event in events:
        stamp = event.decoded("DTSTAMP")
        assert stamp.tzinfo is not None and stamp.utcoffset() == dt.timedelta(0)
        assert event["DTSTART"].params.get("VALUE") == "DATE"  # all-day
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is dt.date and end == start + dt.timedelta(days=1)
    # The household's time zone, and a refresh hint.
    assert str(cal["X-WR-TIMEZONE"]) == "UTC"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["UTC"]
    assert "REFRESH-INTERVAL" in cal and "X-PUBLISHED-TTL" in cal


def test_feed_is_private_unless_asked(app, h):
    client, path = _subscribe(app, h, daily_summary=True)
    cal, raw = _read(client, path)
    summaries = {str(e["SUMMARY"]) for e in _events(cal)}
    assert "Planner: appointment" in summaries  # the dental check-up to book, due today
    assert "Planner: 2 appointments" in summaries  # infusion day and kidney test
    assert any(re.fullmatch(r"Planner: \d+ things today", s) for s in summaries)
    assert not HEALTH_WORDS.search(raw.decode())
    assert not [e for e in _events(cal) if "DESCRIPTION" in e]


def test_full_titles_when_opted_in(app, h):
    client, path = _subscribe(app, h, full_titles=True)
    cal, _ = _read(client, path)
    by_day = {e.decoded("DTSTART"): str(e["SUMMARY"]) for e in _events(cal)}
    assert by_day[dt.date(2026, 12, 19)] == (
        "Infusion day: zoledronic acid (Zometa); Have a kidney blood test before each drip"
    )
    assert by_day[f.DAY] == "Book a dental check-up now"
    assert not [s for s in by_day.values() if "things today" in s]  # no daily summary asked


def test_uids_are_stable_and_the_feed_changes_nothing_but_its_read_time(app, db, h):
    client, path = _subscribe(app, h, daily_summary=True)
    first, raw = _read(client, path)
    second, _ = _read(client, path)
    assert [str(e["UID"]) for e in _events(first)] == [str(e["UID"]) for e in _events(second)]
    assert b"http" not in raw and b"/h/" not in raw  # no link to anything that acts
    assert count(db, "ticks") == 0


def test_settings_page_lists_feeds_with_last_read_and_revokes_one(app, db, h):
    client, path = _subscribe(app, h)
    _, other = _subscribe(app, h)
    page = client.get(f"/h/{h['id']}/calendar").get_data(as_text=True)
    assert page.count("Not read by a calendar yet") == 2
    _read(client, path)
    page = client.get(f"/h/{h['id']}/calendar").get_data(as_text=True)
    assert "Last read by a calendar Monday 23 November 2026 at 12:00" in page
    feed_id = calendar_feeds.feeds(db, h["id"], h["patient"], at=f.NOW)[-1]["id"]  # the first
    assert client.post(f"/h/{h['id']}/calendar/{feed_id}/revoke", data=CSRF).status_code == 303
    assert client.get(path).status_code == 404
    assert client.get(other).status_code == 200  # the other one still works
    assert "Cancelled on" in client.get(f"/h/{h['id']}/calendar").get_data(as_text=True)


def test_a_member_sees_and_cancels_only_their_own_feeds(app, db, h):
    anna, path = _subscribe(app, h)
    ben = _client(app, h["caregiver"])
    assert "Your calendar addresses" not in ben.get(f"/h/{h['id']}/calendar").get_data(as_text=True)
    feed_id = calendar_feeds.feeds(db, h["id"], h["patient"], at=f.NOW)[0]["id"]
    ben.post(f"/h/{h['id']}/calendar/{feed_id}/revoke", data=CSRF)
    assert anna.get(path).status_code == 200


def test_stored_is_a_hash_and_the_page_shows_the_address_once(app, db, h):
    client, path = _subscribe(app, h)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    stored = [r[0] for r in db.execute("select token_hash from calendar_feeds").fetchall()]
    assert token not in stored and len(stored[0]) == 64
    assert token not in client.get(f"/h/{h['id']}/calendar").get_data(as_text=True)


def test_an_expired_feed_or_one_of_a_member_who_left_reads_nothing(app, db, h):
    client, path = _subscribe(app, h, who="caregiver")
    app.config["TODAY"] = (f.DAY + dt.timedelta(days=366)).isoformat()
    assert client.get(path).status_code == 404
    app.config["TODAY"] = f.DAY.isoformat()
    assert client.get(path).status_code == 200
    accounts.remove_member(db, h["id"], h["caregiver"])
    assert client.get(path).status_code == 404
    assert app.test_client().get("/calendar/not-a-token.ics").status_code == 404


def test_a_bad_item_is_left_out_not_the_whole_feed(app, db, h):
    item = plans.get_task(db, h["id"], "dental-checkup-now-on-treatment")
    item["schedule"] = {"kind": "once", "due": "not a date"}
    db.execute(
        "update tasks set item_json = ? where household_id = ? and item_id = ?",
        [json.dumps(item), h["id"], item["id"]],
    )
    client, path = _subscribe(app, h, full_titles=True)
    cal, _ = _read(client, path)
    summaries = [str(e["SUMMARY"]) for e in _events(cal)]
    assert "Book a dental check-up now" not in summaries
    assert any(s.startswith("Infusion day") for s in summaries)


def test_time_zone_is_the_households(app, db, h):
    accounts.set_timezone(db, h["id"], "America/New_York")
    client, path = _subscribe(app, h)
    cal, _ = _read(client, path)
    assert str(cal["X-WR-TIMEZONE"]) == "America/New_York"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]


def test_a_household_without_a_plan_gets_a_valid_empty_feed(app, db, catalog):
    h = f.home(app, db, catalog, plan=False)
    client, path = _subscribe(app, h, daily_summary=True)
    cal, _ = _read(client, path)
    assert _events(cal) == [] and cal.walk("VTIMEZONE")  # a calendar needs one component
