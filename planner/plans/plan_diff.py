"""What a new plan adds, removes and changes compared with the current one (pure functions).

Re-planning must not quietly move deadlines: an engine run on a later day puts "once" tasks a
week or two after *that* day, and every-n-weeks series start at the next dose. So a task that
stays keeps its earlier due date (`keep_earlier_deadlines`), and a dose series that lands on the
same days is not reported as a change.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from planner.plans.printout import describe_dose, describe_schedule
from planner.plans.recurrence import is_dose_day

COMPARED = ("title", "domain", "audience", "room", "target_ml", "drink_ml")
FIELD_WORDS = {
    "title": "name",
    "domain": "part of the plan",
    "audience": "who it is for",
    "room": "room",
    "target_ml": "daily amount (ml)",
    "drink_ml": "size of a drink (ml)",
}


def _same_schedule(old: dict[str, Any], new: dict[str, Any]) -> bool:
    if old["kind"] != new["kind"]:
        return False
    if old["kind"] == "every-n-weeks":
        if old["weeks"] != new["weeks"] or bool(old.get("from")) != bool(new.get("from")):
            return False
        if not new.get("from"):
            return True
        return is_dose_day(old, dt.date.fromisoformat(new["from"])) or is_dose_day(
            new, dt.date.fromisoformat(old["from"])
        )
    return old == new


def keep_earlier_deadlines(
    old_plan: dict[str, Any] | None, new_plan: dict[str, Any]
) -> dict[str, Any]:
    """A copy of `new_plan` in which "once" tasks that were already planned keep the earlier due
    date, so that re-planning never pushes back (or hides) what is due or overdue."""
    plan = copy.deepcopy(new_plan)
    if not old_plan:
        return plan
    old_due = {
        i["id"]: i["schedule"].get("due")
        for i in old_plan["items"]
        if i["schedule"]["kind"] == "once"
    }
    for item in plan["items"]:
        schedule = item["schedule"]
        before = old_due.get(item["id"])
        if (
            schedule["kind"] == "once"
            and before
            and (not schedule.get("due") or before < schedule["due"])
        ):
            schedule["due"] = before
    return plan


# What an item says, compared only when the advice itself changed (a new content version):
# a re-plan for new answers rewords an item's why with its facts, which is no news.
WORDS = {"detail": "what to do is reworded", "why": "why it matters is reworded"}


def _changes(old: dict[str, Any], new: dict[str, Any], words: bool = False) -> list[str]:
    changes = []
    if words:
        changes += [said for name, said in WORDS.items() if old.get(name) != new.get(name)]
        if old.get("sources") != new.get("sources"):
            changes.append("its sources changed")
    for name in COMPARED:
        if old.get(name) != new.get(name):
            changes.append(
                f"{FIELD_WORDS[name]}: {old.get(name) or 'none'} → {new.get(name) or 'none'}"
            )
    old_dose, new_dose = (
        describe_dose(old.get("prescription")),
        describe_dose(new.get("prescription")),
    )
    if old_dose != new_dose:
        changes.append(
            f"dose: {old_dose} → {new_dose}"
            if old_dose and new_dose
            else f"dose: {new_dose}"
            if new_dose
            else "dose taken off"
        )
    old_note = (old.get("prescription") or {}).get("note") or ""
    new_note = (new.get("prescription") or {}).get("note") or ""
    if old_note != new_note:
        changes.append(f"physiotherapist's note: {new_note or 'none'}")
    if new.get("override_reason") and new.get("override_reason") != old.get("override_reason"):
        changes.append("kept by your physiotherapist despite a rule")
    if not _same_schedule(old["schedule"], new["schedule"]):
        changes.append(
            f"when: {describe_schedule(old['schedule'])} → {describe_schedule(new['schedule'])}"
        )
    return changes


def plan_diff(
    old_plan: dict[str, Any] | None, new_plan: dict[str, Any], words: bool = False
) -> dict[str, Any]:
    """Items added, removed and changed (each with its changes in words) going from the old plan
    to the new, and the movement rules of daily life that now apply or no longer do; with no
    old plan, everything is added. `words`: also say which items are reworded (the advice
    itself changed)."""
    old_items = {i["id"]: i for i in (old_plan or {}).get("items", [])}
    new_items = {i["id"]: i for i in new_plan["items"]}
    added = [i for i in new_plan["items"] if i["id"] not in old_items]
    removed = [i for i in (old_plan or {}).get("items", []) if i["id"] not in new_items]
    changed = []
    for item in new_plan["items"]:
        if item["id"] in old_items:
            changes = _changes(old_items[item["id"]], item, words)
            if changes:
                changed.append({"item": item, "changes": changes})
    kept = len(new_items) - len(added) - len(changed)
    old_rules = {a["id"]: a for a in (old_plan or {}).get("avoid_in_daily_life", [])}
    new_rules = {a["id"]: a for a in new_plan.get("avoid_in_daily_life", [])}
    return {
        "added": added,
        "removed": removed,
        "changed": changed,
        "unchanged": kept,
        "first": old_plan is None,
        "rules_added": [a for k, a in new_rules.items() if k not in old_rules and old_plan],
        "rules_removed": [a for k, a in old_rules.items() if k not in new_rules],
    }


def less_careful(old_plan: dict[str, Any], new_plan: dict[str, Any]) -> list[str]:
    """How the new plan is less careful than the old, in words (empty when it is not): an
    exercise left out before is on it, a task is taken off, a movement rule no longer applies.
    New or reworded tasks and new rules are not less careful. (Warnings are left aside: Today
    works them out afresh every day from the content it runs.)"""
    out = []
    new_ids = {i["id"] for i in new_plan["items"]}
    left_out = {e["id"] for e in old_plan.get("excluded", [])}
    out += [f"{i['title']}: no longer left out" for i in new_plan["items"] if i["id"] in left_out]
    out += [f"{i['title']}: taken off" for i in old_plan["items"] if i["id"] not in new_ids]
    new_rules = {a["id"] for a in new_plan.get("avoid_in_daily_life", [])}
    out += [
        f"{a.get('title') or a['advice']}: no longer applies"
        for a in old_plan.get("avoid_in_daily_life", [])
        if a["id"] not in new_rules
    ]
    return out
