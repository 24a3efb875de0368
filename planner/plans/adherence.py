"""How well the routine was kept up over some weeks: per part of the plan, and per person.

Pure: the view passes the household's tasks, its tick rows and the days. Only repeating tasks
count (daily, weekly, dose days); one-off jobs have their own progress on the Home check.
Kind by design: a task set to "not today" or "not needed here" is taken out of what was
planned, never counted as missed; and a weekly task done more often than planned counts as
fully done, never more than that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from planner.i18n import gettext
from planner.plans import recurrence
from planner.plans.domains import LABELS as DOMAIN_LABELS

SPANS = (4, 12)  # weeks one may look back over
SET_ASIDE = ("not-today", "not-applicable")


def window(today: dt.date, weeks: int, plan_start: dt.date | None) -> list[dt.date]:
    """The days of the last `weeks` weeks up to `today`, from the first plan on (none before)."""
    first = today - dt.timedelta(weeks=weeks) + dt.timedelta(days=1)
    if plan_start is not None:
        first = max(first, plan_start)
    return [first + dt.timedelta(days=n) for n in range((today - first).days + 1)]


def _expected(item: Mapping[str, Any], days: list[dt.date]) -> float:
    schedule = item.get("schedule") or {}
    kind = schedule.get("kind")
    try:
        if kind == "daily":
            return schedule["times_per_day"] * len(days)
        if kind == "weekly":
            return schedule["times_per_week"] * len(days) / 7
        if kind == "every-n-weeks":
            return sum(1 for d in days if recurrence.is_dose_day(schedule, d))
    except (KeyError, TypeError, ValueError):
        pass  # a task with a bad schedule is not counted
    return 0


def by_domain(
    items: Iterable[Mapping[str, Any]], rows: Iterable[Mapping[str, Any]], days: list[dt.date]
) -> list[dict]:
    """Per part of the plan with repeating tasks, in the plan's order: {key, label, done,
    planned, set_aside, percent} (percent None when nothing was planned in these days)."""
    on = {d.isoformat() for d in days}
    states: dict[str, list[str]] = {}
    for row in rows:
        if row["occurrence"] in on:
            states.setdefault(row["item_id"], []).append(row["state"])
    totals: dict[str, dict] = {}
    for item in items:
        expected = _expected(item, days)
        if not expected:
            continue
        mine = states.get(item["id"], [])
        aside = sum(1 for s in mine if s in SET_ASIDE)
        planned = max(expected - aside, 0)
        done = min(sum(1 for s in mine if s == "done"), planned)
        domain = item["domain"]
        total = totals.setdefault(
            domain,
            {
                "key": domain,
                "label": DOMAIN_LABELS.get(domain, gettext("Other")),
                "done": 0,
                "planned": 0.0,
                "set_aside": 0,
            },
        )
        total["done"] += done
        total["planned"] += planned
        total["set_aside"] += aside
    order = list(DOMAIN_LABELS)
    result = sorted(
        totals.values(), key=lambda t: order.index(t["key"]) if t["key"] in order else len(order)
    )
    for total in result:
        total["done"], total["planned"] = round(total["done"]), round(total["planned"])
        total["percent"] = (
            round(100 * total["done"] / total["planned"]) if total["planned"] else None
        )
    return result


def by_person(
    members: Iterable[Mapping[str, Any]], rows: Iterable[Mapping[str, Any]], days: list[dt.date]
) -> list[dict]:
    """Per member, in the household's order: {name, role, done, for_others}: what they marked
    done on these days, and how much of that for someone else."""
    on = {d.isoformat() for d in days}
    people = {
        m["user_id"]: {"name": m["name"], "role": m["role"], "done": 0, "for_others": 0}
        for m in members
    }
    for row in rows:
        person = people.get(row["by_user"])
        if person is None or row["occurrence"] not in on or row["state"] != "done":
            continue
        person["done"] += 1
        if row["done_for"] and row["done_for"] != row["by_user"]:
            person["for_others"] += 1
    return list(people.values())
