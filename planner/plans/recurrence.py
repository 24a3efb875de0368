"""Which occurrences of each task are due on a day, which are overdue, and what a tap may set.

Pure: no Flask, no database, no reading of the clock. The views pass the day, the household's
active tasks
(plan items) and the tick states they read; this module decides what the day looks like.

Occurrences (the `occurrence` column of ticks):
  once           "once"; due from its due date on, overdue after it until done.
  daily N        the day (YYYY-MM-DD), slots 0..N-1 (hydration: N drinks of drink_ml).
  weekly N       the day it was done; shown every day of the ISO week until N are done.
  every-n-weeks  the dose day; due on that day only, "next: ..." on the others.
  as-needed      never ticked: listed as "when needed".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.clock import local
from planner.i18n import gettext

STATES = ("done", "open", "not-today", "not-applicable", "needs-help")
TODAY_STATES = ("done", "open", "not-today")
HOME_STATES = ("done", "open", "not-applicable", "needs-help")
# Once tasks in these states are finished: they leave Today (after the day they were set).
FINISHED = ("done", "not-applicable")
ONCE = "once"
# A day's tasks may be ticked up to this many days late (a walk remembered the next morning).
LATE_DAYS = 7
UPCOMING_DAYS = 7

Ticks = Mapping[tuple[str, str, int], Mapping[str, Any]]


@dataclass
class Entry:
    """One task as it stands on a day: the occurrence to tick and the state of each slot."""

    item: dict[str, Any]
    occurrence: str
    status: str  # due, overdue, upcoming, scheduled (every-n-weeks not today)
    states: list[str]  # one per slot
    ticks: list[Mapping[str, Any] | None] = field(default_factory=list)
    due: dt.date | None = None  # once: the due date; every-n-weeks: the next dose day
    week_done: int | None = None  # weekly: done this ISO week, today included

    @property
    def id(self) -> str:
        return self.item["id"]

    @property
    def key(self) -> str:
        """The stable id of the task's row on the page."""
        return f"task-{self.item['id']}-{self.occurrence}"

    @property
    def slots(self) -> int:
        return len(self.states)

    @property
    def done_slots(self) -> int:
        return sum(1 for s in self.states if s == "done")

    @property
    def done(self) -> bool:
        return all(s == "done" for s in self.states)

    @property
    def skipped(self) -> bool:
        """Set to "not today": not counted, and not a failure."""
        return self.states[0] == "not-today" and self.slots == 1

    @property
    def hydration(self) -> bool:
        return bool(self.item.get("drink_ml")) and self.slots > 1

    def summary(self) -> str | None:
        """The count shown beside the task: drinks, taps or times this week."""
        if self.hydration:
            ml = self.item["drink_ml"]
            target = self.item.get("target_ml") or ml * self.slots
            return gettext(
                "%(done)s of %(slots)s drinks (%(ml)s of %(target)s ml)",
                done=self.done_slots,
                slots=self.slots,
                ml=min(self.done_slots * ml, target),
                target=target,
            )
        if self.slots > 1:
            return gettext(
                "%(done)s of %(slots)s done today", done=self.done_slots, slots=self.slots
            )
        if self.week_done is not None:
            n = self.item["schedule"]["times_per_week"]
            return gettext("%(done)s of %(times)s this week", done=self.week_done, times=n)
        return None


@dataclass
class Group:
    """A group of Today's rows (now, later today, this week) and what its count says: `done` of
    `total`, the rows put off ("not today") being left out of the total, not counted as failed."""

    key: str
    entries: list[Entry]

    @property
    def put_off(self) -> int:
        return sum(1 for e in self.entries if e.skipped)

    @property
    def total(self) -> int:
        return len(self.entries) - self.put_off

    @property
    def done(self) -> int:
        return sum(1 for e in self.entries if e.done)

    @property
    def finished(self) -> bool:
        """Nothing left to do in it: it is shown folded."""
        return self.done == self.total


