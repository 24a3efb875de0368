"""What a reminder is about, read from the household's plan through planner/recurrence.py: the
day's tasks for a digest, the key dates due or overdue, the home checks that need help.

Pure: the caller passes the tasks, the tick rows and the day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from planner.plans import recurrence

# The dates a missed day matters for: the bone medicine's injection or infusion day, the kidney
# test before it and the dental examination before the first dose (dental.yaml). Which items
# are key is a property of the reminders, not advice: the advice stays in checklists/.
KEY_TASKS = (
    "injection-day",
    "infusion-day",
    "kidney-test-before-infusion",
    "dental-exam-before-first-dose",
    "dental-clearance-before-first-dose",
)
# An overdue key date is mentioned on this many days after it, once a day, then left to the
# plan's own page: a reminder, not a nag.
OVERDUE_DAYS = 3


def occurrences(day: dt.date) -> list[str]:
    """The tick occurrences these questions need: the ISO week (digest), the last days (an
    overdue dose day) and "once"."""
    days = {d.isoformat() for d in recurrence.week_of(day)}
    days |= {(day - dt.timedelta(days=n)).isoformat() for n in range(OVERDUE_DAYS + 1)}
    return sorted(days) + [recurrence.ONCE]


def digest(items: list[dict], day: dt.date, ticks) -> list[dict]:
    """What the daily plan mail lists, as Today does: the day's tasks still to do (not done,
    not set to "not today"), then the N-times-a-week ones not yet done enough (`week`), each
    as {"id", "title", "week"} in plan order (the id: a reader in another language gets the
    title in their words, planner/web/said.py)."""
    view = recurrence.day_view(items, day, ticks)
    return [
        {"id": e.item["id"], "title": e.item["title"], "week": week}
        for week, entries in ((False, view.daily), (True, view.weekly))
        for e in entries
        if not e.done and not e.skipped
    ]


def _last_dose_day(schedule: dict, day: dt.date) -> dt.date | None:
    for back in range(1, OVERDUE_DAYS + 1):
        when = day - dt.timedelta(days=back)
        if recurrence.is_dose_day(schedule, when):
            return when
    return None


def _state(ticks, item_id: str, occurrence: str) -> str:
    tick = ticks.get((item_id, occurrence, 0))
    return tick["state"] if tick else "open"


def _due_on(schedule: dict, day: dt.date) -> str | None:
    """The occurrence of a key task that falls on `day`, if one does."""
    if schedule["kind"] == "every-n-weeks" and recurrence.is_dose_day(schedule, day):
        return day.isoformat()
    if schedule["kind"] == "once" and schedule.get("due") == day.isoformat():
        return recurrence.ONCE
    return None


def key_due(items: Iterable[dict], day: dt.date, ticks) -> list[dict]:
    """Key tasks due on `day` and not yet ticked."""
    out = []
    for item in items:
        occurrence = _due_on(item["schedule"], day) if item["id"] in KEY_TASKS else None
        if occurrence and _state(ticks, item["id"], occurrence) == "open":
            out.append(item)
    return out


def key_overdue(items: Iterable[dict], day: dt.date, ticks) -> list[dict]:
    """Key tasks whose day passed (1 to OVERDUE_DAYS days ago) with no answer at all: any tick
    (done, not today, not applicable, needs help) stops the reminders."""
    out = []
    for item in items:
        if item["id"] not in KEY_TASKS:
            continue
        schedule = item["schedule"]
        if schedule["kind"] == "every-n-weeks":
            when = _last_dose_day(schedule, day)
            if when and _state(ticks, item["id"], when.isoformat()) == "open":
                out.append(item)
        elif schedule["kind"] == "once" and schedule.get("due"):
            late = (day - dt.date.fromisoformat(schedule["due"])).days
            if 1 <= late <= OVERDUE_DAYS and _state(ticks, item["id"], recurrence.ONCE) == "open":
                out.append(item)
    return out


def needs_help(items: Iterable[dict], day: dt.date, ticks) -> list[tuple[dict, dict]]:
    """Home checks someone marked "needs help" on `day` (and still so): (item, tick)."""
    out = []
    for item in items:
        tick = ticks.get((item["id"], recurrence.ONCE, 0))
        if tick and tick["state"] == "needs-help" and recurrence.updated_on(tick) == day:
            out.append((item, tick))
    return out
