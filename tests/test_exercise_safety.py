"""The exercise safety model: what each clinical fact leaves on a plan, the contradictions the
clinical review found (issue 12), and properties over 10,000 random valid profiles.

The properties check the catalog's rules against an oracle written here from the sources
(Galvao's site table, IBMEWG's risk stratification), using only each load's region and kind from
exercise.yaml, so a wrong rule in the YAML fails here rather than agreeing with itself.
"""

from __future__ import annotations

import random
import re

import pytest

from planner.plans.catalog_model import NEEDS_CLEARANCE
from planner.plans.context import build_context
from planner.plans.engine import build_plan, movements_to_avoid
from planner.plans.profile import BOOLEANS, ENUMS, HOME_FIELDS, LESION_SITES
from tests.plans import CATALOG, TODAY, excluded, ids, plan_for, texts

SPINE = ("spine-cervical", "spine-thoracic", "spine-lumbar")
# What needs no clearance (IBMEWG 2022 / issue 12): breathing, ankle pumps, isometrics and gentle
# range of movement, and the everyday habits and steps of the plan.
NO_CLEARANCE = {
    i.id for i in CATALOG.items if i.domain == "exercise" and NEEDS_CLEARANCE not in i.movements
}


def exercises(plan: dict) -> set[str]:
    return {
        i["id"]
        for i in plan["items"]
        if i["domain"] == "exercise" and i.get("kind") != "daily-activity"
    }


def advice(plan: dict) -> str:
    return " ".join(a["advice"] for a in plan["avoid_in_daily_life"])


def test_no_clearance_set_is_the_gentle_one():
    assert NO_CLEARANCE - {i.id for i in CATALOG.items if i.kind == "daily-activity"} == {
        "seated-knee-extension",
        "ankle-pumps",
        "thigh-tighten",
        "grip-squeeze",
        "shoulder-rolls",
        "neck-movements",
        "belly-breathing",
    }


def test_unstable_spine_with_high_risk_keeps_only_what_needs_no_clearance():
    plan = plan_for(
        {
            "lesion_sites": ["spine-thoracic", "spine-lumbar"],
            "fracture_risk": "high",
            "spinal_instability": True,
            "weight_bearing": "full",
        }
    )
    assert exercises(plan) <= NO_CLEARANCE
    assert "wait-for-exercise-clearance" in ids(plan)
    reasons = excluded(plan)
    for name in (
        "squats",
        "sit-to-stand",
        "seated-biceps-curls",
        "stationary-cycling",
        "walk-gently",
        "neck-movements",
    ):
        assert name in reasons, name
    assert "clears you" in reasons["seated-biceps-curls"]
    assert "brace" in advice(plan)


def test_unstable_spine_alone_also_waits_for_clearance():
    plan = plan_for(
        {
            "lesion_sites": ["spine-lumbar"],
            "fracture_risk": "low",
            "spinal_instability": True,
            "weight_bearing": "full",
        }
    )
    assert exercises(plan) <= NO_CLEARANCE and "wait-for-exercise-clearance" in ids(plan)


def test_unknown_stability_takes_the_careful_reading_and_asks_for_an_assessment():
    plan = plan_for(
        {
            "lesion_sites": ["spine-thoracic"],
            "fracture_risk": "moderate",
            "weight_bearing": "full",
            "mobility_aid": "none",
            "falls_past_year": 0,
        }
    )
    for name in (
        "squats",
        "lunges",
        "step-ups",
        "chest-press",
        "seated-band-row",
        "neck-movements",
        "swimming",
    ):
        assert name in excluded(plan), name
    assert "stable" in excluded(plan)["seated-band-row"]
    assert "get-bone-safety-assessed" in ids(plan)
    assert {"walk-gently", "stationary-cycling"} <= ids(plan)
    known = plan_for(
        {
            "lesion_sites": ["spine-thoracic"],
            "fracture_risk": "moderate",
            "weight_bearing": "full",
            "spinal_instability": False,
            "mobility_aid": "none",
            "falls_past_year": 0,
        }
    )
    assert "get-bone-safety-assessed" not in ids(known)


