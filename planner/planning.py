"""The one planning pipeline: a household's profile (and its physiotherapist's tailoring) to the
plan it gets, and that plan into the store. Every path that makes a household's plan comes
here: the profile's preview and apply, the clinical facts, publishing a tailoring, templates,
the demo, the benchmark seeder. No Flask: the caller gives the catalog, the day and the moment.

    overrides.refresh (a physiotherapist's override whose facts changed is dropped)
        -> engine.build_plan (without the rules the physiotherapist lifted)
        -> tailoring.apply_tailoring -> plan_diff.keep_earlier_deadlines
        -> pacing.keep_pace (the home set-up keeps its days; new tasks go where there is room)

The profile's derived facts (its Context) are worked out once per plan and shared by the engine
and the tailoring. Every stored version records the content version (release and hash of
checklists/) it was made from; `update_content` brings a household's plan to new content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from planner.plans import overrides
from planner.plans.catalog import Catalog
from planner.plans.context import build_context
from planner.plans.engine import build_plan
from planner.plans.pacing import SetUp, keep_pace
from planner.plans.plan_diff import keep_earlier_deadlines, less_careful
from planner.plans.tailoring import apply_tailoring
from planner.store import activity, override_notices, plans
from planner.store import tailoring as drafts
from planner.store.sql import Database, transaction


@dataclass(frozen=True)
class Proposal:
    """The plan a profile gives a household now, beside the version it has."""

    plan: dict[str, Any]
    current: dict | None  # the household's current plan version, or None
    tailoring: dict | None  # the tailoring the plan was made with (stale overrides dropped)
    dropped: list[dict] = field(default_factory=list)  # overrides.refresh's: facts changed


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
    plan, kept, dropped = _pipeline(
        profile, catalog, today, tailoring, current["plan"] if current else None
    )
    return Proposal(plan, current, kept, dropped)


def _pipeline(
    profile: dict[str, Any],
    catalog: Catalog,
    today: dt.date,
    tailoring: dict | None,
    previous: dict | None,
) -> tuple[dict[str, Any], dict | None, list[dict]]:
    """The plan, the tailoring it was made with, and the overrides dropped on the way."""
    ctx = build_context(profile, catalog, today)
    tailoring, dropped = overrides.refresh(tailoring, catalog, ctx)
    lifted = overrides.lifted_ids(tailoring)
    plan = apply_tailoring(
        build_plan(profile, catalog, today, ctx, lifted), tailoring, profile, catalog, today, ctx
    )
    plan = keep_earlier_deadlines(previous, plan)
    return keep_pace(previous, plan, catalog.set_up or SetUp(), today), tailoring, dropped


def plan_for(
    profile: dict[str, Any],
    catalog: Catalog,
    today: dt.date,
    tailoring: dict | None = None,
    previous: dict | None = None,
) -> dict[str, Any]:
    """The pipeline itself, for a profile alone: engine, tailoring, deadlines kept from
    `previous` (the plan it replaces, if any)."""
    return _pipeline(profile, catalog, today, tailoring, previous)[0]


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
        version = _store(db, household_id, proposal, profile, catalog, by_user, at=at)
        if publish_draft:
            drafts.drop_draft(db, household_id)
    return version


def _store(
    db: Database,
    household_id: int,
    proposal: Proposal,
    profile: dict[str, Any],
    catalog: Catalog,
    by_user: int | None,
    *,
    at: dt.datetime,
) -> int:
    """Store the proposal as the household's new version (inside the caller's transaction),
    with its content version; log the overrides it makes, takes away and drops, and keep a
    notice of each dropped one for the physiotherapist."""
    version = plans.apply_plan(
        db,
        household_id,
        proposal.plan,
        profile,
        by_user,
        proposal.tailoring,
        at=at,
        content=(catalog.release, catalog.content_hash),
    )
    before = proposal.current["tailoring"] if proposal.current else None
    made, gone = overrides.differences(before, proposal.tailoring)
    dropped = {(d["item_id"], tuple(d["rules"])) for d in proposal.dropped}
    for kind, entries in (("override_made", made), ("override_removed", gone)):
        for entry in entries:
            if kind == "override_removed" and (entry["item_id"], tuple(entry["rules"])) in dropped:
                continue
            activity.record(db, household_id, kind, at=at, actor_id=by_user, detail=entry)
    for entry in proposal.dropped:
        detail = {k: entry[k] for k in ("item_id", "rules", "changed")}
        activity.record(
            db, household_id, "override_dropped", at=at, actor_id=by_user, detail=detail
        )
    if proposal.dropped:
        override_notices.record(db, household_id, proposal.dropped, at=at)
    return version


def _same(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether two plans say the same, whatever the day they were made on."""
    return {k: v for k, v in old.items() if k != "generated_on"} == {
        k: v for k, v in new.items() if k != "generated_on"
    }


def behind(current: dict | None, catalog: Catalog) -> bool:
    """Whether a stored plan version was made from other content than `catalog`'s."""
    return current is not None and current.get("content_hash") != catalog.content_hash


def update_content(
    db: Database,
    household_id: int,
    catalog: Catalog,
    today: dt.date,
    *,
    at: dt.datetime,
    by_user: int | None = None,
    less_careful_ok: bool = False,
) -> str:
    """Bring the household's plan to `catalog`'s content, in one transaction: "none" (no plan),
    "current" (already made from it), "same" (the new content gives the same plan: the version
    is marked as checked against it), "waiting" (the update makes the plan less careful, and
    `less_careful_ok` is not set: it waits for the physiotherapist) or "updated" (a new
    version, made by `by_user`, None for the planner itself)."""
    with transaction(db):
        current = plans.current_plan(db, household_id)
        if current is None:
            return "none"
        if not behind(current, catalog):
            return "current"
        proposal = propose(db, household_id, current["profile"], catalog, today)
        content = (catalog.release, catalog.content_hash)
        if _same(current["plan"], proposal.plan) and not proposal.dropped:
            plans.mark_content(db, household_id, current["version"], content)
            return "same"
        if not less_careful_ok and less_careful(current["plan"], proposal.plan):
            return "waiting"
        version = _store(db, household_id, proposal, current["profile"], catalog, by_user, at=at)
        activity.record(
            db,
            household_id,
            "content_updated",
            at=at,
            actor_id=by_user,
            detail={
                "release": catalog.release,
                "content_hash": catalog.content_hash,
                "version": version,
            },
        )
    return "updated"
