"""History: a week (Monday to Sunday) of what was done, by whom, per part of the plan."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, g, request

from planner import clock
from planner.i18n import N_, Said, gettext, time_words
from planner.plans import adherence, recurrence
from planner.plans.domains import LABELS as DOMAIN_LABELS
from planner.store import accounts, plans, ticks
from planner.web import said
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.views.common import here, household_view, local, today

bp = Blueprint("history", __name__)
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)  # weeks one may ask for
STATE_WORDS = Said(
    {
        "done": N_("Done"),
        "not-today": N_("Not today"),
        "not-applicable": N_("Not needed here"),
        "needs-help": N_("Needs help"),
    }
)


def _week(raw: str | None, today: dt.date) -> tuple[list[dt.date], str | None]:
    """The week holding the asked day, or this week with a note when the day is not a date."""
    day = clock.parse_day(raw) if raw else today
    note = None
    if day is None:
        note = gettext(
            "“%(day)s” is not a date written YYYY-MM-DD, so this is the current week.",
            day=raw[:20],
        )
        day = today
    elif not FIRST_DAY <= day <= LAST_DAY:  # near date.min or date.max a week would overflow
        note = gettext("%(day)s is too far from today, so this is the current week.", day=raw)
        day = today
    return recurrence.week_of(day), note


def _final(events: list[dict]) -> list[dict]:
    """The last change of each task occurrence in the week, dropping those set back to open."""
    last: dict[tuple, dict] = {}
    for event in events:
        last[(event["item_id"], event["occurrence"], event["slot"])] = event
    return sorted((e for e in last.values() if e["state"] != "open"), key=lambda e: e["at"])


def _group(events: list[dict], days: list[dt.date]) -> list[dict]:
    """Per domain, per day: one line per task, state and person (drinks added up)."""
    domains = []
    # Each task's title as the reader reads it (the tick events name it in English).
    tasks = said.items(plans.tasks(get_db(), _household_id(), active_only=False))
    titles = {t["id"]: t.get("title") for t in tasks}
    for domain, label in {**DOMAIN_LABELS, None: gettext("Other")}.items():
        mine = [
            e for e in events if (e["domain"] if e["domain"] in DOMAIN_LABELS else None) == domain
        ]
        if not mine:
            continue
        per_day = []
        for day in days:
            lines: dict[tuple, dict] = {}
            for e in mine:
                moment = local(e["at"])
                if moment.date() != day:
                    continue
                key = (e["item_id"], e["state"], e["by_user"], e["done_for"])
                line = lines.setdefault(key, {**e, "count": 0, "time": time_words(moment)})
                line["title"] = titles.get(e["item_id"], e["title"])
                line["count"] += 1
            if lines:
                per_day.append((day, list(lines.values())))
        done = sum(1 for e in mine if e["state"] == "done")
        domains.append({"key": domain or "other", "label": label, "days": per_day, "done": done})
    return domains


def _household_id() -> int:
    return g.household["id"]


def progress(household_id: int, weeks: int) -> dict:
    """How the routine was kept up over the last `weeks` weeks: per part of the plan and per
    person (planner.plans.adherence), with the days it covers (none before the first plan)."""
    db = get_db()
    versions = plans.versions(db, household_id)
    start = local(versions[-1]["created_at"]).date() if versions else None
    days = adherence.window(today(), weeks, start) if versions else []
    rows = ticks.states(db, household_id, [d.isoformat() for d in days]) if days else []
    domains = adherence.by_domain(plans.tasks(db, household_id), rows, days)
    people = adherence.by_person(accounts.members(db, household_id), rows, days)
    return {
        "weeks": weeks,
        "days": days,
        "domains": domains,
        "people": people,
        # The charts' bars: a share of 100 for the parts of the plan, a count for people.
        "domain_bars": [
            {
                "label": d["label"],
                "value": d["percent"] or 0,
                "text": "–" if d["percent"] is None else f"{d['percent']}%",
            }
            for d in domains
        ],
        "people_bars": [
            {"label": p["name"], "value": p["done"], "text": str(p["done"])} for p in people
        ],
    }


def _span(raw: str | None) -> int:
    """The weeks asked for (?span=4 or 12); anything else is 4."""
    return int(raw) if raw in {str(n) for n in adherence.SPANS} else adherence.SPANS[0]


@bp.get("/h/<int:household_id>/history")
@household_view()
def show(household_id: int):
    """The week of ?week=YYYY-MM-DD (any day of it; default this week), and how the routine
    went over the last ?span=4 or 12 weeks."""
    this_day = today()
    days, note = _week(request.args.get("week"), this_day)
    events = _final(ticks.history(get_db(), household_id, days[0], days[-1], here()))
    later = days[0] + dt.timedelta(days=7)
    return render(
        "history/show.html",
        days=days,
        note=note,
        domains=_group(events, days),
        done=sum(1 for e in events if e["state"] == "done"),
        previous=(days[0] - dt.timedelta(days=7)).isoformat(),
        next=later.isoformat() if later <= this_day else None,
        this_week=days[0] <= this_day <= days[-1],
        states=STATE_WORDS,
        progress=progress(household_id, _span(request.args.get("span"))),
        spans=adherence.SPANS,
        week=request.args.get("week"),
    )
