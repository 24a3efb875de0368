"""A person's calendar feed (RFC 5545, built with `icalendar`): the household's key dates as
all-day events, and optionally one all-day summary event a day.

Private by default: a calendar is often shown on a lock screen, a shared family calendar or a
work account, so unless the person opted in to full titles an event says only "Planner:
appointment" or "Planner: 3 things today", with no description. Nothing in a feed links to an
action: it is read-only. One item that cannot be turned into an event is left out, never the
whole feed. Pure: the caller passes the day and the moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Event, Timezone, vDuration

from planner.clock import zone
from planner.i18n import gettext, ngettext, plain
from planner.plans import key_dates, recurrence

PRODID = "-//Planner//Calendar feed//EN"  # says nothing about anyone's health
BEHIND, AHEAD = dt.timedelta(days=7), dt.timedelta(days=120)  # key dates in the feed
SUMMARY_DAYS = 31  # daily summaries from today on
REFRESH = dt.timedelta(hours=6)  # how often calendar apps are asked to read again


def _things(items: list[dict], day: dt.date, finished: set[str]) -> list[dict]:
    """What there is to do on `day` (as Today lists it): every daily and weekly task, a dose
    day's tasks, and the one-off tasks due that day and not finished."""
    things = []
    for item in items:
        schedule = item.get("schedule") or {}
        kind = schedule.get("kind")
        try:
            if (
                kind in ("daily", "weekly")
                or (kind == "every-n-weeks" and recurrence.is_dose_day(schedule, day))
                or (
                    kind == "once"
                    and schedule.get("due") == day.isoformat()
                    and item["id"] not in finished
                )
            ):
                things.append(item)
        except (TypeError, ValueError, KeyError):
            continue  # a bad schedule is left out of the count
    return things


def _event(
    uid: str, day: dt.date, summary: str, description: str | None, stamp: dt.datetime
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)  # a date: VALUE=DATE, an all-day event
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")  # shows, but does not mark the day busy
    event.add("class", "PRIVATE")
    if description:
        event.add("description", description)
    return event


def _titles(items: Iterable[dict]) -> list[str]:
    # A title still in English on another language's feed says so in words (planner/i18n.py).
    return [plain(str(item.get("title") or item["id"])) for item in items]


def build(
    feed: dict, items: list[dict], finished: set[str], today: dt.date, stamp: dt.datetime
) -> bytes:
    """The feed as iCalendar bytes. `feed` is the stored feed (id, household_id, timezone,
    household_name, full_titles, daily_summary); `items` the household's active tasks;
    `finished` the ids of one-off tasks done or set aside; `stamp` this moment (DTSTAMP)."""
    where = zone(feed["timezone"])
    full = bool(feed["full_titles"])
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add(
        "x-wr-calname",
        gettext("Planner: %(name)s", name=feed["household_name"]) if full else gettext("Planner"),
    )
    cal.add("x-wr-timezone", where.key)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})  # RFC 7986
    cal.add("x-published-ttl", vDuration(REFRESH))  # the same hint for Outlook
    # The zone's rules over the feed's span only (a year each side), not since 1970.
    cal.add_component(
        Timezone.from_tzinfo(
            where, where.key, today - dt.timedelta(days=366), today + dt.timedelta(days=366)
        )
    )
    stamp = stamp.astimezone(dt.UTC)
    prefix = f"planner-h{feed['household_id']}-f{feed['id']}"
    for day, due in key_dates.key_dates(items, today - BEHIND, today + AHEAD):
        try:
            titles = _titles(due)
            summary = (
                "; ".join(titles)
                if full
                else ngettext("Planner: appointment", "Planner: %(num)s appointments", len(due))
            )
            cal.add_component(
                _event(
                    f"{prefix}-key-{day.isoformat()}@planner",
                    day,
                    summary,
                    "\n".join(titles) if full else None,
                    stamp,
                )
            )
        except (TypeError, ValueError, KeyError):
            continue  # one bad item is left out, never the whole feed
    if feed["daily_summary"]:
        for offset in range(SUMMARY_DAYS):
            day = today + dt.timedelta(days=offset)
            things = _things(items, day, finished)
            if not things:
                continue
            n = len(things)
            summary = ngettext("Planner: %(num)s thing today", "Planner: %(num)s things today", n)
            try:
                cal.add_component(
                    _event(
                        f"{prefix}-day-{day.isoformat()}@planner",
                        day,
                        summary,
                        "\n".join(_titles(things)) if full else None,
                        stamp,
                    )
                )
            except (TypeError, ValueError, KeyError):
                continue
    return cal.to_ical()
