"""How much of what a plan asked was done: per part of the plan, over the last N days.

Pure: no Flask, no database, no clock. Counted: the recurring tasks (daily, weekly and
every-n-weeks); one-off and as-needed tasks are not (a one-off task is either overdue or not).
Asked = for each recurring task, its taps over the window (daily: times a day x days; weekly:
times a week x days / 7, rounded; every-n-weeks: the dose days in the window). Done = the taps
marked done on those days, never more than asked. The window is the N days before `today`
(today is not over yet) and starts no earlier than the day the household started (its first plan
or its first tick).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from planner.recurrence import FINISHED, ONCE, is_dose_day

RECURRING = ("daily", "weekly", "every-n-weeks")


def window(today: dt.date, days: int, start: dt.date | None) -> list[dt.date]:
    """The days counted: the `days` days before today, none before `start`."""
    first = today - dt.timedelta(days=days)
    if start is not None:
        first = max(first, start)
    return [first + dt.timedelta(days=n) for n in range((today - first).days)]


def asked(item: Mapping[str, Any], days: list[dt.date]) -> int:
    """How many taps the task asked for over `days`."""
    schedule = item["schedule"]
    kind = schedule["kind"]
    if kind == "daily":
        return schedule.get("times_per_day", 1) * len(days)
    if kind == "weekly":
        return round(schedule["times_per_week"] * len(days) / 7)
    if kind == "every-n-weeks":
        return sum(1 for day in days if is_dose_day(schedule, day))
    return 0


def by_domain(items: Iterable[Mapping[str, Any]], done: Mapping[tuple[str, str], int],
              days: list[dt.date]) -> dict[str, tuple[int, int]]:
    """{domain: (done, asked)} over `days`; `done` counts the done taps by (item id, day iso)."""
    isos = {day.isoformat() for day in days}
    out: dict[str, tuple[int, int]] = {}
    for item in items:
        if item["schedule"]["kind"] not in RECURRING:
            continue
        want = asked(item, days)
        if not want:
            continue
        got = sum(n for (item_id, day), n in done.items() if item_id == item["id"] and day in isos)
        d, a = out.get(item["domain"], (0, 0))
        out[item["domain"]] = (d + min(got, want), a + want)
    return out


def percent(pair: tuple[int, int] | None) -> int | None:
    """Done as a whole percentage of asked, or None when nothing was asked."""
    if not pair or not pair[1]:
        return None
    return round(100 * pair[0] / pair[1])


def overdue(items: Iterable[Mapping[str, Any]], once_states: Mapping[str, str],
            today: dt.date) -> list[Mapping[str, Any]]:
    """One-off tasks past their due date and not finished (`once_states`: item id -> state)."""
    out = []
    for item in items:
        schedule = item["schedule"]
        if schedule["kind"] != ONCE or not schedule.get("due"):
            continue
        if dt.date.fromisoformat(schedule["due"]) < today and \
                once_states.get(item["id"]) not in FINISHED:
            out.append(item)
    return out


def is_key(item: Mapping[str, Any]) -> bool:
    """A task that matters most: marked so for this person, or any one-off task outside the
    home check (the dental check before a bone medicine, for example)."""
    return bool(item.get("emphasis")) or item["domain"] != "home-safety"
