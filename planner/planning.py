"""The one planning pipeline: a household's profile (and its physiotherapist's tailoring) to the
plan it gets, and that plan into the store. Every path that makes a household's plan comes
here: the profile's preview and apply, the clinical facts, publishing a tailoring, templates,
the demo, the benchmark seeder. No Flask: the caller gives the catalog, the day and the moment.

    engine.build_plan -> tailoring.apply_tailoring -> plan_diff.keep_earlier_deadlines
        -> pacing.keep_pace (the home set-up keeps its days; new tasks go where there is room)

The profile's derived facts (its Context) are worked out once per plan and shared by the engine
and the tailoring.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from planner.plans.catalog import Catalog
from planner.plans.context import build_context
from planner.plans.engine import build_plan
from planner.plans.pacing import SetUp, keep_pace
from planner.plans.plan_diff import keep_earlier_deadlines
from planner.plans.tailoring import apply_tailoring
from planner.store import plans
from planner.store import tailoring as drafts
from planner.store.sql import Database, transaction


@dataclass(frozen=True)
class Proposal:
    """The plan a profile gives a household now, beside the version it has."""

    plan: dict[str, Any]
    current: dict | None  # the household's current plan version, or None
    tailoring: dict | None  # the tailoring the plan was made with


def propose(
    db: Database,
    household_id: int,
    profile: dict[str, Any],
    catalog: Catalog,
    today: dt.date,
    tailoring: dict | None = None,
) -> Proposal:
    """The plan the household gets from `profile` on `today`: the engine's plan with the
    physiotherapist's tailoring applied (`tailoring`, else the one the current plan was made
    with), keeping deadlines already set. Nothing is written."""
    current = plans.current_plan(db, household_id)
    if tailoring is None and current:
        tailoring = current["tailoring"]
    return Proposal(
        plan_for(profile, catalog, today, tailoring, current["plan"] if current else None),
        current,
        tailoring,
    )


def plan_for(
    profile: dict[str, Any],
    catalog: Catalog,
    today: dt.date,
    tailoring: dict | None = None,
    previous: dict | None = None,
) -> dict[str, Any]:
    """The pipeline itself, for a profile alone: engine, tailoring, deadlines kept from
    `previous` (the plan it replaces, if any)."""
    ctx = build_context(profile, catalog, today)
    plan = apply_tailoring(
        build_plan(profile, catalog, today, ctx), tailoring, profile, catalog, today, ctx
    )
    plan = keep_earlier_deadlines(previous, plan)
    return keep_pace(previous, plan, catalog.set_up or SetUp(), today)


def replan(
    db: Database,
    household_id: int,
    profile: dict[str, Any],
    catalog: Catalog,
    today: dt.date,
    by_user: int,
    *,
    at: dt.datetime,
    tailoring: dict | None = None,
    publish_draft: bool = False,
) -> int:
    """Make and store the household's plan for `profile` in one transaction; return its
    version. `publish_draft`: the draft tailoring being published is dropped in the same
    transaction, so a crash cannot leave a published plan with its draft still pending."""
    with transaction(db):
        proposal = propose(db, household_id, profile, catalog, today, tailoring)
        version = plans.apply_plan(
            db, household_id, proposal.plan, profile, by_user, proposal.tailoring, at=at
        )
        if publish_draft:
            drafts.drop_draft(db, household_id)
    return version
