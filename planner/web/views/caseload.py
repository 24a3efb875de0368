"""A physiotherapist's caseload: their start page. Every household where they are the
physiotherapist, with what asks for their attention: how much of the plan was done over the
last 7 and 28 days per part of the plan, when anyone last ticked anything, an unpublished draft,
tasks marked "needs help", and key one-off tasks past their due date. Sortable and searchable
through the query string (?q=...&sort=...), so that every view is a link and works without
JavaScript; htmx narrows the list as one types.

Who sees what: only households where the signed-in user is a member with the physio role.
"""

from __future__ import annotations

import datetime as dt

from flask import g, request

from planner import clock
from planner.i18n import N_, Said
from planner.plans import adherence
from planner.plans.domains import LABELS as DOMAIN_LABELS
from planner.plans.recurrence import FINISHED, ONCE
from planner.store import accounts, override_notices, plans
from planner.store import caseload as store
from planner.web import said
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.views import advice
from planner.web.views.common import app_clock, catalog

WINDOWS = (7, 28)  # days, today included (adherence.window counts in weeks)
SORTS = Said(
    {
        "attention": N_("Needs attention first"),
        "name": N_("Name"),
        "activity": N_("Quiet longest first"),
    }
)
# Short names of the parts of a plan, for the table's narrow columns.
SHORT = Said(
    {
        "home-safety": N_("Home"),
        "exercise": N_("Exercise"),
        "dental": N_("Teeth & meds"),
        "hydration": N_("Drinks"),
        "red-flags": N_("Red flags"),
    }
)
MAX_QUERY = 100


def overdue(items: list[dict], once_states: dict[str, str], today: dt.date) -> list[dict]:
    """One-off tasks past their due date and not finished (`once_states`: item id -> state)."""
    out = []
    for item in items:
        schedule = item["schedule"]
        if schedule["kind"] != ONCE or not schedule.get("due"):
            continue
        if (
            dt.date.fromisoformat(schedule["due"]) < today
            and once_states.get(item["id"]) not in FINISHED
        ):
            out.append(item)
    return out


def is_key(item: dict) -> bool:
    """A task that matters most: marked so for this person, or any one-off task outside the
    home check (the dental check before a bone medicine, for example)."""
    return bool(item.get("emphasis")) or item["domain"] != "home-safety"


def _row(household: dict) -> dict:
    """One household's line of the caseload, worked out in its own time zone."""
    db = get_db()
    where = clock.zone(household["timezone"])
    today = app_clock().today(where)
    items = plans.tasks(db, household["id"])
    first = store.started(db, household["id"])
    start = clock.local(first, where).date() if first else None
    longest = adherence.window(today, max(WINDOWS) // 7, start)
    rows = store.tick_rows(db, household["id"], longest[0], longest[-1]) if longest else []
    rates = {}
    for days in WINDOWS:
        counted = adherence.window(today, days // 7, start)
        rates[days] = {d["key"]: d["percent"] for d in adherence.by_domain(items, rows, counted)}
    late = overdue(items, store.once_states(db, household["id"]), today)
    last = store.last_activity(db, household["id"])
    draft = store.draft_since(db, household["id"])
    return {
        "household": household,
        "rates": rates,
        "has_plan": bool(items),
        "help": store.needs_help(db, household["id"]),
        "overdue_key": said.items([i for i in late if is_key(i)], household["id"]),
        "overdue": late,
        "last": clock.local(last, where) if last else None,
        "quiet_days": (today - clock.local(last, where).date()).days if last else None,
        "draft": clock.local(draft, where) if draft else None,
    }


def _attention(row: dict) -> int:
    """How much a household asks of the physiotherapist now: higher first."""
    low = row["rates"][7].get("exercise")
    return (
        2 * len(row["help"])
        + 2 * len(row["overdue_key"])
        + (1 if row["draft"] else 0)
        + (1 if low is not None and low < 50 else 0)
        + (1 if row["quiet_days"] is None or row["quiet_days"] >= 3 else 0)
    )


def _sorted(rows: list[dict], key: str) -> list[dict]:
    by_name = sorted(rows, key=lambda r: r["household"]["name"].casefold())
    if key == "name":
        return by_name
    if key == "activity":  # never ticked first, then the longest quiet
        return sorted(
            by_name, key=lambda r: -(r["quiet_days"] if r["quiet_days"] is not None else 10**6)
        )
    if key in DOMAIN_LABELS:  # lowest 7-day rate first; nothing asked last
        return sorted(
            by_name, key=lambda r: (r["rates"][7].get(key) is None, r["rates"][7].get(key) or 0)
        )
    return sorted(by_name, key=lambda r: -_attention(r))


def _matches(household: dict, words: str) -> bool:
    text = f"{household['name']} {household.get('patient_name') or ''}".casefold()
    return all(word in text for word in words.casefold().split())


def _advice_updates(households: list[dict]) -> list[dict]:
    """The households whose plan the advice the planner runs would change, before it does
    (advice.pending), each worked out on its own day."""
    out = []
    for household in households:
        day = app_clock().today(clock.zone(household["timezone"]))
        found = advice.pending(household["id"], day)
        if found:
            out.append({"household": household, **found})
    return out


def wanted() -> bool:
    """Whether the signed-in user's start page is the caseload: they are the physiotherapist
    of at least one household."""
    return bool(store.households(get_db(), g.user["id"]))


def page():
    """The caseload page (the start page of a physiotherapist)."""
    every = store.households(get_db(), g.user["id"])
    query = " ".join(request.args.get("q", "").split())[:MAX_QUERY]
    rows = [_row(h) for h in every if _matches(h, query)]
    domains = [d for d in DOMAIN_LABELS if any(d in r["rates"][max(WINDOWS)] for r in rows)] or [
        "exercise"
    ]
    sort = request.args.get("sort", "attention")
    if sort not in SORTS and sort not in domains:
        sort = "attention"
    others = [h for h in accounts.households_for(get_db(), g.user["id"]) if h["role"] != "physio"]
    return render(
        "households/caseload.html",
        block="caseload",
        rows=_sorted(rows, sort),
        total=len(every),
        query=query,
        sort=sort,
        sorts=SORTS,
        domains=domains,
        labels=DOMAIN_LABELS,
        windows=WINDOWS,
        others=others,
        updates=_advice_updates(every),
        release=catalog().release,
        dropped=[(h, n) for h in every if (n := override_notices.count_pending(get_db(), h["id"]))],
        short=SHORT,
    )
