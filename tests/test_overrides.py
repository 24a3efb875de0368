"""A physiotherapist's overrides tied to the rules they override (issue 25), as the planning
pipeline applies them: an exercise allowed despite its rules, a rule lifted for one person; each
survives a re-plan, and is dropped, and said to be, when the profile fact behind its rule
changes."""

from __future__ import annotations

import pytest

from planner import planning
from planner.plans import overrides, tailoring
from planner.plans.context import build_context
from planner.plans.engine import rules_against
from planner.plans.printout import render_text
from planner.store import activity, override_notices, plans
from tests import factories as f
from tests.plans import CATALOG, TODAY

PELVIS = {"lesion_sites": ["pelvis"], "fracture_risk": "low", "weight_bearing": "full"}
THORACIC = {
    "lesion_sites": ["spine-thoracic"],
    "fracture_risk": "low",
    "weight_bearing": "full",
    "spinal_instability": False,
    "mobility_aid": "none",
    "falls_past_year": 0,
}
PRIYA = 7  # the user id the override records; names are read from the accounts when shown


def allowed(
    profile: dict, item_id: str, reason: str = "Supervised in clinic", by: int = PRIYA
) -> dict:
    """A tailoring that allows the exercise despite every rule that rules it out now."""
    ctx = build_context(profile, CATALOG, TODAY)
    rules = rules_against(CATALOG.item(item_id).movements, CATALOG, ctx)
    assert rules, f"{item_id} is not ruled out for this profile"
    record = overrides.make(rules, CATALOG, ctx, by, "2026-11-20")
    return tailoring.add(tailoring.empty(), item_id, reason, override=record)


def lifted(profile: dict, rule_id: str, reason: str = "Stable on the scan") -> dict:
    ctx = build_context(profile, CATALOG, TODAY)
    return overrides.lift(tailoring.empty(), rule_id, reason, CATALOG, ctx, PRIYA, "2026-11-20")


def item(plan: dict, item_id: str) -> dict | None:
    return next((i for i in plan["items"] if i["id"] == item_id), None)


def test_an_allowed_exercise_names_its_rules_who_and_when():
    plan = planning.plan_for(PELVIS, CATALOG, TODAY, allowed(PELVIS, "sit-to-stand"))
    kept = item(plan, "sit-to-stand")
    assert kept["override_reason"] == "Supervised in clinic"
    assert kept["override_by"] == PRIYA and kept["override_on"] == "2026-11-20"
    assert kept["override_rules"] == [CATALOG.rule("pelvis").title]
    assert "sit-to-stand" not in {e["id"] for e in plan["excluded"]}


def test_an_override_survives_a_replan_and_an_unrelated_change():
    made = allowed(PELVIS, "sit-to-stand")
    for profile in (PELVIS, {**PELVIS, "lesion_sites": ["pelvis", "ribs"], "lives_alone": True}):
        proposal_plan, kept, dropped = planning._pipeline(profile, CATALOG, TODAY, made, None)
        assert dropped == [] and item(proposal_plan, "sit-to-stand")["override_reason"]
        made = kept  # as the next version stores it


def test_an_override_is_dropped_when_the_fact_behind_its_rule_changes():
    moved = {**PELVIS, "lesion_sites": ["femur-left"]}  # the pelvis lesion is gone
    plan, kept, dropped = planning._pipeline(
        moved, CATALOG, TODAY, allowed(PELVIS, "sit-to-stand"), None
    )
    assert dropped == [
        {
            "item_id": "sit-to-stand",
            "rules": ["pelvis"],
            "reason": "Supervised in clinic",
            "by": PRIYA,
            "on": "2026-11-20",
            "changed": ["lesion_sites"],
        }
    ]
    # The femur lesion still rules it out, and nothing overrides that any more.
    assert item(plan, "sit-to-stand") is None
    assert "sit-to-stand" in {e["id"] for e in plan["excluded"]}
    assert "override_reason" not in kept["exercises"][0]


def test_a_new_rule_against_an_allowed_exercise_leaves_it_off_the_plan():
    more = {**PELVIS, "weight_bearing": "partial"}  # weight-bearing-partial rules it out too
    plan = planning.plan_for(more, CATALOG, TODAY, allowed(PELVIS, "sit-to-stand"))
    assert item(plan, "sit-to-stand") is None
    left = next(e for e in plan["excluded"] if e["id"] == "sit-to-stand")
    assert left["tailored"]


