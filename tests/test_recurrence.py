"""Which occurrences are due on a day, which are overdue, and which taps are allowed."""

from __future__ import annotations

import datetime as dt

import pytest

from planner import clock
from planner.plans import recurrence as r

MON = dt.date(2026, 11, 23)  # Monday of ISO week 48
SUN = dt.date(2026, 11, 29)


def item(item_id="t", kind="daily", domain="exercise", **schedule):
    base = {
        "id": item_id,
        "domain": domain,
        "title": item_id.title(),
        "detail": "",
        "why": [],
        "audience": "patient",
        "schedule": {"kind": kind, **schedule},
    }
    return base


def tick(state, updated="2026-11-23T09:00:00+00:00"):
    """A tick row as index_ticks gives it, for a household in UTC."""
    row = {"item_id": "t", "occurrence": "o", "slot": 0, "state": state, "updated_at": updated}
    return r.index_ticks([row], dt.UTC)[("t", "o", 0)]


def local_noon(day: dt.date) -> str:
    """A stored UTC stamp that is noon of `day` for a household in UTC."""
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC).isoformat()


# Weeks and dose days ---------------------------------------------------------------------------


def test_week_of_is_monday_to_sunday_across_a_year_boundary():
    week = r.week_of(dt.date(2027, 1, 1))  # a Friday
    assert week[0] == dt.date(2026, 12, 28) and week[-1] == dt.date(2027, 1, 3)
    assert [d.weekday() for d in week] == list(range(7))


def test_occurrences_for_a_day_are_its_week_and_once():
    occ = r.occurrences_for(dt.date(2026, 11, 25))
    assert occ[0] == "2026-11-23" and occ[6] == "2026-11-29" and occ[-1] == "once"


@pytest.mark.parametrize(
    "day,expected",
    [
        ("2026-12-19", True),
        ("2027-01-16", True),
        ("2026-12-20", False),
        ("2026-12-12", False),
        ("2027-02-13", True),
    ],
)
def test_dose_days_every_four_weeks(day, expected):
    schedule = {"kind": "every-n-weeks", "weeks": 4, "from": "2026-12-19"}
    assert r.is_dose_day(schedule, dt.date.fromisoformat(day)) is expected


def test_next_dose_steps_by_the_interval():
    schedule = {"kind": "every-n-weeks", "weeks": 4, "from": "2026-12-19"}
    assert r.next_dose(schedule, dt.date(2026, 12, 1)) == dt.date(2026, 12, 19)
    assert r.next_dose(schedule, dt.date(2026, 12, 19)) == dt.date(2026, 12, 19)
    assert r.next_dose(schedule, dt.date(2026, 12, 20)) == dt.date(2027, 1, 16)
    assert r.next_dose({"kind": "every-n-weeks", "weeks": 4, "from": None}, MON) is None


# Once ------------------------------------------------------------------------------------------


def test_once_is_upcoming_then_due_then_overdue():
    task = item(kind="once", due="2026-11-25")
    assert r.entry_for(task, MON, {}).status == "upcoming"
    assert r.entry_for(task, dt.date(2026, 11, 25), {}).status == "due"
    late = r.entry_for(task, dt.date(2026, 11, 27), {})
    assert late.status == "overdue" and late.occurrence == "once" and late.due.day == 25


def test_once_without_a_date_is_due_today():
    assert r.entry_for(item(kind="once", due=None), MON, {}).status == "due"


def test_once_done_stays_in_view_the_day_it_was_done_then_leaves():
    task = item(kind="once", due="2026-11-20")
    ticks = {("t", "once", 0): tick("done", local_noon(MON))}
    entry = r.entry_for(task, MON, ticks)
    assert entry.done and entry.status == "overdue"
    assert r.entry_for(task, MON + dt.timedelta(days=1), ticks) is None


def test_once_not_today_lasts_one_day():
    task = item(kind="once", due="2026-11-20")
    ticks = {("t", "once", 0): tick("not-today", local_noon(MON))}
    assert r.entry_for(task, MON, ticks).skipped
    tomorrow = r.entry_for(task, MON + dt.timedelta(days=1), ticks)
    assert tomorrow.states == ["open"] and tomorrow.status == "overdue"


# Daily -----------------------------------------------------------------------------------------


def test_daily_slots_and_hydration_summary():
    drinks = item("daily-drinks", kind="daily", domain="hydration", times_per_day=8)
    drinks.update(target_ml=1600, drink_ml=200)
    ticks = {("daily-drinks", MON.isoformat(), s): tick("done") for s in (0, 1, 5)}
    entry = r.entry_for(drinks, MON, ticks)
    assert entry.occurrence == "2026-11-23" and entry.slots == 8 and entry.hydration
    assert entry.summary() == "3 of 8 drinks (600 of 1600 ml)"
    assert not entry.done
    # Yesterday's ticks do not count today.
    assert r.entry_for(drinks, MON + dt.timedelta(days=1), ticks).done_slots == 0


