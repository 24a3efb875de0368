"""Today: the tasks due and overdue, one tap each, with the day's progress."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask_htmx import make_response

from planner import clock, compression, recurrence
from planner.db import get_db
from planner.engine import warnings
from planner.htmx import fragment, partial, render
from planner.domains import LABELS as DOMAIN_LABELS
from planner.security import csrf_token
from planner.store import plans, proposals, ticks
from planner.views.common import (
    household_view, catalog, day_view, done_for, now, physio_names, task_entry, tick_error,
    today,
)
from planner.views.versions import ROLE_WORDS, unseen_changes

bp = Blueprint("today", __name__)
CHANGED = "tasks-changed"


def _groups(all_entries: list[recurrence.Entry]) -> list[tuple[str, str, list]]:
    """Entries by domain (plan order), overdue ones first within each."""
    out = []
    for domain, label in DOMAIN_LABELS.items():
        entries = [e for e in all_entries if e.item["domain"] == domain]
        entries.sort(key=lambda e: e.status != "overdue")
        if entries:
            out.append((domain, label, entries))
    return out


def _warnings(household_id: int) -> list[str]:
    """The plan's warnings worked out for today, so counts of days stay true."""
    profile = plans.get_profile(get_db(), household_id)
    return warnings(profile, catalog(), today()) if profile else []


def _page(household_id: int) -> str:
    view = day_view(household_id)
    if view is None:
        return render("today/no_plan.html")[0]
    proposal = proposals.waiting(get_db(), household_id)
    return render("today/show.html", block="progress", view=view, groups=_groups(view.daily),
                  proposal=proposal, physio=physio_names(household_id) if proposal else "",
                  week_groups=_groups(view.weekly),
                  warnings=_warnings(household_id), day_words=clock.day_words(view.day),
                  changes=unseen_changes(household_id), roles=ROLE_WORDS,
                  about=catalog().about)[0]


@bp.get("/h/<int:household_id>/today")
@household_view()
def show(household_id: int):
    """The day's tasks; an htmx request for the progress region gets only that block.

    The most looked-at page, so it is kept rendered until anything it shows changes (see
    planner/page_cache.py), except when it carries a message meant to be shown once."""
    if "_flashes" in session:
        return _page(household_id)
    key = ("today", household_id, g.household["revision"], g.user["id"], csrf_token(),
           today(), partial())
    pages = current_app.extensions["planner_pages"]
    html = pages.get_or_render(key, lambda: _page(household_id))
    # Compressed once, kept beside it: a phone gets a fifth of the bytes for no CPU.
    gzipped = pages.get_or_render(key + ("gzip",), lambda: compression.compress(html)) \
        if compression.accepts_gzip() and len(html) >= compression.MIN_BYTES else None
    return compression.page(html, gzipped)


@bp.post("/h/<int:household_id>/tasks/<item_id>/state")
@household_view()
def set_state(household_id: int, item_id: str):
    """Set one occurrence of a task to the state the form names (never a toggle): the row with
    htmx (and a tasks-changed event for the progress bar), else 303 back to Today."""
    db = get_db()
    item = plans.get_task(db, household_id, item_id)
    occurrence = request.form.get("occurrence", "")
    slot = request.form.get("slot", "0")
    state = request.form.get("state", "")
    problem = recurrence.check_tick(item, occurrence, slot, state, today())
    if problem:
        return tick_error(problem, bool(current_app.htmx))
    ticks.set_state(db, household_id, item_id, occurrence, int(slot), state,
                    by_user=g.user["id"], done_for=done_for(item, state), at=now())
    entry = task_entry(household_id, item)
    if not current_app.htmx:
        anchor = entry.key if entry else None
        return redirect(url_for("today.show", household_id=household_id, _anchor=anchor), 303)
    html = fragment("today/_task.html", entry=entry) if entry else ""
    return make_response(html, 200, trigger=CHANGED)
