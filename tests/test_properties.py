"""Properties that hold for every valid profile on every day (hypothesis)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.plans.context import build_context
from planner.plans.engine import build_plan, movements_to_avoid
from tests.plans import CATALOG, amounts_ml, dates_in, texts
from tests.strategies import dates, profiles

PLAN_SCHEMA = json.loads((Path(__file__).parent / "contract" / "plan.schema.json").read_text())
PLAN_CHECKER = jsonschema.Draft202012Validator(
    PLAN_SCHEMA, format_checker=jsonschema.FormatChecker()
)


@settings(max_examples=400)
@given(profiles(), dates)
def test_every_plan_is_safe_sourced_current_and_deterministic(profile, today):
    plan = build_plan(profile, CATALOG, today)
    PLAN_CHECKER.validate(plan)

    avoid, _ = movements_to_avoid(CATALOG, build_context(profile, CATALOG, today))
    for entry in plan["items"]:
        if entry["domain"] == "exercise":
            assert not set(entry["movements"]) & set(avoid), entry["id"]
        assert all(day >= today for day in dates_in(entry)), entry["id"]
        assert entry["why"] and all(w.strip() for w in entry["why"]), entry["id"]
        assert entry["sources"], entry["id"]
        assert "{" not in texts(entry), entry["id"]
    for gone in plan["excluded"]:
        assert gone["reason"].strip()

    limit = profile.get("fluid_restriction_ml")
    if limit is not None:
        for entry in plan["items"]:
            if entry["domain"] == "hydration":
                assert entry.get("target_ml", 0) <= limit
                assert all(a <= limit for a in amounts_ml(texts(entry))), entry["id"]
    assert json.dumps(plan) == json.dumps(build_plan(profile, CATALOG, today))


@given(profiles(), dates, st.integers(1, 400))
def test_a_later_day_never_brings_back_a_past_date(profile, today, days):
    later = today + dt.timedelta(days=days)
    for entry in build_plan(profile, CATALOG, later)["items"]:
        assert all(day >= later for day in dates_in(entry))