def test_partial_or_unknown_weight_bearing_keeps_no_standing_work():
    for weight in ("partial", "unknown"):
        profile = {
            "lesion_sites": ["other"],
            "fracture_risk": "low",
            "mobility_aid": "cane",
            "falls_past_year": 0,
            "spinal_instability": False,
        }
        if weight != "unknown":
            profile["weight_bearing"] = weight
        plan = plan_for(profile)
        for name in (
            "heel-raises-supported",
            "supported-balance",
            "toe-touches",
            "water-walking",
            "sit-to-stand",
            "walk-gently",
        ):
            assert name in excluded(plan), (weight, name)
        assert "walk-with-aid" in ids(plan)


def test_high_risk_femur_keeps_no_work_for_that_leg():
    plan = plan_for(
        {"lesion_sites": ["femur-right"], "fracture_risk": "high", "weight_bearing": "full"}
    )
    assert {"seated-knee-extension", "thigh-tighten"} <= set(excluded(plan))
    assert "right thigh bone" in excluded(plan)["seated-knee-extension"]
    assert {"ankle-pumps", "grip-squeeze", "belly-breathing"} <= ids(plan)
    assert "weight" not in " ".join(
        i["detail"] for i in plan["items"] if i["id"] == "seated-knee-extension"
    )


def test_the_contradictions_found_in_review_are_gone():
    calm = {
        "fracture_risk": "low",
        "weight_bearing": "full",
        "spinal_instability": False,
        "mobility_aid": "none",
        "falls_past_year": 0,
    }
    # Neck lesion: elbow work is allowed (Galvao), and the advice says the same thing.
    neck = plan_for({**calm, "lesion_sites": ["spine-cervical"]})
    assert "seated-biceps-curls" in ids(neck)
    assert "weight in your arms" not in advice(neck)
    assert "elbows by your sides" in advice(neck)
    # Pelvis: no toe touches (deep bending at the hips).
    assert "toe-touches" in excluded(plan_for({**calm, "lesion_sites": ["pelvis"]}))
    # Upper arm: no sit-to-stand pushing up with the hands, and the advice says why.
    arm = plan_for({**calm, "lesion_sites": ["humerus-left"]})
    assert "No weight on the left arm" in excluded(arm)["sit-to-stand"]
    assert "push up on your left arm" in advice(arm)
    # Spine: nothing on the plan says to carry a bag over the shoulder.
    spine = plan_for({**calm, "lesion_sites": ["spine-lumbar"]})
    assert not [
        i["id"] for i in spine["items"] if re.search(r"(over|on) (the|your) shoulder", texts(i))
    ]
    assert "bags on your shoulders" in advice(spine)


def test_exercises_that_need_a_physiotherapist_are_never_tasks_of_their_own():
    plan = plan_for(
        {
            "lesion_sites": ["other"],
            "fracture_risk": "low",
            "weight_bearing": "full",
            "spinal_instability": False,
            "mobility_aid": "none",
            "falls_past_year": 0,
        }
    )
    for name in ("sit-ups", "crunches", "trunk-twists", "toe-touches", "squats", "push-ups"):
        assert "physiotherapist" in excluded(plan)[name], name


def test_walking_aid_and_past_falls_get_supported_balance_training():
    plan = plan_for(
        {
            "lesion_sites": ["other"],
            "fracture_risk": "low",
            "weight_bearing": "full",
            "spinal_instability": False,
            "mobility_aid": "walker",
            "falls_past_year": 2,
        }
    )
    assert "supported-balance" in ids(plan)
    assert "tai-chi" in excluded(plan)


def test_no_invented_weekly_limit():
    for item in CATALOG.items:
        if item.domain == "exercise":
            assert "150" not in item.title + item.detail + item.why, item.id


# --- properties over 10,000 random valid profiles ---------------------------------------------


