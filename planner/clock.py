"""The app's sense of today and now, in one place, so tests and demos can pin the date.

Stored times are UTC ISO 8601 (as planner.store.accounts does); days are the server's local days.
Set TODAY = "YYYY-MM-DD" in the config to pin the date the pages plan for (tests, demos).
"""

from __future__ import annotations

import datetime as dt

from flask import current_app

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def today() -> dt.date:
    """The day the pages are about: the config's TODAY if set, else the local date."""
    pinned = current_app.config.get("TODAY")
    if pinned:
        return dt.date.fromisoformat(str(pinned))
    return dt.date.today()


def now() -> dt.datetime:
    """The current time in UTC, whole seconds; on a pinned TODAY, that day at the local time
    of day now, so that what is ticked lands on the day the pages show."""
    moment = dt.datetime.now().astimezone().replace(microsecond=0)
    if current_app.config.get("TODAY"):
        day = today()
        moment = moment.replace(year=day.year, month=day.month, day=day.day)
    return moment.astimezone(dt.UTC)


def stamp() -> str:
    """Now, as stored."""
    return iso(now())


def iso(moment: dt.datetime) -> str:
    """A time as stored: UTC ISO 8601."""
    return moment.astimezone(dt.UTC).isoformat()


def local(stamp: str) -> dt.datetime:
    """A stored UTC time as a local (naive) time, for display and for grouping by day."""
    moment = dt.datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().replace(tzinfo=None)


def day_start(day: dt.date) -> str:
    """The stored (UTC) time at which a local day begins."""
    return iso(dt.datetime.combine(day, dt.time()).astimezone())


def day_words(day: dt.date, weekday: bool = True, year: bool = False) -> str:
    """'Sunday 22 November' (optionally with the year), independent of the machine's locale."""
    text = f"{day.day} {MONTHS[day.month - 1]}"
    if year:
        text += f" {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text


def parse_day(value: str | None) -> dt.date | None:
    """A YYYY-MM-DD string as a date, or None if it is missing or not a real date."""
    if not value or len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