@dataclass
class DayView:
    """Everything Today shows: due and overdue entries, what comes next, what is for when needed."""

    day: dt.date
    due: list[Entry]
    upcoming: list[Entry]
    when_needed: list[dict[str, Any]]
    home: dict[str, Any]  # counts, and next_due (a date or None)
    week: dict[str, int] = field(default_factory=lambda: {"done": 0, "goal": 0})
    set_up: list[Entry] = field(default_factory=list)  # home set-up tasks due, overdue

    @property
    def daily(self) -> list[Entry]:
        """What the day asks for: everything due but the N-times-a-week tasks."""
        return [e for e in self.due if e.week_done is None]

    @property
    def weekly(self) -> list[Entry]:
        """N-times-a-week tasks not yet done enough this week (or done today)."""
        return [e for e in self.due if e.week_done is not None]

    @property
    def counted(self) -> list[Entry]:
        """The entries that count towards the day's progress: the day's own tasks, without
        those set to "not today" (not a failure). Weekly tasks count towards `week`."""
        return [e for e in self.daily if not e.skipped]

    @property
    def done_count(self) -> int:
        return sum(1 for e in self.counted if e.done)

    @property
    def now(self) -> list[Entry]:
        """What is due now: what is overdue, the tasks done once that are due today (the home
        set-up's share of the day among them)."""
        return [
            e for e in self.daily if e.status == "overdue" or e.occurrence == ONCE
        ] + self.set_up

    @property
    def later_today(self) -> list[Entry]:
        """The day's routines: every-day tasks and a dose day's, any time today."""
        return [e for e in self.daily if not (e.status == "overdue" or e.occurrence == ONCE)]

    @property
    def this_week(self) -> list[Entry]:
        """N-times-a-week tasks, then tasks done once that are due within the week."""
        return self.weekly + [e for e in self.upcoming if e.status == "upcoming"]

    @property
    def dates(self) -> list[Entry]:
        """The next dose days: shown as dates, nothing to tick."""
        return [e for e in self.upcoming if e.status == "scheduled"]

    def groups(self) -> list[Group]:
        """Today's groups in the order they are shown, each with its own count."""
        return [
            Group(key, entries)
            for key, entries in (
                ("now", self.now),
                ("later", self.later_today),
                ("week", self.this_week),
            )
        ]

    def find(self, item_id: str) -> Entry | None:
        for entry in self.due + self.upcoming + self.set_up:
            if entry.id == item_id:
                return entry
        return None


def week_of(day: dt.date) -> list[dt.date]:
    """The seven days (Monday to Sunday) of the ISO week that holds `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return [monday + dt.timedelta(days=i) for i in range(7)]


def occurrences_for(day: dt.date) -> list[str]:
    """The occurrences whose ticks a day's view needs: its ISO week's days, and "once"."""
    return [d.isoformat() for d in week_of(day)] + [ONCE]


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def is_dose_day(schedule: Mapping[str, Any], day: dt.date) -> bool:
    """True on the start day of an every-n-weeks schedule and every `weeks` weeks after it."""
    start = _date(schedule.get("from"))
    if start is None or day < start:
        return False
    return (day - start).days % (7 * schedule["weeks"]) == 0


def next_dose(schedule: Mapping[str, Any], day: dt.date) -> dt.date | None:
    """The first dose day on or after `day`, or None when the team has not given a date."""
    start = _date(schedule.get("from"))
    if start is None:
        return None
    if day <= start:
        return start
    step = 7 * schedule["weeks"]
    return start + dt.timedelta(days=-(-(day - start).days // step) * step)


def slots_of(item: Mapping[str, Any]) -> int:
    """How many taps an occurrence of the task has (several for daily N times)."""
    schedule = item["schedule"]
    return schedule["times_per_day"] if schedule["kind"] == "daily" else 1


def updated_on(tick: Mapping[str, Any] | None) -> dt.date | None:
    """The household's day on which a tick was last set (index_ticks works it out)."""
    return tick.get("updated_on") if tick else None


def index_ticks(
    rows: Iterable[Mapping[str, Any]], where: dt.tzinfo
) -> dict[tuple[str, str, int], Mapping]:
    """Tick rows keyed by (item_id, occurrence, slot), each with `updated_on`: the day, in the
    household's zone `where`, of its `updated_at` (stored in UTC)."""
    return {
        (r["item_id"], r["occurrence"], r["slot"]): {
            **r,
            "updated_on": local(r["updated_at"], where).date() if r["updated_at"] else None,
        }
        for r in rows
    }