def test_hydration_summary_never_exceeds_the_capped_target():
    drinks = item("d", kind="daily", domain="hydration", times_per_day=3)
    drinks.update(target_ml=500, drink_ml=170)
    ticks = {("d", MON.isoformat(), s): tick("done") for s in range(3)}
    assert r.entry_for(drinks, MON, ticks).summary() == "3 of 3 drinks (500 of 500 ml)"


def test_daily_once_a_day_is_one_slot():
    entry = r.entry_for(item(kind="daily", times_per_day=1), MON, {})
    assert entry.slots == 1 and entry.summary() is None and entry.key == "task-t-2026-11-23"


# Weekly ----------------------------------------------------------------------------------------


def weekly(n=3):
    return item("walk", kind="weekly", times_per_week=n)


def test_weekly_is_shown_until_done_n_times_this_week():
    ticks = {("walk", "2026-11-23", 0): tick("done"), ("walk", "2026-11-24", 0): tick("done")}
    wed = dt.date(2026, 11, 25)
    entry = r.entry_for(weekly(), wed, ticks)
    assert entry.occurrence == "2026-11-25" and entry.summary() == "2 of 3 this week"
    ticks[("walk", "2026-11-25", 0)] = tick("done")
    done_today = r.entry_for(weekly(), wed, ticks)
    assert done_today.done and done_today.summary() == "3 of 3 this week"
    assert r.entry_for(weekly(), dt.date(2026, 11, 26), ticks) is None


def test_weekly_count_restarts_on_monday():
    ticks = {("walk", d, 0): tick("done") for d in ("2026-11-27", "2026-11-28", "2026-11-29")}
    assert r.entry_for(weekly(), SUN, ticks).done  # done on Sunday itself
    monday = r.entry_for(weekly(), SUN + dt.timedelta(days=1), ticks)
    assert monday is not None and monday.week_done == 0


def test_weekly_week_spanning_new_year():
    ticks = {("walk", "2026-12-28", 0): tick("done"), ("walk", "2026-12-31", 0): tick("done")}
    entry = r.entry_for(weekly(), dt.date(2027, 1, 2), ticks)
    assert entry.week_done == 2


def test_weekly_not_today_is_not_a_done():
    ticks = {("walk", "2026-11-23", 0): tick("not-today")}
    assert r.entry_for(weekly(), MON, ticks).skipped
    assert r.entry_for(weekly(), MON + dt.timedelta(days=1), ticks).week_done == 0


# Every n weeks and as needed -------------------------------------------------------------------


def test_every_n_weeks_due_on_dose_day_only():
    task = item("infusion", kind="every-n-weeks", weeks=4, **{"from": "2026-12-19"})
    due = r.entry_for(task, dt.date(2027, 1, 16), {})
    assert due.status == "due" and due.occurrence == "2027-01-16"
    other = r.entry_for(task, dt.date(2027, 1, 17), {})
    assert other.status == "scheduled" and other.due == dt.date(2027, 2, 13)


def test_every_n_weeks_without_a_date_waits_for_the_team():
    task = item("check", kind="every-n-weeks", weeks=26, **{"from": None})
    entry = r.entry_for(task, MON, {})
    assert entry.status == "scheduled" and entry.due is None


def test_day_view_sorts_due_upcoming_when_needed_and_home():
    items = [
        item("breathe", kind="daily", times_per_day=1),
        item("dentist", kind="once", domain="dental", due="2026-11-26"),
        item("far", kind="once", domain="dental", due="2027-03-01"),
        item("infusion", kind="every-n-weeks", domain="dental", weeks=4, **{"from": "2026-12-19"}),
        item("signs", kind="as-needed", domain="red-flags"),
        item("rail", kind="once", domain="home-safety", due="2026-11-20"),
        item("rugs", kind="once", domain="home-safety", due="2026-11-23"),
        item("clear", kind="as-needed", domain="home-safety"),
    ]
    ticks = {("rugs", "once", 0): tick("needs-help")}
    view = r.day_view(items, MON, ticks)
    assert [e.id for e in view.due] == ["breathe"]
    assert [e.id for e in view.upcoming] == ["dentist", "infusion"]
    assert [i["id"] for i in view.when_needed] == ["signs"]
    assert view.home == {"due": 2, "overdue": 1, "needs_help": 1, "total": 3, "next_due": None}
    assert view.find("dentist").status == "upcoming"


def test_home_counts_say_when_the_next_check_is_due():
    items = [
        item("rail", kind="once", domain="home-safety", due="2026-11-30"),
        item("rugs", kind="once", domain="home-safety", due="2026-11-27"),
    ]
    view = r.day_view(items, MON, {})
    assert view.home["due"] == 0 and view.home["next_due"] == dt.date(2026, 11, 27)


