"""A physiotherapist's named templates: save a household's tailored exercise plan, and apply
one to another household where they are the physiotherapist. Applying checks the template
against THAT household's profile, lists the conflicts, and needs a confirmation that saw the
same conflicts; then the whole template becomes the household's draft, or nothing does."""

from __future__ import annotations

import hashlib
import json
import re

from flask import Blueprint, abort, flash, g, redirect, request, url_for

from planner.i18n import gettext
from planner.plans import tailoring
from planner.store import plans
from planner.store import tailoring as store
from planner.web import said
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.i18n import catalog_for
from planner.web.views.common import catalog, household_view, now, proposal, today
from planner.web.views.physio import editing

bp = Blueprint("exercise_templates", __name__)
NAME_MAX = 80


def _index(household_id: int, errors: dict | None = None, name: str = ""):
    current, _, _ = editing(household_id)
    return render(
        "physio/templates.html",
        status=422 if errors else 200,
        templates=store.templates(get_db(), g.user["id"]),
        has_plan=bool(current),
        errors=errors or {},
        name=name,
    )


@bp.get("/h/<int:household_id>/templates")
@household_view(action="tailor")
def index(household_id: int):
    """The physiotherapist's templates, and a form to save this household's exercise plan."""
    return _index(household_id)


@bp.post("/h/<int:household_id>/templates")
@household_view(action="tailor")
def save(household_id: int):
    """Save the exercise plan shown in the editor (draft or published) under a new name."""
    name = re.sub(r"\s+", " ", request.form.get("name", "")).strip()
    if not name:
        return _index(household_id, {"name": gettext("Give the template a name.")})
    if len(name) > NAME_MAX:
        return _index(
            household_id,
            {
                "name": gettext(
                    "Keep the name to %(most)s characters (it has %(num)s).",
                    most=NAME_MAX,
                    num=len(name),
                )
            },
            name,
        )
    current, shown, _ = editing(household_id)
    if current is None:
        abort(404, gettext("This household has no plan yet."))
    try:
        store.save_template(get_db(), g.user["id"], name, tailoring.as_template(shown), at=now())
    except store.DuplicateName:
        return _index(
            household_id,
            {
                "name": gettext(
                    "You already have a template called “%(name)s”. Choose another name.",
                    name=name,
                )
            },
            name,
        )
    flash(gettext("Saved the template “%(name)s”.", name=name))
    return redirect(url_for("exercise_templates.index", household_id=household_id), 303)


def _check(household_id: int, template_id: int) -> tuple[dict, dict, list[dict], str]:
    """The template, the household's current plan, the conflicts, and their fingerprint."""
    template = store.get_template(get_db(), g.user["id"], template_id)
    current = plans.current_plan(get_db(), household_id)
    if template is None or current is None:
        abort(404, gettext("That template or this household's plan was not found."))
    # In the reader's language: the exercises' titles and why each is ruled out.
    conflicts = tailoring.template_conflicts(
        template["tailoring"], current["profile"], catalog_for(), today()
    )
    seen = hashlib.sha256(
        json.dumps([template["tailoring"], conflicts], sort_keys=True).encode()
    ).hexdigest()
    return template, current, conflicts, seen


def _preview(household_id: int, template_id: int, problem: str = ""):
    template, current, conflicts, seen = _check(household_id, template_id)
    result = tailoring.from_template(template["tailoring"], catalog())
    plan = proposal(household_id, current["profile"], result).plan
    words = said.fresh(current["profile"], result, today())  # the reader's words, if not English
    exercises = [words.item(i) if words else i for i in plan["items"] if i["domain"] == "exercise"]
    return render(
        "physio/template_check.html",
        status=422 if problem else 200,
        chosen=template,
        conflicts=conflicts,
        seen=seen,
        exercises=exercises,
        problem=problem,
    )


@bp.get("/h/<int:household_id>/templates/<int:template_id>")
@household_view(action="tailor")
def check(household_id: int, template_id: int):
    """What the template would give this household, and its conflicts, before applying."""
    return _preview(household_id, template_id)


@bp.post("/h/<int:household_id>/templates/<int:template_id>/apply")
@household_view(action="tailor")
def apply(household_id: int, template_id: int):
    """Apply the confirmed template as this household's draft, whole. Refused (422, nothing
    changed) without the confirmation, or when the conflicts are no longer those confirmed."""
    template, _, _, seen = _check(household_id, template_id)
    if request.form.get("confirm") != "yes":
        return _preview(
            household_id,
            template_id,
            gettext("Tick the box to confirm you have read the list, then apply."),
        )
    if request.form.get("seen") != seen:
        return _preview(
            household_id,
            template_id,
            gettext(
                "Something changed since you looked (the template or this person's profile). "
                "Check the list again."
            ),
        )
    store.save_draft(
        get_db(),
        household_id,
        tailoring.from_template(template["tailoring"], catalog()),
        g.user["id"],
        at=now(),
    )
    flash(
        gettext(
            "The template “%(name)s” is now the exercise plan being prepared. Check it, then "
            "publish it to the household.",
            name=template["name"],
        )
    )
    return redirect(url_for("physio.exercises", household_id=household_id), 303)