def _state(ticks: Ticks, item_id: str, occurrence: str, slot: int) -> str:
    tick = ticks.get((item_id, occurrence, slot))
    return tick["state"] if tick else "open"


def _entry(
    item: dict, occurrence: str, status: str, ticks: Ticks, day: dt.date, **extra: Any
) -> Entry:
    n = slots_of(item)
    rows = [ticks.get((item["id"], occurrence, s)) for s in range(n)]
    states = [r["state"] if r else "open" for r in rows]
    if occurrence == ONCE and states[0] == "not-today" and updated_on(rows[0]) != day:
        states[0] = "open"  # "not today" lasts for the day it was said
    return Entry(item, occurrence, status, states, rows, **extra)


def _once(item: dict, day: dt.date, ticks: Ticks) -> Entry | None:
    tick = ticks.get((item["id"], ONCE, 0))
    state = tick["state"] if tick else "open"
    if state in FINISHED and updated_on(tick) != day:
        return None  # finished on an earlier day
    due = _date(item["schedule"].get("due")) or day
    status = "overdue" if due < day else ("due" if due == day else "upcoming")
    if status == "upcoming" and state in FINISHED:
        status = "due"  # done early today: keep it in view with its tick
    return _entry(item, ONCE, status, ticks, day, due=due)


def _done_this_week(item: dict, day: dt.date, ticks: Ticks) -> int:
    """How often a weekly task was done in the ISO week of `day`, up to and including it."""
    return sum(
        1
        for d in week_of(day)
        if d <= day and _state(ticks, item["id"], d.isoformat(), 0) == "done"
    )


def _weekly(item: dict, day: dt.date, ticks: Ticks) -> Entry | None:
    done = _done_this_week(item, day, ticks)
    today_done = _state(ticks, item["id"], day.isoformat(), 0) == "done"
    if done >= item["schedule"]["times_per_week"] and not today_done:
        return None  # enough this week
    return _entry(item, day.isoformat(), "due", ticks, day, week_done=done)


def entry_for(item: dict, day: dt.date, ticks: Ticks) -> Entry | None:
    """The task as it stands on `day`, or None if it has nothing to show (or is as-needed)."""
    kind = item["schedule"]["kind"]
    if kind == "once":
        return _once(item, day, ticks)
    if kind == "daily":
        return _entry(item, day.isoformat(), "due", ticks, day)
    if kind == "weekly":
        return _weekly(item, day, ticks)
    if kind == "every-n-weeks":
        if is_dose_day(item["schedule"], day):
            return _entry(item, day.isoformat(), "due", ticks, day, due=day)
        upcoming = next_dose(item["schedule"], day)
        occurrence = upcoming.isoformat() if upcoming else "unscheduled"
        return Entry(item, occurrence, "scheduled", ["open"], [None], due=upcoming)
    return None


def home_item(item: Mapping[str, Any]) -> bool:
    """Home-safety tasks done once or kept up as needed belong to the home walk-through."""
    return item["domain"] == "home-safety" and item["schedule"]["kind"] in ("once", "as-needed")


def day_view(items: Iterable[dict], day: dt.date, ticks: Ticks) -> DayView:
    """Sort a household's tasks for `day`: due (overdue first within the plan order), upcoming
    (once tasks due within a week, the next dose days), when needed, and the home-check counts."""
    due: list[Entry] = []
    upcoming: list[Entry] = []
    when_needed: list[dict] = []
    home: dict[str, Any] = {"due": 0, "overdue": 0, "needs_help": 0, "total": 0, "next_due": None}
    week = {"done": 0, "goal": 0}
    horizon = day + dt.timedelta(days=UPCOMING_DAYS)
    set_up: list[Entry] = []
    for item in items:
        if home_item(item):
            _count_home(home, item, day, ticks)
            entry = _set_up_entry(item, day, ticks)
            if entry:
                set_up.append(entry)
            continue
        if item["schedule"]["kind"] == "as-needed":
            when_needed.append(item)
            continue
        if item["schedule"]["kind"] == "weekly":
            goal = item["schedule"]["times_per_week"]
            week["goal"] += goal
            week["done"] += min(goal, _done_this_week(item, day, ticks))
        entry = entry_for(item, day, ticks)
        where = _listed(entry, horizon)  # None for no entry
        if entry is not None and where == "due":
            due.append(entry)
        elif entry is not None and where == "upcoming":
            upcoming.append(entry)
    upcoming.sort(key=lambda e: (e.due is None, e.due or day))
    set_up.sort(key=lambda e: (e.status != "overdue", e.due or day))
    return DayView(day, due, upcoming, when_needed, home, week, set_up)


