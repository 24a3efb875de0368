"""A new release of the planner's advice and one household's plan: what it would change, item
by item, before it does; and the physiotherapist's button to bring the plan to it.

Households follow the content the planner runs (planning.update_content, called once per
process as a household's page opens: common.follow_content). Without a physiotherapist the
update applies at once; with one, an update that makes the plan less careful (an exercise no
longer left out, a task taken off, a movement rule that no longer applies) waits for them here,
and one towards caution applies at once. Their caseload lists every plan a release would change.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, g, redirect, url_for

from planner import planning
from planner.i18n import gettext
from planner.plans.plan_diff import less_careful, plan_diff
from planner.store import plans
from planner.web import said
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.views.common import catalog, household_view, now, physio_names, today

bp = Blueprint("advice", __name__)


def pending(household_id: int, day: dt.date) -> dict | None:
    """What the advice the planner runs would change in the household's plan, or None when the
    plan follows it already: {current, diff (item by item, rewording too), less_careful (why it
    waits for the physiotherapist), dropped (overrides it would drop), count}."""
    db = get_db()
    if not planning.behind(plans.current_content(db, household_id), catalog()):
        return None
    current = plans.current_plan(db, household_id)
    proposal = planning.propose(db, household_id, current["profile"], catalog(), day)
    diff = plan_diff(current["plan"], proposal.plan, words=True)
    count = sum(len(diff[k]) for k in ("added", "removed", "changed", "rules_added"))
    count += len(diff["rules_removed"])
    diff = said.diff(
        diff,
        said.fresh(current["profile"], proposal.tailoring, day),
        said.words(household_id, current),
    )
    return {
        "current": current,
        "diff": diff | {"release": catalog().release},
        "less_careful": less_careful(current["plan"], proposal.plan),
        "dropped": proposal.dropped,
        "count": count,
    }


@bp.get("/h/<int:household_id>/advice")
@household_view()
def show(household_id: int):
    """The plan against the newest advice: what would change, and who decides."""
    return render(
        "advice/show.html",
        update=pending(household_id, today()),
        current=plans.current_plan(get_db(), household_id),
        physio=physio_names(household_id),
        catalog_release=catalog().release,
    )


@bp.post("/h/<int:household_id>/advice")
@household_view(action="decide_clinical")
def apply(household_id: int):
    """Bring the plan to the newest advice (the physiotherapist), less careful or not."""
    outcome = planning.update_content(
        get_db(),
        household_id,
        catalog(),
        today(),
        at=now(),
        by_user=g.user["id"],
        less_careful_ok=True,
    )
    flash(
        gettext(
            "The plan now follows release %(release)s of the advice. The household sees what "
            "changed on Today.",
            release=catalog().release,
        )
        if outcome in ("updated", "same")
        else gettext(
            "The plan already follows release %(release)s of the advice.",
            release=catalog().release,
        )
    )
    return redirect(url_for("advice.show", household_id=household_id), 303)
