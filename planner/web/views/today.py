"""Today: the tasks due and overdue, one tap each, with the day's progress."""

from __future__ import annotations

import re

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask_htmx import make_response

from planner import clock, i18n
from planner.i18n import gettext
from planner.plans import profile_form, recurrence
from planner.plans.engine import open_questions, warnings
from planner.plans.plan_diff import plan_diff
from planner.plans.profile import validate
from planner.store import assignments, plans, proposals, ticks
from planner.web import compression
from planner.web.db import get_db
from planner.web.htmx import fragment, partial, render
from planner.web.i18n import catalog_for
from planner.web.security import csrf_token
from planner.web.views.common import (
    can,
    catalog,
    day_view,
    done_for,
    household_view,
    now,
    physio_names,
    proposal,
    replan,
    task_entry,
    tick_error,
    today,
)
from planner.web.views.versions import ROLE_WORDS, unseen_changes

bp = Blueprint("today", __name__)
CHANGED = "tasks-changed"
# A tap's key, made on the phone (crypto.randomUUID, or a fallback of the same shape).
TAP_KEY = re.compile(r"[A-Za-z0-9-]{8,64}")


def _warnings(household_id: int) -> list[str]:
    """The plan's warnings worked out for today, so counts of days stay true."""
    profile = plans.get_profile(get_db(), household_id)
    return warnings(profile, catalog_for(), today()) if profile else []


def _questions(household_id: int) -> list[dict]:
    """The "Not sure" answers worth asking on Today, each with how many of the plan's tasks a
    "No" would take off (only those that would take some off)."""
    db = get_db()
    profile = plans.get_profile(db, household_id)
    if not profile or not can("answer_profile"):
        return []
    active = {t["id"] for t in plans.tasks(db, household_id)}
    out = []
    for name, dropped in open_questions(profile, catalog(), today()):
        count = len(active.intersection(dropped))
        if count:
            out.append(
                {
                    "field": name,
                    "key": name.replace(".", "-").replace("_", "-"),
                    "label": profile_form.QUESTIONS[name].label,
                    "count": count,
                }
            )
    return out


def _page(household_id: int) -> str:
    view = day_view(household_id)
    if view is None:
        return render("today/no_plan.html")[0]
    waiting = proposals.waiting(get_db(), household_id)
    return render(
        "today/show.html",
        block="progress",
        view=view,
        groups=view.groups(),
        oob=partial(),
        questions=_questions(household_id),
        assigned=assignments.of_household(get_db(), household_id),
        proposal=waiting,
        physio=physio_names(household_id) if waiting else "",
        warnings=_warnings(household_id),
        day_words=clock.day_words(view.day),
        changes=unseen_changes(household_id),
        roles=ROLE_WORDS,
        about=catalog_for().about,
    )[0]


@bp.get("/h/<int:household_id>/today")
@household_view()
def show(household_id: int):
    """The day's tasks; an htmx request for the progress region gets only that block.

    The most looked-at page, so it is kept rendered until anything it shows changes (see
    planner/page_cache.py), except when it carries a message meant to be shown once."""
    if "_flashes" in session:
        return _page(household_id)
    key = (
        "today",
        household_id,
        g.household["revision"],
        g.user["id"],
        csrf_token(),
        today(),
        partial(),
        i18n.current(),  # each member reads it in their own language
    )
    pages = current_app.extensions["planner_pages"]
    html = pages.get_or_render(key, lambda: _page(household_id))
    # Compressed once, kept beside it: a phone gets a fifth of the bytes for no CPU.
    gzipped = (
        pages.get_or_render(key + ("gzip",), lambda: compression.compress(html))
        if compression.accepts_gzip() and len(html) >= compression.MIN_BYTES
        else None
    )
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
    key = request.form.get("tap_key", "")
    if not problem and key and not TAP_KEY.fullmatch(key):
        problem = gettext("That tap could not be read. Reload the page and tap again.")
    if problem:
        return tick_error(problem, bool(current_app.htmx))
    tap = (item_id, occurrence, int(slot), state)
    who = {"by_user": g.user["id"], "done_for": done_for(item, state), "at": now()}
    if key:  # from the phone's queue (static/offline.js): applied once, however often sent
        ticks.set_state_once(db, key, household_id, *tap, **who)
    else:
        ticks.set_state(db, household_id, *tap, **who)
    entry = task_entry(household_id, item)
    if not current_app.htmx:
        anchor = entry.key if entry else None
        return redirect(url_for("today.show", household_id=household_id, _anchor=anchor), 303)
    assigned = assignments.of_household(db, household_id) if item["domain"] == "home-safety" else {}
    html = (
        fragment("today/_task.html", entry=entry, assigned=assigned, about=catalog_for().about)
        if entry
        else ""
    )
    return make_response(html, 200, trigger=CHANGED)


@bp.post("/h/<int:household_id>/questions/<field>")
@household_view(action="answer_profile")
def answer(household_id: int, field: str):
    """Answer one of Today's questions: the profile's answer is set and the plan made again
    through the one planning pipeline (planner/planning.py: tailoring and deadlines kept).
    An answer that takes nothing
    off (towards caution) applies at once; one that takes tasks off is shown as the plan's
    preview first, to apply from there."""
    from planner.web.views.profile import preview  # the profile page's preview and apply

    db = get_db()
    profile = plans.get_profile(db, household_id)
    choice = request.form.get("answer", "")
    if profile is None or field not in (catalog().set_up.ask if catalog().set_up else ()):
        abort(404)
    if choice not in ("yes", "no"):
        abort(422, gettext("Choose Yes or No."))
    answered = dict(profile)
    if field.startswith("home."):
        answered["home"] = {**profile.get("home", {}), field[5:]: choice == "yes"}
    else:
        answered[field] = choice == "yes"
    if validate(answered):  # the stored profile is valid, so this cannot happen; never a 500
        abort(
            422,
            gettext("That answer could not be saved. Open the questions and answer it there."),
        )
    proposed = proposal(household_id, answered)
    current = proposed.current["plan"] if proposed.current else None
    if plan_diff(current, proposed.plan)["removed"]:
        return preview(household_id, answered)
    version = replan(household_id, answered)
    words = profile_form.answer(profile_form.QUESTIONS[field], answered)
    flash(
        gettext(
            "Saved: %(question)s: %(answer)s. The plan is up to date (version %(version)s); "
            "its tasks stay on it.",
            question=profile_form.QUESTIONS[field].short,
            answer=words,
            version=version,
        )
    )
    return redirect(url_for("today.show", household_id=household_id), 303)
