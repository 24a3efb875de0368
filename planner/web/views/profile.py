"""The profile: seen in plain words, answered as a short form, previewed as a plan, applied.

The form is one page whose sections are the steps (a tired reader can scroll and stop, and
nothing is lost between steps). Posting it shows a preview of the plan it gives; "Apply this
plan" posts the same answers again as JSON, checked again here, never trusted.

When the household has a physiotherapist, the answers of the other members that would make the
plan less careful (planner/caution.py) do not apply: they wait as a proposal the
physiotherapist confirms or declines (store/proposals.py), and every page says so. Answers
towards caution apply at once.
"""

from __future__ import annotations

import datetime as dt
import json

from flask import Blueprint, flash, g, redirect, request, url_for

from planner.i18n import gettext
from planner.plans import caution, profile_form
from planner.plans.engine import open_questions
from planner.plans.engine import warnings as plan_warnings
from planner.plans.pacing import SetUp, group_of, is_set_up
from planner.plans.plan_diff import plan_diff
from planner.plans.printout import by_domain
from planner.plans.profile import Problem, validate
from planner.store import activity, plans, proposals
from planner.store.sql import transaction
from planner.web import said
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.i18n import catalog_for
from planner.web.views.common import (
    can,
    catalog,
    household_view,
    needs_physio,
    now,
    physio_names,
    proposal,
    replan,
    today,
)

bp = Blueprint("profile", __name__)


def _form(household_id: int, values: dict, problems: list[Problem] | None = None):
    errors, other = profile_form.errors_by_input(problems or [])
    guarded = caution.GUARDED if needs_physio(household_id) else ()
    return render(
        "profile/edit.html",
        status=422 if problems else 200,
        steps=profile_form.STEPS,
        site_groups=profile_form.site_groups(),
        questions=profile_form.QUESTIONS,
        values=values,
        errors=errors,
        other_errors=other,
        guarded=guarded,
        physio=physio_names(household_id) if guarded else "",
    )


def _split(household_id: int, wanted: dict) -> tuple[dict | None, dict, list[dict]]:
    """(the stored profile, what of `wanted` applies now, the changes that wait for the
    physiotherapist): everything applies now when this member needs nobody's confirmation."""
    stored = plans.get_profile(get_db(), household_id)
    if not needs_physio(household_id):
        return stored, wanted, []
    return stored, *caution.split(stored, wanted)


def preview(household_id: int, wanted: dict):
    """The preview of the plan a (valid) profile gives, with what changes and what would wait
    for the physiotherapist; its "Apply" button posts the wanted profile to `apply`. Shared by
    the questions and the clinical facts page."""
    _, profile, waiting = _split(household_id, wanted)
    proposed = proposal(household_id, profile)
    plan, current = proposed.plan, proposed.current
    diff = plan_diff(current["plan"] if current else None, plan)
    added = {i["id"] for i in diff["added"]}
    # Shown in the reader's language: the plan as it would be, and what it changes.
    words = said.fresh(profile, proposed.tailoring, today())
    shown = words.plan(plan) if words else plan
    diff = said.diff(diff, words, said.words(household_id) if current else None)
    return render(
        "profile/preview.html",
        profile=wanted,
        plan=shown,
        diff=diff,
        added=added,
        domains=by_domain(shown["items"]),
        current=current,
        waiting=waiting,
        physio=physio_names(household_id) if waiting else "",
        summary=_summary(plan, profile),
    )


def _summary(plan: dict, profile: dict) -> dict:
    """The plan on one screen: tasks by part, how the home set-up is paced and what comes
    first, and the "Not sure" answers Today will ask (with the tasks a "No" would take off)."""
    set_up_rule = catalog().set_up or SetUp()
    order = {i["id"]: n for n, i in enumerate(plan["items"])}
    set_up = sorted(
        (i for i in plan["items"] if is_set_up(i)),
        key=lambda i: (i["schedule"]["due"], group_of(i, set_up_rule), order[i["id"]]),
    )
    day = today()
    week = (day + dt.timedelta(days=7)).isoformat()
    asked = open_questions(profile, catalog(), day)
    ids = set(order)
    return {
        "parts": [(label, len(items)) for label, items in by_domain(plan["items"])],
        "set_up": len(set_up),
        "per_day": set_up_rule.per_day,
        "first_week": sum(1 for i in set_up if i["schedule"]["due"] < week),
        "last": set_up[-1]["schedule"]["due"] if set_up else None,
        "first": [i["title"] for i in set_up[:3]],
        "questions": len(asked),
        "could_drop": len(ids.intersection(x for _, dropped in asked for x in dropped)),
    }


