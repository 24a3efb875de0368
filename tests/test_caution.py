"""Which way is careful for each guarded fact (planner/plans/caution.py), checked against the
engine,
and the split of a change into what applies now and what waits for the physiotherapist."""

from __future__ import annotations

import itertools

import pytest

from planner.plans import caution
from planner.plans.engine import build_plan
from tests import factories as f

# A profile that restricts nothing, so that each fact alone decides what is excluded.
OPEN = {
    "lesion_sites": [],
    "fracture_risk": "low",
    "weight_bearing": "full",
    "spinal_instability": False,
    "mobility_aid": "none",
    "bone_agent": "none",
}


def _excluded(catalog, field, value) -> set[str]:
    profile = {k: v for k, v in OPEN.items() if k != field}
    if value != caution.UNKNOWN:
        profile[field] = value
    return {e["id"] for e in build_plan(profile, catalog, f.DAY)["excluded"]}


@pytest.mark.parametrize("field", [f for f in caution.LEVELS if f != "bone_agent"])
def test_a_careful_change_never_lets_an_exercise_back_in(catalog, field):
    """Whatever the levels call careful, the engine agrees: every exercise excluded before is
    still excluded after. (The bone medicine decides dental checks, not exercises: its levels
    follow the checks each medicine brings, see the module.)"""
    for old, new in itertools.permutations(caution.LEVELS[field], 2):
        if caution.careful(field, old, new):
            lost = _excluded(catalog, field, old) - _excluded(catalog, field, new)
            assert not lost, f"{field} {old} -> {new} is called careful but allows {lost}"


@pytest.mark.parametrize(
    ("field", "old", "new"),
    [
        ("fracture_risk", "high", "low"),
        ("fracture_risk", "unknown", "moderate"),
        ("weight_bearing", "partial", "full"),
        ("spinal_instability", True, False),
        ("spinal_instability", True, "unknown"),
        ("mobility_aid", "walker", "wheelchair"),
        ("bone_agent", "denosumab", "zoledronic-acid"),
        ("bone_agent", "denosumab", "none"),
        ("bone_agent", "denosumab", "undecided"),
    ],
)
def test_less_careful_changes(field, old, new):
    assert not caution.careful(field, old, new)


@pytest.mark.parametrize(
    ("field", "old", "new"),
    [
        ("fracture_risk", "low", "unknown"),
        ("weight_bearing", "full", "none"),
        ("spinal_instability", False, "unknown"),
        ("mobility_aid", "cane", "walker"),
        ("bone_agent", "none", "denosumab"),
        ("bone_agent", "undecided", "denosumab"),
    ],
)
def test_careful_changes(field, old, new):
    assert caution.careful(field, old, new)


def test_split_keeps_the_careful_answer_and_lists_what_waits():
    stored = dict(f.PROFILE)
    wanted = {
        **f.PROFILE,
        "lesion_sites": ["pelvis", "ribs"],
        "fracture_risk": "low",
        "weight_bearing": "none",
    }
    wanted.pop("mobility_aid")  # walker -> not sure: careful about a stick, not a frame
    now, waiting = caution.split(stored, wanted)
    assert now["lesion_sites"] == ["femur-left", "pelvis", "ribs"]
    assert now["fracture_risk"] == "high" and now["weight_bearing"] == "none"
    assert now["mobility_aid"] == "walker"
    assert [c["field"] for c in waiting] == ["lesion_sites", "fracture_risk", "mobility_aid"]
    assert caution.apply_changes(now, waiting) == wanted
    assert caution.split(None, wanted) == (wanted, [])
