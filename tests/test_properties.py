"""Properties that hold for every valid profile on every day (hypothesis)."""

from __future__ import annotations

import copy
import datetime as dt
import functools
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
# The contract checks each item on its own (no rule ties one item to another), and the same
# items come back in plan after plan: so the plan is checked without its items, and each item
# once, by its JSON. The same verdict as checking the whole plan, in a third of the time.
_ITEM_SCHEMA = PLAN_SCHEMA["properties"]["items"]["items"]
_OUTER_SCHEMA = copy.deepcopy(PLAN_SCHEMA)
_OUTER_SCHEMA["properties"]["items"]["items"] = True
_OUTER, _ITEM = (
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for schema in (_OUTER_SCHEMA, _ITEM_SCHEMA)
)


def check_contract(plan: dict) -> None:
    """Raise jsonschema's ValidationError unless the plan keeps the contract."""
    _OUTER.validate(plan)
    for entry in plan["items"]:
        _check_item(json.dumps(entry, sort_keys=True))


@functools.lru_cache(maxsize=1 << 14)
def _check_item(text: str) -> None:
    _ITEM.validate(json.loads(text))


@settings(max_examples=400)
@given(profiles(), dates)
def test_every_plan_is_safe_sourced_current_and_deterministic(profile, today):
    plan = build_plan(profile, CATALOG, today)
    check_contract(plan)

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
