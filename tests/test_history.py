"""History: the week's ticks by domain and person, with other weeks a link away."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.store import ticks
from tests import factories as f
from tests.conftest import login


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog)


def at(day: dt.date, hour: int) -> dt.datetime:
    """An hour of a day in the household's zone (UTC: the factories' households live there)."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


MON = f.DAY
WED = MON + dt.timedelta(days=2)


@pytest.mark.parametrize("role", ["patient", "caregiver", "physio"])
def test_empty_week(client, h, role):
    login(client, h[role])
    text = client.get(f"/h/{h['id']}/history").text
    assert "This week" in text and "Nothing was ticked this week yet" in text
    assert "Monday 23 November to Sunday 29 November" in text
    assert "week=2026-11-16" in text and "Week after" not in text


def test_week_by_domain_and_person(app, client, db, h):
    app.config["TODAY"] = "2026-12-02"
    hid = h["id"]
    ticks.set_state(
        db, hid, "belly-breathing", "2026-11-23", 0, "done", h["patient"], at=at(MON, 9)
    )
    for slot in range(3):
        ticks.set_state(
            db,
            hid,
            "daily-drinks",
            "2026-11-25",
            slot,
            "done",
            h["caregiver"],
            done_for=h["patient"],
            at=at(WED, 10 + slot),
        )
    ticks.set_state(
        db, hid, "grip-squeeze", "2026-11-25", 0, "not-today", h["patient"], at=at(WED, 11)
    )
    ticks.set_state(db, hid, "bath-seat", "once", 0, "done", h["caregiver"], at=at(WED, 12))
    # Ticked then reopened: not shown.
    ticks.set_state(db, hid, "ankle-pumps", "2026-11-25", 0, "done", h["patient"], at=at(WED, 13))
    ticks.set_state(db, hid, "ankle-pumps", "2026-11-25", 0, "open", h["patient"], at=at(WED, 14))
    # The week after: not in this week.
    ticks.set_state(
        db,
        hid,
        "belly-breathing",
        "2026-11-30",
        0,
        "done",
        h["patient"],
        at=at(MON + dt.timedelta(days=7), 9),
    )
    login(client, h["patient"])
    text = client.get(f"/h/{hid}/history?week=2026-11-25").text
    assert "Week of 23 November" in text
    assert "<strong>5</strong> things done this week" in text
    exercise = text[text.index('id="h-exercise"') : text.index('id="h-hydration"')]
    assert "Monday 23 November" in exercise and "Breathe slowly into your belly" in exercise
    assert "by Anna" in exercise and "Not today" in exercise
    assert "ankle" not in exercise.lower()
    drinks = text[text.index('id="h-hydration"') :]
    assert "&times; 3 (600 ml)" in drinks and "by Ben for Anna" in drinks
    assert 'id="h-home-safety"' in text and "Use a bath seat or bench" in text
    assert text.index('id="h-home-safety"') < text.index('id="h-exercise"')
    assert "week=2026-11-16" in text and "week=2026-11-30" in text


@pytest.mark.parametrize("week", ["bad", "2026-02-30", "2026-13-01", "' or 1=1", "9" * 40])
def test_bad_week_falls_back_to_this_week_with_a_note(client, h, week):
    login(client, h["patient"])
    response = client.get(f"/h/{h['id']}/history", query_string={"week": week})
    assert response.status_code == 200
    assert "is not a date written YYYY-MM-DD" in response.text
    assert "Monday 23 November to Sunday 29 November" in response.text
