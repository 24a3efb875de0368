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

from planner.i18n import N_, SOURCE, Said, current, gettext, in_english
from planner.plans.domains import AUDIENCE_LABELS, LABELS, ROOM_LABELS
from planner.plans.printout import describe_dose, describe_schedule
from planner.plans.recurrence import is_dose_day

COMPARED = ("title", "domain", "audience", "room", "target_ml", "drink_ml")
FIELD_WORDS = Said(
    {
        "title": N_("name"),
        "domain": N_("part of the plan"),
        "audience": N_("who it is for"),
        "room": N_("room"),
        "target_ml": N_("daily amount (ml)"),
        "drink_ml": N_("size of a drink (ml)"),
    }
)
# How the value of each compared field is said (a title is the advice's own English words).
VALUE_WORDS = {"domain": LABELS, "audience": AUDIENCE_LABELS, "room": ROOM_LABELS}


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
WORDS = Said({"detail": N_("what to do is reworded"), "why": N_("why it matters is reworded")})


def _value(name: str, value: Any) -> str:
    if not value:
        return gettext("none")
    if name in VALUE_WORDS:
        return str(VALUE_WORDS[name].get(value, value))
    if name == "title" and current() != SOURCE:
        return in_english(str(value))  # the stored plan's English
    return str(value)


def _changes(old: dict[str, Any], new: dict[str, Any], words: bool = False) -> list[str]:
    changes = []
    if words:
        changes += [said for name, said in WORDS.items() if old.get(name) != new.get(name)]
        if old.get("sources") != new.get("sources"):
            changes.append(gettext("its sources changed"))
    for name in COMPARED:
        if old.get(name) != new.get(name):
            changes.append(
                f"{FIELD_WORDS[name]}: {_value(name, old.get(name))} → "
                f"{_value(name, new.get(name))}"
            )
    old_dose, new_dose = (
        describe_dose(old.get("prescription")),
        describe_dose(new.get("prescription")),
    )
    if old_dose != new_dose:
        changes.append(
            gettext("dose: %(before)s → %(after)s", before=old_dose, after=new_dose)
            if old_dose and new_dose
            else gettext("dose: %(after)s", after=new_dose)
            if new_dose
            else gettext("dose taken off")
        )
    old_note = (old.get("prescription") or {}).get("note") or ""
    new_note = (new.get("prescription") or {}).get("note") or ""
    if old_note != new_note:
        changes.append(
            gettext("physiotherapist's note: %(note)s", note=new_note or gettext("none"))
        )
    if new.get("override_reason") and new.get("override_reason") != old.get("override_reason"):
        changes.append(gettext("kept by your physiotherapist despite a rule"))
    if not _same_schedule(old["schedule"], new["schedule"]):
        changes.append(
            gettext(
                "when: %(before)s → %(after)s",
                before=describe_schedule(old["schedule"]),
                after=describe_schedule(new["schedule"]),
            )
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
    exercise left out before is on it, a task is taken off, a movement rule no longer applies or
    no longer names a movement to avoid. New or reworded tasks and new rules are not less
    careful. (Warnings are left aside: Today works them out afresh every day from the content
    it runs.)"""
    out = []
    new_ids = {i["id"] for i in new_plan["items"]}
    left_out = {e["id"] for e in old_plan.get("excluded", [])}
    out += [
        gettext("%(title)s: no longer left out", title=_value("title", i["title"]))
        for i in new_plan["items"]
        if i["id"] in left_out
    ]
    out += [
        gettext("%(title)s: taken off", title=_value("title", i["title"]))
        for i in old_plan["items"]
        if i["id"] not in new_ids
    ]
    new_rules = {a["id"] for a in new_plan.get("avoid_in_daily_life", [])}
    out += [
        gettext(
            "%(title)s: no longer applies", title=_value("title", a.get("title") or a["advice"])
        )
        for a in old_plan.get("avoid_in_daily_life", [])
        if a["id"] not in new_rules
    ]
    # A movement the plan no longer names to avoid, though its rule still applies (the content
    # took it out of the rule). Compared across the rules: each rule names only the movements
    # no earlier rule named, so one may move to another rule without being less careful.
    still = {m for a in new_plan.get("avoid_in_daily_life", []) for m in a.get("movements", [])}
    out += [
        gettext("%(what)s: no longer to avoid in daily life", what=_value("title", movement))
        for a in old_plan.get("avoid_in_daily_life", [])
        if a["id"] in new_rules
        for movement in a.get("movements", [])
        if movement not in still
    ]
    return out