def _set_up_entry(item: dict, day: dt.date, ticks: Ticks) -> Entry | None:
    """A home set-up task as Today lists it: when due or overdue (and on the day it is done)."""
    if item["schedule"]["kind"] != "once":
        return None
    entry = _once(item, day, ticks)
    return entry if entry and entry.status in ("due", "overdue") else None


def _listed(entry: Entry | None, horizon: dt.date) -> str | None:
    """Where Today lists an entry: "due" (due and overdue), "upcoming", or None."""
    if entry is None:
        return None
    if entry.status in ("due", "overdue"):
        return "due"
    if entry.status == "scheduled" or (entry.due and entry.due <= horizon):
        return "upcoming"
    return None


def find_entry(item: dict, day: dt.date, ticks: Ticks) -> Entry | None:
    """The task as day_view(...).find(its id) gives it, worked out for this task alone: the
    answer to a tap needs one row, and the whole day costs a query and a parse of every task."""
    if home_item(item):
        return _set_up_entry(item, day, ticks)
    if item["schedule"]["kind"] == "as-needed":
        return None
    entry = entry_for(item, day, ticks)
    return entry if _listed(entry, day + dt.timedelta(days=UPCOMING_DAYS)) else None


def _count_home(home: dict[str, Any], item: dict, day: dt.date, ticks: Ticks) -> None:
    home["total"] += 1
    tick = ticks.get((item["id"], ONCE, 0))
    state = tick["state"] if tick else "open"
    if state == "needs-help":
        home["needs_help"] += 1
    if state in FINISHED or item["schedule"]["kind"] != "once":
        return
    due = _date(item["schedule"].get("due")) or day
    if due <= day:
        home["due"] += 1
        if due < day:
            home["overdue"] += 1
    elif home["next_due"] is None or due < home["next_due"]:
        home["next_due"] = due


def check_tick(
    item: Mapping[str, Any] | None,
    occurrence: str,
    slot: Any,
    state: str,
    day: dt.date,
    allowed: tuple[str, ...] = TODAY_STATES,
) -> str | None:
    """Why a tap on this task may not be stored (in plain words), or None if it may.

    Daily and weekly taps may be for today or up to LATE_DAYS days back, never the future;
    every-n-weeks taps must be for a dose day; as-needed tasks are not ticked at all.
    """
    if item is None:
        return gettext(
            "This task is no longer on the plan. Reload the page to see the current one."
        )
    if state not in allowed:
        return gettext(
            "'%(state)s' is not something this task can be set to.", state=str(state)[:20]
        )
    try:
        slot = int(slot)
    except (TypeError, ValueError):
        return gettext("That tap did not say which one it was. Reload the page and try again.")
    schedule = item["schedule"]
    kind = schedule["kind"]
    if not 0 <= slot < slots_of(item):
        return gettext("That tap did not match this task. Reload the page and try again.")
    if occurrence == ONCE and (kind == "once" or home_item(item)):
        return None
    if kind in ("once", "as-needed"):
        return gettext("That tap did not match this task. Reload the page and try again.")
    when = None
    if len(occurrence or "") == 10:
        try:
            when = dt.date.fromisoformat(occurrence)
        except ValueError:
            when = None
    if when is None:
        return gettext("That tap was for a day that does not exist. Reload the page and try again.")
    if when > day:
        return gettext("A task cannot be marked for a day that has not come yet.")
    if (day - when).days > LATE_DAYS:
        return gettext("Only the last %(num)s days can be changed.", num=LATE_DAYS)
    if kind == "every-n-weeks" and not is_dose_day(schedule, when):
        return gettext("That day is not one of this task's days. Reload the page and try again.")
    return None
