"""The profile: seen in plain words, answered as a short form, previewed as a plan, applied.

The form is one page whose sections are the steps (a tired reader can scroll and stop, and
nothing is lost between steps). Posting it shows a preview of the plan it gives; "Apply this
plan" posts the same answers again as JSON, checked again here, never trusted.
"""

from __future__ import annotations

import json

from flask import Blueprint, flash, g, redirect, request, url_for

from planner import profile_form
from planner.db import get_db
from planner.engine import warnings as plan_warnings
from planner.htmx import render
from planner.plan_diff import plan_diff
from planner.printout import by_domain
from planner.profile import Problem, validate

from planner.store import plans
from planner.views.common import household_view, EDITORS, catalog, clinical_locked, proposal, replan, today

bp = Blueprint("profile", __name__)


def _form(household_id: int, values: dict, problems: list[Problem] | None = None):
    errors, other = profile_form.errors_by_input(problems or [])
    locked = profile_form.CLINICAL if clinical_locked(household_id) else ()
    stored = plans.get_profile(get_db(), household_id) or {"lesion_sites": []}
    return render("profile/edit.html", status=422 if problems else 200, steps=profile_form.STEPS,
                  site_groups=profile_form.SITE_GROUPS, questions=profile_form.QUESTIONS,
                  values=values, errors=errors, other_errors=other, locked=locked,
                  locked_answers={q: profile_form.answer(profile_form.QUESTIONS[q], stored)
                                  for q in locked})


def _owned(household_id: int, profile: dict) -> dict:
    """The answers with the clinical facts the physiotherapist owns put back as stored, when
    this user does not own them (whatever the form sent for them)."""
    if not clinical_locked(household_id):
        return profile
    return profile_form.keep_clinical(profile, plans.get_profile(get_db(), household_id))


def preview(household_id: int, profile: dict):
    """The preview of the plan a (valid) profile gives, with what changes; its "Apply" button
    posts the profile to `apply`. Shared by the questions and the clinical facts page."""
    proposed = proposal(household_id, profile)
    plan, current = proposed.plan, proposed.current
    diff = plan_diff(current["plan"] if current else None, plan)
    added = {i["id"] for i in diff["added"]}
    return render("profile/preview.html", profile=profile, plan=plan, diff=diff,
                  added=added, domains=by_domain(plan["items"]), current=current)


def _json(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


@bp.get("/h/<int:household_id>/profile")
@household_view()
def show(household_id: int):
    """The current plan in short, the answers in words, what is avoided and what left out."""
    db = get_db()
    current = plans.current_plan(db, household_id)
    profile = plans.get_profile(db, household_id)
    plan = current["plan"] if current else None
    warnings = plan_warnings(profile, catalog(), today()) if profile else []
    counts = [(label, len(items)) for label, items in by_domain(plan["items"])] if plan else []
    return render("profile/show.html", current=current, plan=plan, counts=counts,
                  answers=profile_form.describe(profile) if profile else None,
                  warnings=warnings, can_edit=g.member["role"] in EDITORS)


@bp.route("/h/<int:household_id>/profile/edit", methods=("GET", "POST"))
@household_view(roles=EDITORS)
def edit(household_id: int):
    """GET: the questions, filled in with the stored answers. POST: the preview of the plan the
    answers give, or the questions again with each problem beside its answer (422)."""
    if request.method == "GET":
        profile = plans.get_profile(get_db(), household_id)
        return _form(household_id, profile_form.form_values(profile))
    if "back" in request.form:  # from the preview: the answers just given, to change them
        profile = _json(request.form.get("profile_json", ""))
        return _form(household_id, profile_form.form_values(
            profile if isinstance(profile, dict) and not validate(profile) else None))
    profile, problems = profile_form.read_form(request.form)
    profile = _owned(household_id, profile)
    problems += validate(profile)
    if problems:
        return _form(household_id, request.form.to_dict(flat=True) | {
            "lesion_sites": request.form.getlist("lesion_sites")}, problems)
    return preview(household_id, profile)


@bp.post("/h/<int:household_id>/profile/apply")
@household_view(roles=EDITORS)
def apply(household_id: int):
    """Apply the previewed answers: checked again (clinical facts kept as the physiotherapist
    set them, unless a physiotherapist applies), then plan with the physiotherapist's tailoring,
    profile and tasks in one go."""
    profile = _json(request.form.get("profile_json", ""))
    problems = validate(profile)
    if problems:
        values = profile_form.form_values(profile if isinstance(profile, dict) else None)
        return _form(household_id, values, problems)
    profile = _owned(household_id, profile)
    version = replan(household_id, profile)
    flash(f"The new plan is in place (version {version}). Here is what is due today.")
    return redirect(url_for("today.show", household_id=household_id), 303)
