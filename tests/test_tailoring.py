"""apply_tailoring and its helpers as pure functions: the safety filter always runs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from planner.plans import tailoring as t
from tests.plans import CATALOG, TODAY, plan_for

PLAN_SCHEMA = json.loads((Path(__file__).parent / "contract" / "plan.schema.json").read_text())

PELVIS = {"lesion_sites": ["pelvis"], "weight_bearing": "full", "fracture_risk": "low"}
NOTHING = {"lesion_sites": ["skull"], "weight_bearing": "full", "fracture_risk": "low"}
DOSE = {"sets": 2, "reps": 10, "hold_seconds": None, "sessions_per_week": 3, "note": "Slowly"}


def tailored(profile, tailoring):
    return t.apply_tailoring(plan_for(profile), tailoring, profile, CATALOG, TODAY)


def exercise_ids(plan):
    return [i["id"] for i in plan["items"] if i["domain"] == "exercise"]


def test_no_tailoring_changes_nothing():
    assert tailored(NOTHING, None) == plan_for(NOTHING)
    assert tailored(NOTHING, t.empty()) == plan_for(NOTHING)


def test_order_dose_and_weekly_schedule():
    plan = tailored(
        NOTHING,
        {
            "exercises": [{"id": "grip-squeeze", "prescription": DOSE}, {"id": "thigh-tighten"}],
            "removed": [],
        },
    )
    ids = exercise_ids(plan)
    assert ids[:2] == ["grip-squeeze", "thigh-tighten"]
    # The others follow, none lost but the request for a physiotherapist's check: done.
    assert set(ids) == set(exercise_ids(plan_for(NOTHING))) - set(t.DONE_BY_PHYSIO)
    grip = plan["items"][[i["id"] for i in plan["items"]].index("grip-squeeze")]
    assert grip["prescription"] == DOSE
    assert grip["schedule"] == {"kind": "weekly", "times_per_week": 3}
    domains = [i["domain"] for i in plan["items"]]
    assert domains == sorted(
        domains,
        key=["red-flags", "home-safety", "exercise", "dental", "hydration", "comfort"].index,
    )
    jsonschema.validate(plan, PLAN_SCHEMA)


def test_a_tailored_plan_no_longer_asks_for_a_physiotherapist():
    assert "exercise-plan-physio-check" in exercise_ids(plan_for(NOTHING))
    plan = tailored(NOTHING, {"exercises": [{"id": "grip-squeeze"}], "removed": []})
    assert "exercise-plan-physio-check" not in exercise_ids(plan)
    shown = t.materialize(plan_for(NOTHING), None)
    assert "exercise-plan-physio-check" not in [e["id"] for e in shown["exercises"]]


def test_advice_takes_no_dose_even_from_an_old_draft():
    advice = "ease-off-with-pain"
    plan = tailored(NOTHING, {"exercises": [{"id": advice, "prescription": DOSE}], "removed": []})
    item = next(i for i in plan["items"] if i["id"] == advice)
    assert "prescription" not in item and item["schedule"] == {"kind": "as-needed"}


def test_removed_stays_removed():
    plan = tailored(NOTHING, {"exercises": [], "removed": ["grip-squeeze"]})
    assert "grip-squeeze" not in exercise_ids(plan)


def test_a_ruled_out_exercise_needs_an_override_to_be_on_the_plan():
    entry = {"id": "sit-to-stand"}
    plan = tailored(PELVIS, {"exercises": [entry], "removed": []})
    assert "sit-to-stand" not in exercise_ids(plan)
    left = {e["id"]: e for e in plan["excluded"]}["sit-to-stand"]
    assert left["tailored"] and left["reason"].startswith("No load on the left hip")
    plan = tailored(
        PELVIS, {"exercises": [{**entry, "override_reason": "Supervised"}], "removed": []}
    )
    item = next(i for i in plan["items"] if i["id"] == "sit-to-stand")
    assert item["override_reason"] == "Supervised"
    assert item["ruled_out"].startswith("No load on the left hip")
    assert "sit-to-stand" not in {e["id"] for e in plan["excluded"]}


def test_a_new_profile_moves_a_tailored_exercise_to_excluded():
    """Tailored on a safe profile, then a pelvis lesion is found: it must not silently stay."""
    tailoring = {"exercises": [{"id": "sit-to-stand", "prescription": DOSE}], "removed": []}
    assert "sit-to-stand" in exercise_ids(tailored(NOTHING, tailoring))
    plan = tailored(PELVIS, tailoring)
    assert "sit-to-stand" not in exercise_ids(plan)
    assert {e["id"]: e for e in plan["excluded"]}["sit-to-stand"]["tailored"]


def test_custom_exercise_goes_through_the_filter():
    custom = {
        "id": "custom-ab12",
        "custom": {"title": "Standing march", "detail": "March.", "movements": ["hip-load-right"]},
        "prescription": DOSE,
    }
    on_safe = tailored(NOTHING, {"exercises": [custom], "removed": []})
    item = next(i for i in on_safe["items"] if i["id"] == "custom-ab12")
    assert item["custom"] is True and item["title"] == "Standing march"
    assert item["sources"] and item["schedule"]["times_per_week"] == 3
    jsonschema.validate(on_safe, PLAN_SCHEMA)
    on_pelvis = tailored(PELVIS, {"exercises": [custom], "removed": []})
    assert "custom-ab12" not in exercise_ids(on_pelvis)
    assert {e["id"] for e in on_pelvis["excluded"]} >= {"custom-ab12"}


def test_unknown_ids_are_left_out():
    plan = tailored(NOTHING, {"exercises": [{"id": "gone-from-catalog"}], "removed": []})
    assert "gone-from-catalog" not in exercise_ids(plan)


def test_materialize_pins_every_exercise_in_order():
    plan = tailored(
        PELVIS,
        {
            "exercises": [{"id": "grip-squeeze", "prescription": DOSE}, {"id": "sit-to-stand"}],
            "removed": [],
        },
    )
    pinned = t.materialize(
        plan,
        {
            "exercises": [{"id": "grip-squeeze", "prescription": DOSE}, {"id": "sit-to-stand"}],
            "removed": [],
        },
    )
    ids = [e["id"] for e in pinned["exercises"]]
    assert ids[:-1] == exercise_ids(plan) and ids[-1] == "sit-to-stand"
    assert pinned["exercises"][0]["prescription"] == DOSE


def test_edits_return_copies():
    base = {"exercises": [{"id": "a"}, {"id": "b"}], "removed": []}
    assert [e["id"] for e in t.move(base, "b", -1)["exercises"]] == ["b", "a"]
    assert [e["id"] for e in t.move(base, "a", -1)["exercises"]] == ["a", "b"]
    assert t.remove(base, "a") == {"exercises": [{"id": "b"}], "removed": ["a"]}
    assert t.add(t.remove(base, "a"), "a")["removed"] == []
    assert t.set_dose(base, "zz", DOSE) is None and t.move(base, "zz", 1) is None
    assert base == {"exercises": [{"id": "a"}, {"id": "b"}], "removed": []}


def test_templates_leave_overrides_behind_and_list_conflicts():
    tailoring = {
        "exercises": [
            {"id": "sit-to-stand", "override_reason": "Supervised", "prescription": DOSE},
            {"id": "gone"},
        ],
        "removed": ["x"],
    }
    template = t.as_template(tailoring)
    assert template["exercises"][0] == {"id": "sit-to-stand", "prescription": DOSE}
    conflicts = t.template_conflicts(template, PELVIS, CATALOG, TODAY)
    assert [c["id"] for c in conflicts] == ["sit-to-stand", "gone"]
    assert conflicts[0]["problem"].startswith("No load on the left hip")
    assert (
        t.template_conflicts(
            t.as_template({"exercises": [{"id": "sit-to-stand"}]}), NOTHING, CATALOG, TODAY
        )
        == []
    )
    applied = t.from_template(template, CATALOG)
    assert "grip-squeeze" in applied["removed"] and "sit-to-stand" not in applied["removed"]


def test_read_prescription_trims_and_bounds():
    dose, errors = t.read_prescription({"sets": " 2 ", "reps": "", "note": " a\n\tb "})
    assert errors == {} and dose == {
        "sets": 2,
        "reps": None,
        "hold_seconds": None,
        "sessions_per_week": None,
        "note": "a b",
    }
    _, errors = t.read_prescription({"sets": "1e3", "hold_seconds": "121"})
    assert set(errors) == {"sets", "hold_seconds"}
