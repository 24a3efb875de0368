"""The tick history as CSV: one row per change of state (a tick event), oldest first.

Read from the household export (`planner.store.backup.export`), so the CSV never holds more than the
JSON does. Times are the household's wall-clock times (its `timezone`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from planner import clock
from planner.i18n import gettext, plain
from planner.plans.localize import Words

COLUMNS = ("day", "task", "state", "who", "for_whom", "when")
# A spreadsheet runs a cell that starts with one of these as a formula: a task title a
# physiotherapist typed must stay text (OWASP "CSV injection").
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def to_csv(data: dict, words: Words | None = None) -> str:
    """The CSV text of an export's tick events: day (the task's day: the occurrence for daily
    and dose-day tasks, else the day of the change), task (its title), state, who, for whom
    (empty when for themselves), when (local date and time, ISO 8601 with offset). The header
    and the states stay English, for programs; `words`: the titles in a reader's language."""
    where = clock.zone(data["household"].get("timezone"))
    said = words.item if words else (lambda item: item)
    titles = {
        t["item_id"]: plain(said(t["item"]).get("title") or t["item_id"]) for t in data["tasks"]
    }
    names = {m["user_id"]: m["name"] for m in data["members"]}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line ends
    writer.writerow(COLUMNS)
    for event in data["events"]:
        moment = dt.datetime.fromisoformat(event["at"]).astimezone(where)  # stored in UTC
        day = clock.parse_day(event["occurrence"]) or moment.date()
        for_whom = (
            names.get(event["done_for"], gettext("someone who left"))
            if event["done_for"] and event["done_for"] != event["by_user"]
            else ""
        )
        writer.writerow(
            [
                _cell(v)
                for v in (
                    day.isoformat(),
                    titles.get(event["item_id"], event["item_id"]),
                    event["state"],
                    names.get(event["by_user"], gettext("someone who left")),
                    for_whom,
                    moment.isoformat(timespec="seconds"),
                )
            ]
        )
    return out.getvalue()
