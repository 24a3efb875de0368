"""Rules of the engine on small hand-made profiles: what the profile puts on or takes off."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.plans.engine import warnings
from tests.plans import CATALOG, TODAY, excluded, ids, item, plan_for, texts


def test_no_stairs_no_stair_tasks():
    plan = plan_for({"lesion_sites": [], "home": {"stairs_inside": False, "entrance_steps": False}})
    assert not [e for e in plan["items"] if e.get("room") == "stairs"]
    assert "entrance-steps-rail" not in ids(plan)


def test_unknown_home_gets_stairs_bath_and_shower():
    plan = plan_for({"lesion_sites": []})
    rooms = {e.get("room") for e in plan["items"]}
    assert {"entrance", "floors", "stairs", "kitchen", "bathroom", "bedroom", "other"} <= rooms
    assert {"bath-grab-bars", "shower-grab-bar"} <= ids(plan)


def test_spine_lesion_rules_out_twisting_and_loaded_bending_with_its_reason():
    plan = plan_for({"lesion_sites": ["spine-lumbar"], "fracture_risk": "low"})
    reasons = excluded(plan)
    assert "twist" in reasons["trunk-twists"].lower() and "lower back" in reasons["trunk-twists"]
    assert "sit-ups" in reasons
    advice = " ".join(a["advice"] for a in plan["avoid_in_daily_life"])
    assert "knee" in advice.lower()


def test_humerus_lesion_names_the_side():
    plan = plan_for({"lesion_sites": ["humerus-left"], "fracture_risk": "low"})
    assert "left upper arm" in excluded(plan)["overhead-press"]


def test_unknown_fracture_risk_counts_as_high():
    unknown = plan_for({"lesion_sites": ["other"]})
    high = plan_for({"lesion_sites": ["other"], "fracture_risk": "high"})
    assert set(excluded(unknown)) == set(excluded(high))
    assert "not been assessed" in excluded(unknown)["tai-chi"]


def test_fluid_limit_caps_every_amount():
    plan = plan_for(
        {
            "lesion_sites": [],
            "fluid_restriction_ml": 900,
            "bone_agent": "zoledronic-acid",
            "bone_agent_started": True,
            "bone_agent_start": "2026-10-01",
        }
    )
    daily = item(plan, "daily-drinks-within-limit")
    assert daily["target_ml"] == 900
    assert daily["schedule"]["times_per_day"] * daily["drink_ml"] <= 900
    assert "daily-drinks" not in ids(plan) and "infusion-day-drinks" not in ids(plan)
    assert "infusion-day-drinks-within-limit" in ids(plan)


def test_no_limit_gets_the_general_target():
    plan = plan_for({"lesion_sites": [], "fluid_restriction_ml": None})
    assert item(plan, "daily-drinks")["target_ml"] == 1600
    assert "daily-drinks-within-limit" not in ids(plan)


def test_injection_has_no_infusion_advice():
    plan = plan_for(
        {
            "lesion_sites": [],
            "bone_agent": "denosumab",
            "bone_agent_started": True,
            "bone_agent_start": "2026-09-01",
        }
    )
    assert "injection-day" in ids(plan)
    assert not {"infusion-day", "infusion-day-drinks", "kidney-test-before-infusion"} & ids(plan)
    assert not [
        e for e in plan["items"] if "infusion" in texts(e).lower() and e["domain"] == "hydration"
    ]


def test_dose_days_follow_the_interval_in_the_profile_from_the_start():
    on_drip = {
        "lesion_sites": [],
        "bone_agent": "zoledronic-acid",
        "bone_agent_started": True,
        "bone_agent_start": "2026-08-01",
    }
    plan = plan_for({**on_drip, "bone_agent_interval": "4-weekly"})
    schedule = item(plan, "infusion-day")["schedule"]
    assert schedule == {"kind": "every-n-weeks", "weeks": 4, "from": "2026-12-19"}
    assert (dt.date(2026, 12, 19) - dt.date(2026, 8, 1)).days % 28 == 0
    plan = plan_for({**on_drip, "bone_agent_interval": "12-weekly"})
    for name in ("infusion-day", "kidney-test-before-infusion", "infusion-day-drinks"):
        # 1 Aug + 12 weeks = 24 Oct, + 12 weeks = 16 Jan: the first on or after 22 Nov.
        assert item(plan, name)["schedule"] == {
            "kind": "every-n-weeks",
            "weeks": 12,
            "from": "2027-01-16",
        }, name


@pytest.mark.parametrize("interval", [None, "unknown"])
def test_unknown_interval_invents_no_dose_date(interval):
    profile = {
        "lesion_sites": [],
        "bone_agent": "denosumab",
        "bone_agent_started": True,
        "bone_agent_start": "2026-08-01",
    }
    if interval:
        profile["bone_agent_interval"] = interval
    entry = item(plan_for(profile), "injection-day")
    assert entry["schedule"] == {"kind": "as-needed"}
    assert "on the days your team sets" in entry["detail"]
    assert "weeks" not in entry["detail"]


def test_agent_starting_in_ten_days_makes_the_dental_check_urgent():
    start = TODAY + dt.timedelta(days=10)
    profile = {
        "lesion_sites": [],
        "bone_agent": "denosumab",
        "bone_agent_started": False,
        "bone_agent_start": start.isoformat(),
    }
    plan = plan_for(profile)
    # Due now, not the day before the dose: any needed work must be done before it.
    assert item(plan, "dental-exam-before-first-dose")["schedule"]["due"] == TODAY.isoformat()
    assert any("10 day" in w and "denosumab" in w for w in plan["warnings"])
    # Today shows the warnings alone, worked out without the rest of the plan.
    assert warnings(profile, CATALOG, TODAY) == plan["warnings"]


def test_recent_exam_and_far_start_gives_no_warning():
    plan = plan_for(
        {
            "lesion_sites": [],
            "bone_agent": "denosumab",
            "bone_agent_started": False,
            "bone_agent_start": "2027-03-01",
            "last_dental_exam": "2026-10-01",
        }
    )
    assert not [w for w in plan["warnings"] if "dental" in w.lower()]
    assert "dental-exam-before-first-dose" not in ids(plan)


def test_start_date_passed_without_a_dose_is_due_now():
    plan = plan_for(
        {
            "lesion_sites": [],
            "bone_agent": "denosumab",
            "bone_agent_started": False,
            "bone_agent_start": "2026-11-01",
            "bone_agent_interval": "4-weekly",
        }
    )
    exam = item(plan, "dental-exam-before-first-dose")
    assert exam["schedule"]["due"] == TODAY.isoformat()
    assert item(plan, "injection-day")["schedule"]["from"] is None


def test_overdue_six_monthly_check_is_due_today():
    plan = plan_for(
        {
            "lesion_sites": [],
            "bone_agent": "pamidronate",
            "bone_agent_started": True,
            "last_dental_exam": "2025-01-10",
        }
    )
    assert item(plan, "dental-checkup-now-on-treatment")["schedule"]["due"] == TODAY.isoformat()


def test_undecided_agent_gets_the_dental_exam_now():
    plan = plan_for({"lesion_sites": [], "bone_agent": "undecided"})
    assert item(plan, "dental-exam-before-any-bone-medicine")["schedule"]["due"] == "2026-11-22"


def test_no_agent_no_bone_medicine_items():
    plan = plan_for({"lesion_sites": [], "bone_agent": "none"})
    assert not {
        "tell-every-dentist",
        "injection-day",
        "infusion-day",
        "low-calcium",
        "dental-exam-before-any-bone-medicine",
    } & ids(plan)


def test_unstable_spine_rules_out_all_spinal_movement():
    plan = plan_for(
        {"lesion_sites": ["spine-lumbar"], "spinal_instability": True, "fracture_risk": "low"}
    )
    spinal = {"spinal-rotation", "spinal-flexion-loaded", "spinal-extension", "spinal-axial-load"}
    assert not [e for e in plan["items"] if spinal & set(e.get("movements", []))]


def test_fall_screen_counts_what_the_profile_answers():
    plan = plan_for({"lesion_sites": [], "falls_past_year": 2, "mobility_aid": "cane"})
    assert plan["fall_screen"]["points_from_profile"] == 4
    assert any("4 or more" in w for w in plan["warnings"])
    calm = plan_for({"lesion_sites": [], "falls_past_year": 0, "mobility_aid": "none"})
    assert calm["fall_screen"]["points_from_profile"] == 0


def test_why_names_the_fact_that_triggered_the_item():
    plan = plan_for({"lesion_sites": [], "home": {"pets": True}})
    assert "You have pets at home." in item(plan, "floors-pets-things-out-of-path")["why"]
    unsure = plan_for({"lesion_sites": []})
    assert any("to be safe" in w for w in item(unsure, "floors-pets-things-out-of-path")["why"])


# ---- Clinical safety v2 (issue 12): dental dates, past use, fluids ----------------------------


def test_an_exam_that_will_be_old_at_the_first_dose_does_not_count():
    # 170 days old today, 200 on the day of the dose a month away: book an exam now, and say when.
    plan = plan_for(
        {
            "lesion_sites": [],
            "bone_agent": "denosumab",
            "bone_agent_started": False,
            "bone_agent_start": (TODAY + dt.timedelta(days=30)).isoformat(),
            "last_dental_exam": (TODAY - dt.timedelta(days=170)).isoformat(),
        }
    )
    assert item(plan, "dental-exam-before-first-dose")["schedule"]["due"] == TODAY.isoformat()
    assert "dental-clearance-before-first-dose" not in ids(plan)
    assert any("in 30 days" in w for w in plan["warnings"])


def test_a_first_dose_ninety_days_away_still_warns_now():
    plan = plan_for(
        {
            "lesion_sites": [],
            "bone_agent": "zoledronic-acid",
            "bone_agent_start": (TODAY + dt.timedelta(days=90)).isoformat(),
        }
    )
    assert item(plan, "dental-exam-before-first-dose")["schedule"]["due"] == TODAY.isoformat()
    assert any("in 90 days" in w for w in plan["warnings"])


def test_a_first_dose_dated_today_is_not_assumed_given():
    plan = plan_for(
        {"lesion_sites": [], "bone_agent": "denosumab", "bone_agent_start": TODAY.isoformat()}
    )
    assert "dental-exam-before-first-dose" in ids(plan)
    assert any("If it has not been given yet" in w for w in plan["warnings"])


@pytest.mark.parametrize("past", [True, None])
def test_past_bone_medicine_keeps_the_jaw_items(past):
    profile = {"lesion_sites": [], "bone_agent": "none", "bone_agent_stopped": "2025-03-01"}
    if past is not None:
        profile["bone_agent_past"] = past
    plan = plan_for(profile)
    assert {"clean-teeth-fluoride", "mouth-healthy-habits", "jaw-problems"} <= ids(plan)
    if past:
        assert "dental-checkup-every-six-months" in ids(plan)
        assert any(
            "stopped on 1 March 2025" in why for why in item(plan, "tell-every-dentist")["why"]
        )


def test_no_bone_medicine_ever_has_no_jaw_items():
    plan = plan_for({"lesion_sites": [], "bone_agent": "none", "bone_agent_past": False})
    assert not {"clean-teeth-fluoride", "jaw-problems", "tell-every-dentist"} & ids(plan)


@pytest.mark.parametrize("fact", ["kidney_problems", "heart_failure", "dialysis"])
@pytest.mark.parametrize("limit", [None, "absent"])
def test_kidneys_or_heart_without_a_limit_get_no_amount_only_a_question(fact, limit):
    profile = {
        "lesion_sites": [],
        fact: True,
        "bone_agent": "zoledronic-acid",
        "bone_agent_started": True,
        "bone_agent_interval": "4-weekly",
    }
    if limit != "absent":
        profile["fluid_restriction_ml"] = limit
    plan = plan_for(profile)
    hydration = [e for e in plan["items"] if e["domain"] == "hydration"]
    assert "ask-team-for-fluid-limit" in ids(plan)
    assert not {
        "daily-drinks",
        "infusion-day-drinks",
        "drink-more-when-hot-or-ill",
        "drink-more-when-hot-or-ill-unknown-limit",
        "dehydration-signs",
    } & ids(plan)
    assert not [e for e in hydration if "target_ml" in e or " ml" in texts(e)]
    assert "infusion-day-drinks-within-limit" in ids(plan)
