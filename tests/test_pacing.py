"""The home set-up, paced: a few tasks a day, the biggest risks first, "Not sure" tasks after
their question, and never a task dropped (planner/plans/pacing.py and the engine's use of it)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.planning import plan_for
from planner.plans.engine import build_plan, open_questions
from planner.plans.pacing import SetUp, is_set_up, pace, read_set_up
from planner.plans.profile import HOME_FIELDS
from tests import factories as f

DAY = f.DAY
RULE = SetUp(
    per_day=2,
    wait_days=7,
    first=(("emphasis", ()), ("items", ("night-light",)), ("rooms", ("stairs",))),
)


def task(ident, room="floors", emphasis=False, kind="once"):
    item = {
        "id": ident,
        "domain": "home-safety",
        "room": room,
        "schedule": {"kind": kind, "due": "2026-12-30"},
    }
    if emphasis:
        item["emphasis"] = True
    return item


def test_risk_first_then_walking_order_a_few_a_day():
    items = [
        task("rugs"),
        task("stairs-rail", "stairs"),
        task("night-light", "bedroom"),
        task("cords"),
        task("bars", "bathroom", emphasis=True),
        task("habit", kind="as-needed"),
    ]
    due = pace(items, set(), RULE, DAY)
    assert list(due) == ["bars", "night-light", "stairs-rail", "rugs", "cords"]
    assert [(d - DAY).days for d in due.values()] == [0, 0, 1, 1, 2]
    assert "habit" not in due  # kept up as needed: not part of the set-up


def test_tasks_waiting_on_a_not_sure_answer_come_after_the_question():
    items = [task("stairs-rail", "stairs", emphasis=True), task("rugs"), task("cords")]
    due = pace(items, {"stairs-rail"}, RULE, DAY)
    assert due["rugs"] == due["cords"] == DAY
    assert due["stairs-rail"] == DAY + dt.timedelta(days=7)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["floors", "stairs", "bathroom", "bedroom"]),
            st.booleans(),
            st.booleans(),
        ),
        max_size=40,
    ),
    st.integers(1, 5),
    st.integers(0, 10),
)
def test_every_task_gets_a_date_and_no_day_gets_more_than_its_share(specs, per_day, wait):
    items = [task(f"t{n}", room, emphasis) for n, (room, emphasis, _) in enumerate(specs)]
    waiting = {f"t{n}" for n, (_, _, w) in enumerate(specs) if w}
    rule = SetUp(per_day=per_day, wait_days=wait, first=RULE.first)
    due = pace(items, waiting, rule, DAY)
    assert set(due) == {i["id"] for i in items}  # never dropped, only scheduled
    assert all(d >= DAY for d in due.values())
    assert max(Counter(due.values()).values(), default=0) <= per_day
    assert all(due[w] >= DAY + dt.timedelta(days=wait) for w in waiting)


def test_the_rule_is_checked_when_the_catalog_loads():
    _, problems = read_set_up(
        {"per_day": 0, "first": [{"rooms": ["attic"]}, "soon"], "ask": ["fracture_risk_guess"]},
        ["a"],
        ["stairs"],
    )
    assert len(problems) == 4


def test_a_not_sure_household_gets_a_few_tasks_a_day_and_keeps_every_one(catalog):
    plan = build_plan({"lesion_sites": []}, catalog, DAY)
    careful = build_plan({"lesion_sites": []}, catalog, DAY)
    home = [i for i in plan["items"] if is_set_up(i)]
    days = Counter(i["schedule"]["due"] for i in home)
    assert max(days.values()) == catalog.set_up.per_day
    assert {i["id"] for i in home} == {i["id"] for i in careful["items"] if is_set_up(i)}
    first_week = [i for i in home if i["schedule"]["due"] < (DAY + dt.timedelta(7)).isoformat()]
    assert len(first_week) == 7 * catalog.set_up.per_day
    # The bath tasks wait behind their question; the night route comes first.
    bath = next(i for i in home if i["id"] == "bath-grab-bars")
    wait = DAY + dt.timedelta(days=catalog.set_up.wait_days)
    assert bath["schedule"]["due"] >= wait.isoformat()
    night = next(i for i in home if i["id"] == "bedroom-night-light-to-toilet")
    assert night["schedule"]["due"] == DAY.isoformat()


def test_a_fall_in_the_past_year_puts_its_tasks_first(catalog):
    profile = {
        **f.PROFILE,
        "lives_alone": False,
        "home": {
            **f.PROFILE["home"],
            "stairs_inside": False,
            "walk_in_shower": False,
            "loose_rugs": True,
            "bedroom_upstairs": False,
        },
    }
    plan = build_plan(profile, catalog, DAY)
    home = [i for i in plan["items"] if is_set_up(i)]
    stressed = [i["schedule"]["due"] for i in home if i.get("emphasis")]
    others = [i["schedule"]["due"] for i in home if not i.get("emphasis")]
    assert len(stressed) > 4 and max(stressed) <= min(others)


def test_questions_name_the_tasks_a_no_would_drop(catalog):
    asked = dict(open_questions({"lesion_sites": []}, catalog, DAY))
    assert asked["home.bathtub"] == ["bath-grab-bars", "bath-non-slip-mat", "bath-seat"]
    assert "fracture_risk" not in asked  # clinical facts are not asked on Today
    answered = dict(open_questions({"lesion_sites": [], "home": {"bathtub": False}}, catalog, DAY))
    assert "home.bathtub" not in answered
    plan = build_plan({"lesion_sites": [], "home": {"bathtub": False}}, catalog, DAY)
    assert not {i["id"] for i in plan["items"]} & set(asked["home.bathtub"])


NO = {
    "lesion_sites": [],
    "lives_alone": False,
    "home": {name: False for name in HOME_FIELDS},
}


@pytest.mark.parametrize(
    "before,after,days_later",
    [
        ({"lesion_sites": []}, {"lesion_sites": [], "home": {"bathtub": True}}, 0),
        (
            {"lesion_sites": []},
            {"lesion_sites": [], "home": {"stairs_inside": True, "entrance_steps": True}},
            3,
        ),
        ({"lesion_sites": []}, {"lesion_sites": [], "home": {"pets": False}}, 2),
        (NO, {"lesion_sites": []}, 2),  # every answer back to "Not sure": tasks are added
    ],
)
def test_a_replan_keeps_each_day_to_its_share(catalog, before, after, days_later):
    old = plan_for(before, catalog, DAY)
    day = DAY + dt.timedelta(days=days_later)
    new = plan_for(after, catalog, day, None, old)
    days = Counter(i["schedule"]["due"] for i in new["items"] if is_set_up(i))
    assert max(days.values()) <= catalog.set_up.per_day
    kept = {i["id"]: i["schedule"]["due"] for i in old["items"] if is_set_up(i)}
    for item in new["items"]:
        if is_set_up(item):
            if item["id"] in kept:
                assert item["schedule"]["due"] == kept[item["id"]]  # its day, never moved
            else:
                assert item["schedule"]["due"] >= day.isoformat()