def random_profile(rng: random.Random) -> dict:
    """A random valid profile: any subset of fields, any allowed values (as tests/strategies)."""
    profile: dict = {"lesion_sites": rng.sample(LESION_SITES, rng.randint(0, 4))}
    for name, values in ENUMS.items():
        if rng.random() < 0.7:
            profile[name] = rng.choice(values)
    for name in BOOLEANS:
        if rng.random() < 0.6:
            profile[name] = rng.random() < 0.5
    if rng.random() < 0.6:
        profile["falls_past_year"] = rng.choice([0, 0, 1, 2, 5])
    if rng.random() < 0.5:
        profile["home"] = {f: rng.random() < 0.5 for f in HOME_FIELDS if rng.random() < 0.5}
    return profile


def forbidden_regions(profile: dict) -> dict[str, set[str] | None]:
    """The oracle: region -> kinds of load it must not get (None: none at all), from the facts
    alone (Galvao's site table; IBMEWG: high or unknown risk, or an unstable spine, leaves only
    gentle work of the regions with no lesion)."""
    sites = set(profile["lesion_sites"])
    unknown_sites = not sites
    high = profile.get("fracture_risk", "unknown") in ("high", "unknown")
    out: dict[str, set[str] | None] = {}
    if sites & set(SPINE) or unknown_sites or profile.get("spinal_instability") is True:
        out["spine"] = None
    if sites & {"ribs", "sternum"}:
        out["chest"] = None
    for side in ("left", "right"):
        leg = sites & {"pelvis", f"femur-{side}"}
        if leg or unknown_sites:
            out[f"leg-{side}"] = (
                None if high else {"resistance at the hip", "weight-bearing on one leg"}
            )
        if f"humerus-{side}" in sites or unknown_sites:
            out[f"arm-{side}"] = (
                None if high else {"resistance", "resistance at the shoulder", "weight-bearing"}
            )
    return out


@pytest.mark.parametrize("chunk", range(4))  # four parts of the 10,000, spread on the cores
def test_ten_thousand_random_profiles_are_safe_by_construction(chunk):
    rng = random.Random(20261122)
    movements = CATALOG.movements
    for n in range(10_000):
        profile = random_profile(rng)  # the same seeded sequence in every part
        if n // 2_500 != chunk:
            continue
        plan = build_plan(profile, CATALOG, TODAY)
        ctx = build_context(profile, CATALOG, TODAY)
        avoid, _ = movements_to_avoid(CATALOG, ctx)
        said = advice(plan)
        forbidden = forbidden_regions(profile)
        gated = (
            profile.get("fracture_risk", "unknown") in ("high", "unknown")
            or profile.get("spinal_instability") is True
        )
        for entry in plan["items"]:
            loads = set(entry.get("movements", []))
            # No plan item does what the same plan tells the person to avoid.
            assert not loads & set(avoid), (profile, entry["id"])
            for load in loads:
                region, kind = movements[load].region, movements[load].kind
                kinds = forbidden.get(region, set())
                # No exercise loads a restricted region.
                assert not (kinds is None or kind in kinds), (profile, entry["id"], load)
                # And the daily-life advice never forbids what an item asks for.
                if movements[load].daily_life:
                    assert movements[load].daily_life not in said, (profile, entry["id"])
            if gated:
                assert NEEDS_CLEARANCE not in loads, (profile, entry["id"])
        if gated:
            assert "wait-for-exercise-clearance" in ids(plan), profile
        assert not {"heavy-weights", "jogging", "jumping", "contact-sports"} & ids(plan)


def test_every_exercise_rule_and_item_cites_a_named_checkable_source():
    import yaml

    from planner.plans.catalog import default_folder

    registry = yaml.safe_load((default_folder() / "sources.yaml").read_text())["sources"]
    cited = {s for i in CATALOG.items if i.domain == "exercise" for s in i.sources}
    cited |= {s for r in CATALOG.avoid_rules for s in r.sources}
    for source in cited:
        entry = registry[source]
        # Named: a publisher, authors or a document, and where to check it (a section of
        # CONTENT-SOURCES.md or a stored seed page); never an unnamed summary.
        assert "section" in entry or "seed" in entry, source
        assert "summary" not in entry["cite"].lower(), source
    assert "bone-mets-exercise-summary" not in registry
