"""Profiles, plan versions and tasks: applying a plan is all or nothing and keeps tick history."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from planner.plans.engine import build_plan
from planner.plans.plan_diff import keep_earlier_deadlines, plan_diff
from planner.plans.printout import describe_schedule as schedule_words
from planner.store import plans, ticks
from tests import factories as f


def test_profile_round_trip(db):
    home, anna = f.household(db)
    assert plans.get_profile(db, home["id"]) is None
    plans.save_profile(db, home["id"], f.PROFILE, anna["id"], at=f.NOW)
    assert plans.get_profile(db, home["id"]) == f.PROFILE
    plans.save_profile(db, home["id"], {"lesion_sites": []}, anna["id"], at=f.NOW)
    assert plans.get_profile(db, home["id"]) == {"lesion_sites": []}


def test_apply_plan_versions_and_tasks(db, catalog):
    home, anna = f.household(db)
    assert plans.current_plan(db, home["id"]) is None and plans.tasks(db, home["id"]) == []
    plan = f.with_plan(db, catalog, home["id"], anna["id"])
    current = plans.current_plan(db, home["id"])
    assert current["version"] == 1 and current["plan"] == plan
    assert current["profile"] == f.PROFILE and current["created_by_name"] == "Anna"
    assert plans.get_profile(db, home["id"]) == f.PROFILE
    tasks = plans.tasks(db, home["id"])
    assert [t["id"] for t in tasks] == [i["id"] for i in plan["items"]]
    assert all(t["since_version"] == 1 and t["active"] for t in tasks)
    assert plans.get_task(db, home["id"], "daily-drinks")["target_ml"] == 1600
    assert plans.get_task(db, home["id"], "no-such-task") is None


def test_reapplying_keeps_ticks_of_items_that_stay_and_retires_the_others(db, catalog):
    home, anna = f.household(db)
    f.with_plan(db, catalog, home["id"], anna["id"])
    ticks.set_state(db, home["id"], "bath-seat", "once", 0, "done", anna["id"], at=f.NOW)
    ticks.set_state(
        db, home["id"], "belly-breathing", "2026-11-23", 0, "done", anna["id"], at=f.NOW
    )
    no_bath = copy.deepcopy(f.PROFILE)
    no_bath["home"]["bathtub"] = False
    plan2 = f.with_plan(db, catalog, home["id"], anna["id"], no_bath)
    assert plans.current_plan(db, home["id"])["version"] == 2
    active = {t["id"] for t in plans.tasks(db, home["id"])}
    assert "bath-seat" not in active and "belly-breathing" in active
    assert active == {i["id"] for i in plan2["items"]}
    retired = [t for t in plans.tasks(db, home["id"], active_only=False) if not t["active"]]
    assert "bath-seat" in {t["id"] for t in retired}
    assert plans.get_task(db, home["id"], "bath-seat") is None
    # Ticks are untouched, for tasks that stay and for tasks that left.
    assert ticks.get_state(db, home["id"], "belly-breathing", "2026-11-23") == "done"
    assert ticks.get_state(db, home["id"], "bath-seat", "once") == "done"
    # A task that comes back starts a new `since_version`; one that stayed keeps its own.
    f.with_plan(db, catalog, home["id"], anna["id"])
    by_id = {t["id"]: t for t in plans.tasks(db, home["id"])}
    assert by_id["bath-seat"]["since_version"] == 3
    assert by_id["belly-breathing"]["since_version"] == 1


def test_apply_plan_is_all_or_nothing(db, catalog, monkeypatch):
    home, anna = f.household(db)
    f.with_plan(db, catalog, home["id"], anna["id"])
    broken = {"generated_on": "2026-11-23", "items": [{"id": "x"}], "excluded": [], "warnings": []}
    with pytest.raises(KeyError):
        plans.apply_plan(db, home["id"], broken, {"lesion_sites": []}, anna["id"], at=f.NOW)
    assert plans.current_plan(db, home["id"])["version"] == 1
    assert plans.get_profile(db, home["id"]) == f.PROFILE
    assert plans.get_task(db, home["id"], "bath-seat") is not None


def test_households_are_separate(db, catalog):
    one, anna = f.household(db)
    two, _ = f.household(db, name="Carl")
    f.with_plan(db, catalog, one["id"], anna["id"])
    assert plans.tasks(db, two["id"]) == [] and plans.current_plan(db, two["id"]) is None


# plan_diff (pure) ------------------------------------------------------------------------------


def _item(item_id, **extra):
    return {
        "id": item_id,
        "domain": "exercise",
        "title": item_id,
        "audience": "patient",
        "schedule": {"kind": "weekly", "times_per_week": 2},
        **extra,
    }


def test_plan_diff_added_removed_changed():
    old = {"items": [_item("a"), _item("b"), _item("c")]}
    new = {
        "items": [
            _item("a"),
            _item("c", schedule={"kind": "weekly", "times_per_week": 3}),
            _item("d"),
        ]
    }
    diff = plan_diff(old, new)
    assert [i["id"] for i in diff["added"]] == ["d"]
    assert [i["id"] for i in diff["removed"]] == ["b"]
    assert diff["changed"][0]["item"]["id"] == "c"
    assert diff["changed"][0]["changes"] == ["when: 2 times a week → 3 times a week"]
    assert diff["unchanged"] == 1 and not diff["first"]


def test_plan_diff_first_plan_adds_everything():
    diff = plan_diff(None, {"items": [_item("a")]})
    assert diff["first"] and [i["id"] for i in diff["added"]] == ["a"]


def test_same_dose_series_from_a_later_day_is_not_a_change():
    old = {
        "items": [
            _item("inf", schedule={"kind": "every-n-weeks", "weeks": 4, "from": "2026-12-19"})
        ]
    }
    same = {
        "items": [
            _item("inf", schedule={"kind": "every-n-weeks", "weeks": 4, "from": "2027-01-16"})
        ]
    }
    moved = {
        "items": [
            _item("inf", schedule={"kind": "every-n-weeks", "weeks": 4, "from": "2027-01-17"})
        ]
    }
    assert plan_diff(old, same)["changed"] == []
    assert plan_diff(old, moved)["changed"][0]["changes"] == [
        "when: every 4 weeks from 19 December 2026 → every 4 weeks from 17 January 2027"
    ]


def test_replanning_keeps_earlier_deadlines(catalog):
    old = build_plan(f.PROFILE, catalog, dt.date(2026, 11, 23))
    later = build_plan(f.PROFILE, catalog, dt.date(2026, 12, 10))
    kept = keep_earlier_deadlines(old, later)
    rail = next(i for i in kept["items"] if i["id"] == "entrance-steps-rail")
    first = next(i for i in old["items"] if i["id"] == "entrance-steps-rail")["schedule"]["due"]
    assert rail["schedule"]["due"] == first < "2026-12-10"
    assert plan_diff(old, kept)["changed"] == []
    later_rail = next(i for i in later["items"] if i["id"] == "entrance-steps-rail")
    assert later_rail["schedule"]["due"] != first  # the input is not changed


def test_schedule_words():
    assert schedule_words({"kind": "once", "due": "2026-12-13"}) == "once, by 13 December 2026"
    assert schedule_words({"kind": "daily", "times_per_day": 1}) == "every day"
    assert schedule_words({"kind": "every-n-weeks", "weeks": 26, "from": None}) == (
        "every 26 weeks (your care team will give you the date)"
    )
    assert schedule_words({"kind": "as-needed"}) == "when needed"