MAX_PROFILE_JSON = 16 * 1024  # characters; a full profile is well under 2,000
MAX_DEPTH = 8  # a profile nests three levels deep (profile, home, its answers)


def _depth(value) -> int:
    """How deeply a parsed JSON value nests (iteratively: no recursion to exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def _json(text: str):
    """The profile a form carried back, or None for anything that is not one: not JSON, too
    large, or nested deeper than a profile ever is (deep nesting once raised RecursionError, a
    500); None makes the validation answer 422 with its message."""
    if len(text) > MAX_PROFILE_JSON or text.count("[") + text.count("{") > 1000:
        return None
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None
    return value if _depth(value) <= MAX_DEPTH else None


@bp.get("/h/<int:household_id>/profile")
@household_view()
def show(household_id: int):
    """The current plan in short, the answers in words, what is avoided and what left out."""
    db = get_db()
    current = plans.current_plan(db, household_id)
    profile = plans.get_profile(db, household_id)
    plan = said.plan(current["plan"], household_id, current) if current else None
    # In the reader's language, as the plan is (a stale or missing text in English, marked).
    warnings = plan_warnings(profile, catalog_for(), today()) if profile else []
    counts = [(label, len(items)) for label, items in by_domain(plan["items"])] if plan else []
    return render(
        "profile/show.html",
        current=current,
        plan=plan,
        counts=counts,
        proposal=proposals.waiting(db, household_id),
        physio=physio_names(household_id),
        answers=profile_form.describe(profile) if profile else None,
        warnings=warnings,
        can_edit=can("answer_profile"),
    )


@bp.route("/h/<int:household_id>/profile/edit", methods=("GET", "POST"))
@household_view(action="answer_profile")
def edit(household_id: int):
    """GET: the questions, filled in with the stored answers. POST: the preview of the plan the
    answers give, or the questions again with each problem beside its answer (422)."""
    if request.method == "GET":
        profile = plans.get_profile(get_db(), household_id)
        return _form(household_id, profile_form.form_values(profile))
    if "back" in request.form:  # from the preview: the answers just given, to change them
        profile = _json(request.form.get("profile_json", ""))
        return _form(
            household_id,
            profile_form.form_values(
                profile if isinstance(profile, dict) and not validate(profile) else None
            ),
        )
    profile, problems = profile_form.read_form(request.form)
    problems += validate(profile)
    if problems:
        return _form(
            household_id,
            request.form.to_dict(flat=True)
            | {"lesion_sites": request.form.getlist("lesion_sites")},
            problems,
        )
    return preview(household_id, profile)


@bp.post("/h/<int:household_id>/profile/apply")
@household_view(action="answer_profile")
def apply(household_id: int):
    """Apply the previewed answers: checked again, split into what applies now and what waits
    for the physiotherapist; then plan with the physiotherapist's tailoring, profile, tasks,
    the proposal and the activity log in one transaction."""
    wanted = _json(request.form.get("profile_json", ""))
    problems = validate(wanted)
    if problems:
        values = profile_form.form_values(wanted if isinstance(wanted, dict) else None)
        return _form(household_id, values, problems)
    stored, profile, waiting = _split(household_id, wanted)
    db = get_db()
    version = None
    with transaction(db):
        # Applying the same answers again re-plans (a new day, a changed catalog); only a
        # change that waits entirely for the physiotherapist makes no new version.
        if not waiting or profile != stored or plans.current_plan(db, household_id) is None:
            version = replan(household_id, profile)
            if stored is not None and (facts := caution.changed(stored, profile)):
                activity.record(
                    db,
                    household_id,
                    "facts_changed",
                    at=now(),
                    actor_id=g.user["id"],
                    detail={"changes": facts},
                )
        if waiting:
            proposals.propose(db, household_id, waiting, g.user["id"], at=now())
    if waiting:
        said = gettext(
            "Waiting for %(physio)s to confirm: %(changes)s.",
            physio=physio_names(household_id),
            changes="; ".join(c["words"] for c in waiting),
        )
        if version:
            said += " " + gettext("The rest is in place (version %(version)s).", version=version)
        flash(said)
        return redirect(url_for("profile.show", household_id=household_id), 303)
    flash(
        gettext(
            "The new plan is in place (version %(version)s). Here is what is due today.",
            version=version,
        )
    )
    return redirect(url_for("today.show", household_id=household_id), 303)
