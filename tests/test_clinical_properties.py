"""Clinical safety over 10,000 random valid profiles (issue 12, point 7): no fluid amount above a
limit, or without one when the team must set it; the dental and dosing dates; the red flags
always there and always first.

A seeded generator rather than hypothesis: 10,000 examples through hypothesis would take minutes,
and a fixed seed keeps every run the same. The profiles cover every field of the contract, each
left out or set to any value it allows; the days around each profile's dates.
"""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from planner.plans.catalog import DOMAINS
from planner.plans.context import INTERVALS
from planner.plans.printout import render_text
from planner.plans.profile import BOOLEANS, DATES, ENUMS, HOME_FIELDS, LESION_SITES, validate
from tests.plans import CATALOG, amounts_ml, dates_in, plan_for, texts

N = 10_000
TODAY = dt.date(2026, 11, 22)
ALWAYS_FLAGS = {i.id for i in CATALOG.items if i.domain == "red-flags" and i.when is None}
DOSE_ITEMS = (
    "injection-day",
    "infusion-day",
    "kidney-test-before-infusion",
    "infusion-day-drinks",
    "infusion-day-drinks-within-limit",
)
JAW_ITEMS = {"clean-teeth-fluoride", "mouth-healthy-habits", "jaw-problems"}
MORE = re.compile(
    r"(?<!not )(?<!not just )\b(drink|have) (a little )?(more|extra)\b", re.I
)  # not "do not ..."


def _profile(rng: random.Random) -> dict:
    def maybe() -> bool:
        return rng.random() < 0.6

    profile: dict = {"lesion_sites": rng.sample(LESION_SITES, rng.randint(0, 3))}
    for name, values in ENUMS.items():
        if maybe():
            profile[name] = rng.choice(values)
    for name in BOOLEANS:
        if maybe():
            profile[name] = rng.random() < 0.5
    for name in DATES:
        if maybe():
            # Mostly near today, where the dental rules turn: -400 to +400 days, or null.
            profile[name] = (
                None
                if rng.random() < 0.1
                else (TODAY + dt.timedelta(days=rng.randint(-400, 400))).isoformat()
            )
    if maybe():
        profile["falls_past_year"] = rng.randint(0, 5)
    if maybe():
        profile["fluid_restriction_ml"] = None if rng.random() < 0.3 else rng.randint(500, 5000)
    if maybe():
        profile["home"] = {h: rng.random() < 0.5 for h in HOME_FIELDS if maybe()}
    return profile


def _profiles():
    rng = random.Random(12)
    for _ in range(N):
        profile = _profile(rng)
        assert validate(profile) == [], profile
        yield profile


def _check_red_flags(plan: dict) -> None:
    assert {i["id"] for i in plan["items"]} >= ALWAYS_FLAGS
    domains = [i["domain"] for i in plan["items"]]
    flags = domains.count("red-flags")
    assert domains[:flags] == ["red-flags"] * flags  # first in the plan, hence in every output
    assert all(
        DOMAINS.index(a) <= DOMAINS.index(b) for a, b in zip(domains, domains[1:], strict=False)
    )


def _check_fluids(profile: dict, plan: dict) -> None:
    limit = profile.get("fluid_restriction_ml")
    caution = any(profile.get(k) is True for k in ("kidney_problems", "heart_failure", "dialysis"))
    hydration = [i for i in plan["items"] if i["domain"] == "hydration"]
    everything = [(i, texts(i)) for i in plan["items"]] + [({}, w) for w in plan["warnings"]]
    if isinstance(limit, int):
        for entry, text in everything:
            assert all(a <= limit for a in amounts_ml(text)), (entry.get("id"), limit)
            if "target_ml" in entry:
                assert entry["target_ml"] <= limit
                assert entry["schedule"]["times_per_day"] * entry["drink_ml"] <= limit
    elif caution:
        # No limit on record where one is needed: no amount, no "drink more", one task to ask.
        for entry, text in everything:
            assert not amounts_ml(text), entry.get("id")
            assert "target_ml" not in entry
        for entry in hydration:
            assert not MORE.search(entry["title"] + " " + entry["detail"]), entry["id"]
        asks = [i for i in plan["items"] if i["id"] == "ask-team-for-fluid-limit"]
        assert len(asks) == 1 and asks[0]["schedule"] == {
            "kind": "once",
            "due": plan["generated_on"],
        }


