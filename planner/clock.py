"""Now and today, in one place: the only module of the planner that reads the system time.

Stored times are UTC ISO 8601, whole seconds. Days are the household's local days: every
household lives in one IANA time zone (`households.timezone`, set when it is made from the
TIMEZONE setting, changed on its People page), so a server in UTC serving a household in
Auckland ticks Auckland's day. Callers take the moment from a Clock and pass it into store
writes (`at=`): the store never reads the time itself.

A Clock may be pinned to a day (tests, demos, `planner plan --today`): it then reads noon of
that day in whichever zone asks, so every household is on that day, across any daylight-saving
change, and the suite passes whatever the machine's date and zone.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from planner import i18n

UTC = dt.UTC
DEFAULT_ZONE = "UTC"
NOON = dt.time(12)


def system_now() -> dt.datetime:
    """The one read of the system time: UTC, whole seconds."""
    return dt.datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Clock:
    """The real time, or a pinned day (`day`)."""

    day: dt.date | None = None

    def now(self, zone: dt.tzinfo = UTC) -> dt.datetime:
        """This moment (UTC); on a pinned day, noon of that day in `zone`."""
        if self.day is None:
            return system_now()
        return dt.datetime.combine(self.day, NOON, tzinfo=zone).astimezone(UTC)

    def today(self, zone: dt.tzinfo = UTC) -> dt.date:
        """The date it is in `zone` (the pinned day, if any)."""
        return self.day if self.day is not None else system_now().astimezone(zone).date()


def pinned(value: str | dt.date | None) -> Clock:
    """A Clock pinned to `value` (a date or YYYY-MM-DD), or the real clock for None or ""."""
    if not value:
        return Clock()
    return Clock(value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)))


@functools.lru_cache(maxsize=64)
def zone(name: str | None) -> ZoneInfo:
    """The time zone of this IANA name; UTC for a missing or unknown one, so that a damaged
    row never stops a page (the People page says which zone is in use)."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


@functools.cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name this machine knows, sorted, for the time-zone picker."""
    return tuple(sorted(n for n in available_timezones() if "/" in n or n == "UTC"))


def is_zone(name: str) -> bool:
    """Whether `name` is a time zone people may choose."""
    return name in zone_names()


def iso(moment: dt.datetime) -> str:
    """A time as stored: UTC ISO 8601."""
    return moment.astimezone(UTC).isoformat()


def local(stamp: str, where: dt.tzinfo) -> dt.datetime:
    """A stored UTC time as the wall-clock time in `where` (naive), for display and grouping."""
    moment = dt.datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(where).replace(tzinfo=None)


def day_start(day: dt.date, where: dt.tzinfo) -> str:
    """The stored (UTC) time at which `day` begins in `where`."""
    return iso(dt.datetime.combine(day, dt.time(), tzinfo=where))


def day_words(day: dt.date, weekday: bool = True, year: bool = False) -> str:
    """'Sunday 22 November' (optionally with the year) in the language being spoken,
    independent of the machine's locale (planner/i18n.py)."""
    return i18n.day_words(day, weekday=weekday, year=year)


def parse_day(value: str | None) -> dt.date | None:
    """A YYYY-MM-DD string as a date, or None if it is missing or not a real date."""
    if not value or len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