def test_weekly_tasks_count_towards_the_week_not_the_day():
    items = [
        item("a", kind="daily", times_per_day=1),
        weekly(3),
        item("curls", kind="weekly", times_per_week=2),
    ]
    ticks = {
        ("walk", "2026-11-23", 0): tick("done"),
        ("curls", "2026-11-23", 0): tick("done"),
        ("curls", "2026-11-24", 0): tick("done"),
        ("curls", "2026-11-25", 0): tick("done"),
    }
    view = r.day_view(items, dt.date(2026, 11, 26), ticks)
    assert [e.id for e in view.daily] == ["a"] and [e.id for e in view.weekly] == ["walk"]
    assert len(view.counted) == 1
    assert view.week == {"done": 3, "goal": 5}  # curls: 3 done, but 2 are asked


def test_progress_does_not_count_not_today():
    items = [
        item("a", kind="daily", times_per_day=1),
        item("b", kind="daily", times_per_day=1),
        item("c", kind="daily", times_per_day=1),
    ]
    ticks = {("a", MON.isoformat(), 0): tick("done"), ("b", MON.isoformat(), 0): tick("not-today")}
    view = r.day_view(items, MON, ticks)
    assert len(view.counted) == 2 and view.done_count == 1


# What a tap may set ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "task,occurrence,slot,state,ok",
    [
        (item(kind="daily", times_per_day=8), "2026-11-23", 7, "done", True),
        (item(kind="daily", times_per_day=8), "2026-11-23", 8, "done", False),
        (item(kind="daily", times_per_day=8), "2026-11-23", -1, "done", False),
        (item(kind="daily", times_per_day=1), "2026-11-23", "x", "done", False),
        (item(kind="daily", times_per_day=1), "2026-11-24", 0, "done", False),  # the future
        (item(kind="daily", times_per_day=1), "2026-11-16", 0, "done", True),  # a week late
        (item(kind="daily", times_per_day=1), "2026-11-15", 0, "done", False),
        (item(kind="daily", times_per_day=1), "2026-02-30", 0, "done", False),
        (item(kind="daily", times_per_day=1), "once", 0, "done", False),
        (item(kind="daily", times_per_day=1), "2026-11-23", 0, "toggle", False),
        (item(kind="daily", times_per_day=1), "2026-11-23", 0, "not-applicable", False),
        (item(kind="once", due="2026-12-01"), "once", 0, "not-today", True),
        (item(kind="once", due="2026-12-01"), "2026-11-23", 0, "done", False),
        (item(kind="weekly", times_per_week=2), "2026-11-22", 0, "open", True),
        (
            item(kind="every-n-weeks", weeks=4, **{"from": "2026-11-23"}),
            "2026-11-23",
            0,
            "done",
            True,
        ),
        (
            item(kind="every-n-weeks", weeks=4, **{"from": "2026-11-23"}),
            "2026-11-22",
            0,
            "done",
            False,
        ),
        (item(kind="as-needed"), "once", 0, "done", False),
        (item(kind="as-needed"), "2026-11-23", 0, "done", False),
        (None, "once", 0, "done", False),
    ],
)
def test_check_tick(task, occurrence, slot, state, ok):
    assert (r.check_tick(task, occurrence, slot, state, MON) is None) is ok


def test_home_items_take_home_states_once():
    rail = item("rail", kind="as-needed", domain="home-safety")
    assert r.check_tick(rail, "once", 0, "needs-help", MON, allowed=r.HOME_STATES) is None
    assert r.check_tick(rail, "once", 0, "not-today", MON, allowed=r.HOME_STATES)


def test_one_task_alone_is_found_as_in_the_whole_day():
    from tests.factories import PROFILE
    from tests.plans import plan_for

    items = plan_for(PROFILE, MON)["items"]
    ticks = {}
    for n, it in enumerate(items):  # a mix of states: done, not today, needs help, open
        occurrence = r.ONCE if it["schedule"]["kind"] == "once" else MON.isoformat()
        state = ("done", "not-today", "needs-help", "open")[n % 4]
        ticks[(it["id"], occurrence, 0)] = tick(state)
        ticks[(it["id"], (MON - dt.timedelta(days=1)).isoformat(), 0)] = tick("done")
    for day in (MON - dt.timedelta(days=3), MON, SUN, MON + dt.timedelta(days=30)):
        view = r.day_view(items, day, ticks)
        for it in items:
            alone, found = r.find_entry(it, day, ticks), view.find(it["id"])
            assert (alone and (alone.key, alone.status, alone.states)) == (
                found and (found.key, found.status, found.states)
            ), (it["id"], day)


def test_a_tick_belongs_to_the_day_it_was_in_the_households_zone():
    """Set at 23:30 UTC on Sunday: that is Monday morning in Auckland, Sunday in Los Angeles."""
    row = {
        "item_id": "t",
        "occurrence": "once",
        "slot": 0,
        "state": "done",
        "updated_at": "2026-11-22T23:30:00+00:00",
    }
    assert r.index_ticks([row], clock.zone("Pacific/Auckland"))[("t", "once", 0)][
        "updated_on"
    ] == dt.date(2026, 11, 23)
    assert r.index_ticks([row], clock.zone("America/Los_Angeles"))[("t", "once", 0)][
        "updated_on"
    ] == dt.date(2026, 11, 22)
