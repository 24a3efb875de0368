"""Progress on History: how the routine was kept up per part of the plan and per person, over 4
and 12 weeks, as SVG charts with a title, a description and the same numbers in a table."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from planner.plans import adherence
from planner.store import ticks
from tests import factories as f
from tests.conftest import login

WEEK = [f.DAY + dt.timedelta(days=n) for n in range(7)]
BREATHING = {
    "id": "belly-breathing",
    "domain": "exercise",
    "schedule": {"kind": "daily", "times_per_day": 1},
}
GRIP = {
    "id": "grip-squeeze",
    "domain": "exercise",
    "schedule": {"kind": "weekly", "times_per_week": 2},
}


def _row(item, day, state, by=1, slot=0, done_for=None):
    return {
        "item_id": item["id"],
        "occurrence": day.isoformat(),
        "slot": slot,
        "state": state,
        "by_user": by,
        "done_for": done_for,
    }


def test_not_today_is_taken_out_not_counted_as_missed():
    rows = [_row(BREATHING, WEEK[0], "done"), _row(BREATHING, WEEK[1], "not-today")]
    (exercise,) = adherence.by_domain([BREATHING], rows, WEEK)
    assert (exercise["done"], exercise["planned"], exercise["set_aside"]) == (1, 6, 1)
    assert exercise["percent"] == 17


def test_weekly_done_more_often_than_planned_counts_as_all_done():
    rows = [_row(GRIP, d, "done") for d in WEEK]
    (exercise,) = adherence.by_domain([GRIP], rows, WEEK)
    assert (exercise["done"], exercise["planned"], exercise["percent"]) == (2, 2, 100)


def test_only_the_days_of_the_window_count_and_none_before_the_plan():
    days = adherence.window(f.DAY + dt.timedelta(days=6), 4, plan_start=f.DAY)
    assert days == WEEK
    rows = [_row(BREATHING, f.DAY - dt.timedelta(days=1), "done")]  # before the window
    (exercise,) = adherence.by_domain([BREATHING], rows, days)
    assert exercise["done"] == 0 and exercise["planned"] == 7
    assert len(adherence.window(f.DAY, 12, plan_start=None)) == 84


def test_a_bad_schedule_is_left_out():
    bad = {"id": "x", "domain": "exercise", "schedule": {"kind": "daily"}}
    assert adherence.by_domain([bad], [], WEEK) == []


def test_per_person_counts_what_each_marked_done():
    people = [
        {"user_id": 1, "name": "Anna", "role": "patient"},
        {"user_id": 2, "name": "Ben", "role": "caregiver"},
    ]
    rows = [
        _row(BREATHING, WEEK[0], "done", by=1),
        _row(BREATHING, WEEK[1], "done", by=2, done_for=1),
        _row(GRIP, WEEK[1], "not-today", by=2),
    ]
    assert adherence.by_person(people, rows, WEEK) == [
        {"name": "Anna", "role": "patient", "done": 1, "for_others": 0},
        {"name": "Ben", "role": "caregiver", "done": 1, "for_others": 1},
    ]


@pytest.fixture
def week_of_ticks(app, db, catalog):
    """A household a week into its plan: Anna breathed on 5 days, said "not today" on one;
    Ben marked her teeth done for her on 3 days."""
    h = f.home(app, db, catalog)
    for n, day in enumerate(WEEK[:6]):
        state = "not-today" if n == 2 else "done"
        ticks.set_state(
            db, h["id"], "belly-breathing", day.isoformat(), 0, state, h["patient"], at=f.NOW
        )
    for day in WEEK[:3]:
        ticks.set_state(
            db,
            h["id"],
            "clean-teeth-fluoride",
            day.isoformat(),
            0,
            "done",
            h["caregiver"],
            h["patient"],
            at=f.NOW,
        )
    app.config["TODAY"] = WEEK[-1].isoformat()
    return h


def _svg(page: str, chart_id: str) -> str:
    return re.search(rf'<svg class="chart" id="{chart_id}".*?</svg>', page, re.S).group(0)


def test_history_shows_charts_with_title_description_and_table(app, week_of_ticks):
    h = week_of_ticks
    client = app.test_client()
    login(client, h["caregiver"])
    page = client.get(f"/h/{h['id']}/history").get_data(as_text=True)
    assert "How it has gone: the last 4 weeks" in page
    domains = _svg(page, "chart-domains")
    assert 'role="img"' in domains and '<title id="chart-domains-title">' in domains
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", domains, re.S).group(1)
    # Exercise: breathing 5 of 6 (one not today), grip and the other weekly moves 0.
    assert "Exercise:" in desc and "Teeth and bone medicine:" in desc
    exercise = re.search(r"Exercise: (\d+)% \((\d+) of (\d+)\)", desc).groups()
    row = re.search(
        r"<th scope=\"row\">Exercise</th><td>(\d+)</td><td>(\d+)</td>"
        r"<td>(\d+)%</td>",
        page,
    ).groups()
    assert (row[2], row[0], row[1]) == exercise  # the table says what the chart says
    people = _svg(page, "chart-people")
    assert (
        "Anna: 5 marked done." in people
        and "Ben: 3 marked done, 3 of them for someone else." in people
    )
    assert '<th scope="row">Ben</th><td>3</td><td>3</td>' in page
    assert "Not today” and “Not needed here” are taken out" in page


def test_twelve_weeks_and_a_bad_span(app, week_of_ticks):
    h = week_of_ticks
    client = app.test_client()
    login(client, h["patient"])
    page = client.get(f"/h/{h['id']}/history?span=12").get_data(as_text=True)
    assert "the last 12 weeks" in page
    # The plan started on DAY: 12 weeks back still starts there.
    assert "From Monday 23 November to Sunday 29 November" in page
    for bad in ("13", "x", "-4", "4" * 30):
        response = client.get(f"/h/{h['id']}/history?span={bad}")
        assert response.status_code == 200 and "the last 4 weeks" in response.get_data(as_text=True)


def test_without_a_plan_there_is_nothing_to_chart(app, db, catalog):
    h = f.home(app, db, catalog, plan=False)
    client = app.test_client()
    login(client, h["patient"])
    page = client.get(f"/h/{h['id']}/history").get_data(as_text=True)
    assert "There is no plan yet" in page and "<svg" not in page
