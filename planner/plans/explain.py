"""The catalog explained in plain words, for the public "How your plan is made" pages: which
profile facts put an item on a plan or leave it out, and the catalog's texts with the words that
are filled in for each person shown as what they stand for.

The words of a condition are the engine's own: the facts.yaml sentence the plan adds to an
item's "why" when that fact made it match; where facts.yaml has none, the profile question's
short label and answer. Generated from the loaded catalog, so the pages cannot drift from it.
"""

from __future__ import annotations

from typing import Any

from planner.plans.catalog import Catalog, Schedule
from planner.plans.conditions import Group, Leaf, Node
from planner.plans.profile_form import QUESTIONS, SITE_WORDS

# What each placeholder stands for, on a page read by everyone: never a number of our own.
PUBLIC_WORDS = {
    "agent": "your bone medicine",
    "start": "[the date of the first dose]",
    "days_to_start": "[a number of]",
    "weeks_to_start": "[a number of]",
    "next_dose": "[the next dose day]",
    "how_often": "as often as your team sets",
    "stopped": "[when it stopped]",
    "last_exam": "[the date of your last check]",
    "limit_ml": "[your limit]",
    "target_ml": "[the day's amount]",
    "drinks": "[a number of]",
    "drink_ml": "[the size of a drink]",
    "value": "[a number of]",
}
# The facts the planner works out itself (conditions.DERIVED_FIELDS), named for people.
DERIVED_LABELS = {
    "agent_status": "Bone medicine",
    "agent_route": "How the bone medicine is given",
    "days_to_start": "Days until the first dose",
    "dental_exam_recent": "A dental check-up in the last six months",
    "fluid_caution": "Kidney problems, dialysis or heart failure",
    "fall_screen_points": "Points on the Stay Independent check",
}
VALUE_WORDS = {True: "yes", False: "no", "unknown": "not known", "none": "none"}
AUDIENCE_WORDS = {
    "patient": "For the person themselves",
    "caregiver": "For a caregiver",
    "physio": "For the physiotherapist",
    "household": "For anyone in the household",
}
ANCHOR_WORDS = {
    "today": "the day the plan is made",
    "agent_start": "the first dose of the bone medicine",
    "next_dose": "the next dose day",
    "dental_recall": "the next dental check-up",
}


def public_text(text: str) -> str:
    """A catalog text with each placeholder shown as what it stands for."""
    return text.format_map(PUBLIC_WORDS)


def label(field: str) -> str:
    """A profile field as people name it."""
    if field in QUESTIONS:
        return QUESTIONS[field].short or QUESTIONS[field].label
    return DERIVED_LABELS.get(field, field)


def value_words(field: str, value: Any) -> str:
    """One value of a field in words."""
    if field == "lesion_sites":
        return SITE_WORDS.get(value, value).lower()
    if field in QUESTIONS:
        options = dict(QUESTIONS[field].options)
        if isinstance(value, str) and value in options:
            return options[value].lower()
    return VALUE_WORDS.get(value, str(value)) if isinstance(value, (bool, str)) else str(value)


def _said(field: str, value: Any, catalog: Catalog) -> str:
    """How the plan says this fact: its facts.yaml sentence, else the question and answer."""
    phrase = catalog.facts.get(field, {}).get(value)
    if phrase is not None:
        return public_text(phrase)
    return f"{label(field)}: {value_words(field, value)}."


def _leaf(leaf: Leaf, catalog: Catalog) -> dict[str, Any]:
    field = leaf.field
    if leaf.op == "empty":
        return {"text": _said(field, "empty", catalog)}
    if leaf.op == "range":
        bounds = [
            f"at least {leaf.low:g}" if leaf.low is not None else "",
            f"at most {leaf.high:g}" if leaf.high is not None else "",
        ]
        return {"text": f"{label(field)}: {' and '.join(b for b in bounds if b)}."}
    if leaf.op == "none_of":
        sites = ", ".join(value_words(field, v) for v in leaf.values)
        return {"text": f"No lesion in: {sites}."}
    parts = [{"text": _said(field, v, catalog)} for v in leaf.values]
    if leaf.op == "not_in":
        return {"join": "none", "parts": parts}
    return parts[0] if len(parts) == 1 else {"join": "any", "parts": parts}


def describe(node: Node | None, catalog: Catalog) -> dict[str, Any] | None:
    """A condition as a tree of plain sentences: {"text"} or {"join": "all" | "any" | "none",
    "parts": [...]}; None for no condition (always)."""
    if node is None:
        return None
    if isinstance(node, Leaf):
        return _leaf(node, catalog)
    assert isinstance(node, Group)
    parts = [describe(child, catalog) for child in node.children]
    join = {"all": "all", "any": "any", "not": "none"}[node.op]
    return {"join": join, "parts": parts}


def schedule_words(schedule: Schedule) -> str:
    """When an item asks to be done, in words, as the catalog sets it (before any person's
    dates are known)."""
    if schedule.kind == "once":
        anchor = ANCHOR_WORDS[schedule.anchor or "today"]
        if schedule.days == 0:
            return f"Once, by {anchor}"
        side = "after" if schedule.days > 0 else "before"
        return f"Once, {abs(schedule.days)} days {side} {anchor}"
    if schedule.kind == "daily":
        if schedule.times == "drinks":
            return "Every day: the day's drinks"
        return "Every day" if schedule.times == 1 else f"{schedule.times} times a day"
    if schedule.kind == "weekly":
        return "Once a week" if schedule.times == 1 else f"{schedule.times} times a week"
    if schedule.kind == "every-n-weeks":
        every = "on each dose day" if schedule.weeks == "agent" else f"every {schedule.weeks} weeks"
        return f"{every[:1].upper()}{every[1:]}, from {ANCHOR_WORDS[schedule.anchor or 'today']}"
    return "When needed"


def rules_for(movements: tuple[str, ...], catalog: Catalog) -> list[str]:
    """The ids of the movement rules that can rule out an exercise needing these movements."""
    wanted = set(movements)
    return [r.id for r in catalog.avoid_rules if wanted & set(r.avoid)]
