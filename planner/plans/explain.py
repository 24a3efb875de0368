"""The catalog explained in plain words, for the public "How your plan is made" pages: which
profile facts put an item on a plan or leave it out, and the catalog's texts with the words that
are filled in for each person shown as what they stand for.

The words of a condition are the engine's own: the facts.yaml sentence the plan adds to an
item's "why" when that fact made it match; where facts.yaml has none, the profile question's
short label and answer. Generated from the loaded catalog, so the pages cannot drift from it.
"""

from __future__ import annotations

from typing import Any

from planner.i18n import N_, Said, gettext, is_marked
from planner.plans.catalog import Catalog, Schedule
from planner.plans.conditions import Group, Leaf, Node
from planner.plans.profile_form import QUESTIONS, SITE_WORDS

# What each placeholder stands for, on a page read by everyone: never a number of our own.
PUBLIC_WORDS = Said(
    {
        "agent": N_("your bone medicine"),
        "start": N_("[the date of the first dose]"),
        "days_to_start": N_("[a number of]"),
        "weeks_to_start": N_("[a number of]"),
        "next_dose": N_("[the next dose day]"),
        "how_often": N_("as often as your team sets"),
        "stopped": N_("[when it stopped]"),
        "last_exam": N_("[the date of your last check]"),
        "limit_ml": N_("[your limit]"),
        "target_ml": N_("[the day's amount]"),
        "drinks": N_("[a number of]"),
        "drink_ml": N_("[the size of a drink]"),
        "value": N_("[a number of]"),
    }
)
# The facts the planner works out itself (conditions.DERIVED_FIELDS), named for people.
DERIVED_LABELS = Said(
    {
        "agent_status": N_("Bone medicine"),
        "agent_route": N_("How the bone medicine is given"),
        "days_to_start": N_("Days until the first dose"),
        "dental_exam_recent": N_("A dental check-up in the last six months"),
        "fluid_caution": N_("Kidney problems, dialysis or heart failure"),
        "fall_screen_points": N_("Points on the Stay Independent check"),
    }
)
VALUE_WORDS = Said(
    {True: N_("yes"), False: N_("no"), "unknown": N_("not known"), "none": N_("none")}
)
AUDIENCE_WORDS = Said(
    {
        "patient": N_("For the person themselves"),
        "caregiver": N_("For a caregiver"),
        "physio": N_("For the physiotherapist"),
        "household": N_("For anyone in the household"),
    }
)
# When a dated item asks to be done, as whole sentences (an anchor of the catalog in each
# frame): a language joins its words to the anchor its own way ("después del día...").
ANCHORED = {
    "today": Said(
        {
            "by": N_("Once, by the day the plan is made"),
            "after": N_("Once, %(num)s days after the day the plan is made"),
            "before": N_("Once, %(num)s days before the day the plan is made"),
            "doses": N_("On each dose day, from the day the plan is made"),
            "weeks": N_("Every %(weeks)s weeks, from the day the plan is made"),
        }
    ),
    "agent_start": Said(
        {
            "by": N_("Once, by the first dose of the bone medicine"),
            "after": N_("Once, %(num)s days after the first dose of the bone medicine"),
            "before": N_("Once, %(num)s days before the first dose of the bone medicine"),
            "doses": N_("On each dose day, from the first dose of the bone medicine"),
            "weeks": N_("Every %(weeks)s weeks, from the first dose of the bone medicine"),
        }
    ),
    "next_dose": Said(
        {
            "by": N_("Once, by the next dose day"),
            "after": N_("Once, %(num)s days after the next dose day"),
            "before": N_("Once, %(num)s days before the next dose day"),
            "doses": N_("On each dose day, from the next dose day"),
            "weeks": N_("Every %(weeks)s weeks, from the next dose day"),
        }
    ),
    "dental_recall": Said(
        {
            "by": N_("Once, by the next dental check-up"),
            "after": N_("Once, %(num)s days after the next dental check-up"),
            "before": N_("Once, %(num)s days before the next dental check-up"),
            "doses": N_("On each dose day, from the next dental check-up"),
            "weeks": N_("Every %(weeks)s weeks, from the next dental check-up"),
        }
    ),
}


def public_text(text: str) -> str:
    """A catalog text with each placeholder shown as what it stands for, in the text's own
    language (a text still in English gets English words)."""
    return text.format_map(PUBLIC_WORDS.english() if is_marked(text) else PUBLIC_WORDS)


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
    return gettext("%(what)s: %(value)s.", what=label(field), value=value_words(field, value))


def _leaf(leaf: Leaf, catalog: Catalog) -> dict[str, Any]:
    field = leaf.field
    if leaf.op == "empty":
        return {"text": _said(field, "empty", catalog)}
    if leaf.op == "range":
        bounds = [
            gettext("at least %(num)s", num=f"{leaf.low:g}") if leaf.low is not None else "",
            gettext("at most %(num)s", num=f"{leaf.high:g}") if leaf.high is not None else "",
        ]
        said = gettext(" and ").join(b for b in bounds if b)
        return {"text": gettext("%(what)s: %(value)s.", what=label(field), value=said)}
    if leaf.op == "none_of":
        sites = ", ".join(value_words(field, v) for v in leaf.values)
        return {"text": gettext("No lesion in: %(sites)s.", sites=sites)}
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
        said = ANCHORED[schedule.anchor or "today"]
        if schedule.days == 0:
            return said["by"]
        if schedule.days > 0:
            return said["after"] % {"num": schedule.days}
        return said["before"] % {"num": -schedule.days}
    if schedule.kind == "daily":
        if schedule.times == "drinks":
            return gettext("Every day: the day's drinks")
        if schedule.times == 1:
            return gettext("Every day")
        return gettext("%(num)s times a day", num=schedule.times)
    if schedule.kind == "weekly":
        if schedule.times == 1:
            return gettext("Once a week")
        return gettext("%(num)s times a week", num=schedule.times)
    if schedule.kind == "every-n-weeks":
        said = ANCHORED[schedule.anchor or "today"]
        if schedule.weeks == "agent":
            return said["doses"]
        return said["weeks"] % {"weeks": schedule.weeks}
    return gettext("When needed")


def rules_for(movements: tuple[str, ...], catalog: Catalog) -> list[str]:
    """The ids of the movement rules that can rule out an exercise needing these movements."""
    wanted = set(movements)
    return [r.id for r in catalog.avoid_rules if wanted & set(r.avoid)]


def change_words(change: dict[str, Any]) -> str:
    """A column of the safety matrix (a change of the calm starting profile) in plain words,
    in the language being spoken: "Risk of a bone breaking: high; Bone metastases: pelvis"."""
    if not change:
        return gettext("Baseline: no restricting fact")
    parts = []
    for field, value in change.items():
        if value is None:
            said = str(VALUE_WORDS["unknown"])
        elif field == "lesion_sites":
            said = ", ".join(value_words(field, s) for s in value) or gettext("not known yet")
        else:
            said = value_words(field, value)
        parts.append(f"{label(field)}: {said}")
    return "; ".join(parts)
