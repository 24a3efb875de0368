"""The dated items of a plan: the days on which something is due (a one-off task's due date, a
dose day of an every-n-weeks task), read from the plan items' schedules, never re-derived from
the profile. The calendar feed, the FHIR export and the visit summary share these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from planner.plans import recurrence

# The part of the plan whose dated items are appointments (bone medicine days, the dental
# check before the first dose, the kidney test): the calendar's key dates. Home jobs have due
# dates too, and the drinks have dose days, but those are reminders, not days to keep free.
APPOINTMENT_DOMAINS = ("dental",)


def dated(
    items: Iterable[dict[str, Any]], start: dt.date, end: dt.date
) -> Iterator[tuple[dt.date, str, dict[str, Any]]]:
    """(day, occurrence, item) for each dated item due from `start` to `end` (both included), in
    the items' order; occurrence is what its ticks are stored under ("once" or the dose day).
    An item whose date is missing or not a date is left out, not an error."""
    for item in items:
        schedule = item.get("schedule") or {}
        try:
            if schedule.get("kind") == "once" and schedule.get("due"):
                due = dt.date.fromisoformat(schedule["due"])
                if start <= due <= end:
                    yield due, recurrence.ONCE, item
            elif schedule.get("kind") == "every-n-weeks" and schedule.get("from"):
                day = recurrence.next_dose(schedule, start)
                while day is not None and day <= end:
                    yield day, day.isoformat(), item
                    day += dt.timedelta(weeks=schedule["weeks"])
        except (TypeError, ValueError, KeyError, OverflowError):
            continue  # one bad schedule never hides the others


def is_appointment(item: dict[str, Any]) -> bool:
    """Whether a dated item is a key date (a day to keep free), not a home job's deadline."""
    return item.get("domain") in APPOINTMENT_DOMAINS


def key_dates(
    items: Iterable[dict[str, Any]], start: dt.date, end: dt.date
) -> list[tuple[dt.date, list[dict[str, Any]]]]:
    """The key dates from `start` to `end`, earliest first: (day, the items due that day)."""
    days: dict[dt.date, list[dict[str, Any]]] = {}
    for day, _, item in dated(items, start, end):
        if is_appointment(item):
            days.setdefault(day, []).append(item)
    return sorted(days.items(), key=lambda pair: pair[0])
