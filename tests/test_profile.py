"""The profile validator agrees with the contract and names the field of every problem."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.plans.profile import ProfileError, parse, validate
from tests.strategies import profiles

HERE = Path(__file__).parent
SCHEMA = json.loads((HERE / "contract" / "profile.schema.json").read_text())
CHECKER = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
BAD = json.loads((HERE / "scenarios" / "bad-profiles.json").read_text())


@given(profiles())
def test_every_valid_profile_is_accepted(profile):
    assert CHECKER.is_valid(profile)
    assert validate(profile) == []


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-10, 6000)
    | st.text(max_size=12)
    | st.sampled_from(["spine-thoracic", "high", "2026-02-30", "2026-12-01", "walker"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
mutations = st.dictionaries(
    st.sampled_from(
        [
            "lesion_sites",
            "fracture_risk",
            "bone_agent_start",
            "falls_past_year",
            "fluid_restriction_ml",
            "home",
            "dentures",
            "mobility_aid",
            "extra",
        ]
    ),
    json_values,
    max_size=3,
)


@settings(max_examples=300)
@given(profiles(), mutations)
def test_validator_agrees_with_the_json_schema(profile, changes):
    candidate = {**profile, **changes}
    assert (validate(candidate) == []) == CHECKER.is_valid(candidate)


@pytest.mark.parametrize("case", [c for c in BAD if "profile" in c], ids=lambda c: c["why"])
def test_bad_profiles_name_the_field(case):
    with pytest.raises(ProfileError) as caught:
        parse(case["profile"])
    assert any(p.field == case["names"] for p in caught.value.problems)


@pytest.mark.parametrize(
    "raw, field",
    [
        ({"lesion_sites": [], "falls_past_year": True}, "falls_past_year"),
        ({"lesion_sites": [], "falls_past_year": 101}, "falls_past_year"),
        ({"lesion_sites": [], "bone_agent_start": "2026-02-30"}, "bone_agent_start"),
        ({"lesion_sites": [], "home": {"garden": True}}, "home.garden"),
        ({"lesion_sites": [], "home": {"pets": "yes"}}, "home.pets"),
        ({"lesion_sites": ["ribs", "ribs"]}, "lesion_sites"),
        ({"lesion_sites": [], "fluid_restriction_ml": 5001}, "fluid_restriction_ml"),
        ([], "profile"),
    ],
)
def test_more_bad_values_name_their_field(raw, field):
    assert field in [p.field for p in validate(raw)]