def test_a_lifted_rule_frees_its_movements_and_says_who_allowed_it():
    before = planning.plan_for(THORACIC, CATALOG, TODAY)
    assert "seated-band-row" in {e["id"] for e in before["excluded"]}
    plan = planning.plan_for(THORACIC, CATALOG, TODAY, lifted(THORACIC, "spine-thoracic"))
    assert item(plan, "seated-band-row") is not None
    assert "spine-thoracic" not in {a["id"] for a in plan["avoid_in_daily_life"]}
    [rule] = plan["lifted"]
    assert rule["id"] == "spine-thoracic" and rule["title"] == CATALOG.rule("spine-thoracic").title
    assert (rule["reason"], rule["by"], rule["on"]) == ("Stable on the scan", PRIYA, "2026-11-20")
    assert "twisting your back or neck" in rule["movements"]


def test_a_lifted_rule_is_dropped_when_its_lesion_is_no_longer_there():
    moved = {**THORACIC, "lesion_sites": ["spine-lumbar"]}
    plan, kept, dropped = planning._pipeline(
        moved, CATALOG, TODAY, lifted(THORACIC, "spine-thoracic"), None
    )
    assert [(d["item_id"], d["rules"], d["changed"]) for d in dropped] == [
        (None, ["spine-thoracic"], ["lesion_sites"])
    ]
    assert kept["lifted"] == [] and "lifted" not in plan


def test_an_override_from_before_rules_were_named_is_tied_to_them_and_kept():
    old = {"exercises": [{"id": "sit-to-stand", "override_reason": "Supervised"}], "removed": []}
    plan, kept, dropped = planning._pipeline(PELVIS, CATALOG, TODAY, old, None)
    assert dropped == [] and item(plan, "sit-to-stand")["override_reason"] == "Supervised"
    assert kept["exercises"][0]["override"]["rules"] == ["pelvis"]


def test_a_template_leaves_overrides_and_lifts_behind():
    made = allowed(PELVIS, "sit-to-stand")
    made["lifted"] = lifted(PELVIS, "pelvis")["lifted"]
    template = tailoring.as_template(made)
    assert template["exercises"] == [{"id": "sit-to-stand"}] and "lifted" not in template


@pytest.fixture
def home(app, db, catalog):
    return f.home(app, db, catalog)


def test_the_store_records_content_version_overrides_and_dropped_notices(db, catalog, home):
    h = home
    version = planning.replan(
        db,
        h["id"],
        f.PROFILE,
        catalog,
        f.DAY,
        h["physio"],
        at=f.NOW,
        tailoring=allowed(f.PROFILE, "sit-to-stand", by=h["physio"]),
    )
    current = plans.current_plan(db, h["id"])
    assert current["version"] == version
    assert (current["content_release"], current["content_hash"]) == (
        catalog.release,
        catalog.content_hash,
    )
    made = activity.entries(db, h["id"], kinds=("override_made",))
    assert made[0]["actor_id"] == h["physio"] and made[0]["detail"]["item_id"] == "sit-to-stand"
    # A caregiver's change of a fact behind the rules drops it, and the physiotherapist is told.
    moved = {**f.PROFILE, "fracture_risk": "unknown"}
    planning.replan(db, h["id"], moved, catalog, f.DAY, h["caregiver"], at=f.NOW)
    [notice] = override_notices.pending(db, h["id"])
    assert notice["item_id"] == "sit-to-stand" and notice["changed"] == ["fracture_risk"]
    assert notice["made_by_name"] == "Priya" and notice["reason"] == "Supervised in clinic"
    dropped = activity.entries(db, h["id"], kinds=("override_dropped",))
    assert dropped[0]["actor_id"] == h["caregiver"]
    assert dropped[0]["detail"]["changed"] == ["fracture_risk"]
    assert not activity.entries(db, h["id"], kinds=("override_removed",))
    assert "sit-to-stand" not in {t["id"] for t in plans.tasks(db, h["id"])}
    assert override_notices.dismiss(db, h["id"], h["physio"], at=f.NOW) == 1
    assert override_notices.pending(db, h["id"]) == []


def test_the_avoid_card_of_an_overridden_rule_names_the_exercise_kept():
    """An exercise kept despite a rule asks for a movement the plan says to avoid: the rule's
    card says so (`allowed`), in the plan and its text."""
    plan = planning.plan_for(PELVIS, CATALOG, TODAY, allowed(PELVIS, "sit-to-stand"))
    cards = {rule["id"]: rule for rule in plan["avoid_in_daily_life"]}
    assert cards["pelvis"]["allowed"] == ["sit-to-stand"]
    assert all("allowed" not in rule for key, rule in cards.items() if key != "pelvis")
    text = " ".join(render_text(plan).split())
    assert (
        f"Except what your physiotherapist allowed: {CATALOG.item('sit-to-stand').title}." in text
    )
    unchanged = planning.plan_for(PELVIS, CATALOG, TODAY, None)
    assert all("allowed" not in rule for rule in unchanged["avoid_in_daily_life"])