def _check_dental_and_doses(profile: dict, plan: dict, today: dt.date) -> None:
    by_id = {i["id"]: i for i in plan["items"]}
    agent = profile.get("bone_agent")
    planned = agent in CATALOG.agents and profile.get("bone_agent_started") is not True
    start = profile.get("bone_agent_start")
    exam = profile.get("last_dental_exam")
    if planned:
        # Never assumed given: an exam or a clearance check before the first dose, due now.
        first = {"dental-exam-before-first-dose", "dental-clearance-before-first-dose"} & set(by_id)
        assert len(first) == 1
        assert by_id[first.pop()]["schedule"]["due"] == today.isoformat()
        start_day = dt.date.fromisoformat(start) if start else None
        exam_day = dt.date.fromisoformat(exam) if exam else None
        judged = start_day if start_day and start_day > today else today
        recent = bool(exam_day and exam_day <= today and (judged - exam_day).days <= 182)
        assert ("dental-exam-before-first-dose" in by_id) is not recent
        if not recent:
            assert any(CATALOG.agents[agent].name in w for w in plan["warnings"])
            if start_day and start_day > today:
                assert any(
                    f"in {(start_day - today).days} day" in w
                    or f"{(start_day - today).days} day(s)" in w
                    for w in plan["warnings"]
                )
    if (
        profile.get("bone_agent_past") in (True, None)
        and agent in (None, "none")
        or agent not in (None, "none")
    ):
        assert set(by_id) >= JAW_ITEMS, (agent, profile.get("bone_agent_past"))
    weeks = INTERVALS.get(profile.get("bone_agent_interval", ""))
    for name in DOSE_ITEMS:
        if name not in by_id:
            continue
        schedule = by_id[name]["schedule"]
        if weeks is None:
            assert schedule == {"kind": "as-needed"}, name  # no date invented
            assert "weeks" not in by_id[name]["detail"]
        else:
            assert schedule["kind"] == "every-n-weeks" and schedule["weeks"] == weeks
            if schedule["from"] and start:
                gap = dt.date.fromisoformat(schedule["from"]) - dt.date.fromisoformat(start)
                assert gap.days >= 0 and gap.days % (7 * weeks) == 0, name
    for entry in plan["items"]:
        assert all(day >= today for day in dates_in(entry)), entry["id"]


CHUNKS = 4  # the 10,000 profiles in four parts, so that the test runner spreads them on cores


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_ten_thousand_profiles_keep_the_clinical_rules(chunk):
    size = N // CHUNKS
    for n, profile in enumerate(_profiles()):
        if not chunk * size <= n < (chunk + 1) * size:
            continue  # the same seeded sequence in every part; each part plans its own
        today = TODAY + dt.timedelta(days=n % 7)
        plan = plan_for(profile, today)
        _check_red_flags(plan)
        _check_fluids(profile, plan)
        _check_dental_and_doses(profile, plan, today)


def test_text_output_starts_with_the_emergency_number_and_the_red_flags():
    rng = random.Random(3)
    for _ in range(200):
        out = render_text(plan_for(_profile(rng)))
        first = out.index("EMERGENCY NUMBER")
        flags = out.index("GET HELP NOW: RED FLAGS")
        others = [out.find(h) for h in ("ACT NOW", "HOME SAFETY", "EXERCISE", "DRINKS")]
        assert first < flags < min(p for p in others if p >= 0)
