"""A physiotherapist's overrides of the movement rules, on the exercise plan's page: lifting a
rule for one person (or restoring it) with a written reason, kept in the draft until published
like every other change of the tailoring; and the notices of overrides the planner dropped
because the fact behind the rule changed. Only the physiotherapist (the `tailor` action) may
change anything; every member sees the rules and what was lifted."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, request, url_for

from planner.i18n import gettext, plain
from planner.plans import overrides, tailoring
from planner.plans.context import build_context
from planner.store import override_notices, plans
from planner.web.db import get_db
from planner.web.i18n import catalog_for
from planner.web.views.common import catalog, household_view, now, today
from planner.web.views.physio import _draft, _page, _save, rules_for_person

bp = Blueprint("rules", __name__)


@bp.post("/h/<int:household_id>/exercises/rules/<rule_id>/lift")
@household_view(action="tailor")
def lift(household_id: int, rule_id: str):
    """Lift a rule that applies to this person, naming it, with a written reason (422, nothing
    stored, without one)."""
    shown = _draft(household_id)
    profile = plans.get_profile(get_db(), household_id)
    rule = next((r for r in rules_for_person(profile, shown) if r["id"] == rule_id), None)
    if rule is None:
        abort(404, gettext("That rule does not apply to this person."))
    reason, problem = tailoring.read_reason(request.form)
    if problem:
        problem = (
            gettext("Write why you lift this rule for this person.") if not reason else problem
        )
        return _page(
            household_id,
            422,
            f"lift-{rule_id}",
            {"override_reason": problem},
            request.form.to_dict(),
        )
    ctx = build_context(profile, catalog(), today())
    changed = overrides.lift(
        shown, rule_id, reason, catalog(), ctx, g.user["id"], today().isoformat()
    )
    return _save(
        household_id,
        changed,
        f"rule-{rule_id}",
        gettext(
            "“%(title)s” is lifted in the draft. Publish to lift it on the household's plan.",
            title=plain(catalog_for().rule(rule_id).title),
        ),
    )


@bp.post("/h/<int:household_id>/exercises/rules/<rule_id>/restore")
@household_view(action="tailor")
def restore(household_id: int, rule_id: str):
    """Put a lifted rule back."""
    changed = overrides.restore(_draft(household_id), rule_id)
    if changed is None:
        abort(404, gettext("That rule is not lifted for this person."))
    return _save(
        household_id,
        changed,
        f"rule-{rule_id}",
        gettext("The rule is back in the draft. Publish to put it back on the household's plan."),
    )


@bp.post("/h/<int:household_id>/exercises/dropped/dismiss")
@household_view(action="tailor")
def dismiss(household_id: int):
    """The physiotherapist has read the notices of dropped overrides."""
    override_notices.dismiss(get_db(), household_id, g.user["id"], at=now())
    flash(gettext("Noted. Add an exercise again, or lift a rule again, if it is still right."))
    return redirect(url_for("physio.exercises", household_id=household_id), 303)
