"""The plan as readable text, grouped by domain (`planner plan --format text`)."""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import Any

from planner.i18n import N_, Said, day_words, gettext, ngettext
from planner.plans.context import readable
from planner.plans.domains import LABELS


def by_domain(items: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Plan items grouped by domain, in the domains' order, as (label, items); empty ones left
    out."""
    groups = [
        (label, [i for i in items if i["domain"] == domain]) for domain, label in LABELS.items()
    ]
    return [(label, found) for label, found in groups if found]


def describe_schedule(schedule: dict[str, Any]) -> str:
    """A schedule in plain words with readable dates ("every 4 weeks from 19 December 2026")."""
    kind = schedule["kind"]
    if kind == "once":
        due = schedule.get("due")
        if not due:
            return gettext("once")
        return gettext("once, by %(day)s", day=readable(dt.date.fromisoformat(due)))
    if kind == "daily":
        n = schedule["times_per_day"]
        return gettext("every day") if n == 1 else gettext("%(num)s times a day", num=n)
    if kind == "weekly":
        n = schedule["times_per_week"]
        return gettext("once a week") if n == 1 else gettext("%(num)s times a week", num=n)
    if kind == "every-n-weeks":
        start = schedule.get("from")
        if start:
            return gettext(
                "every %(weeks)s weeks from %(day)s",
                weeks=schedule["weeks"],
                day=readable(dt.date.fromisoformat(start)),
            )
        return gettext(
            "every %(weeks)s weeks (your care team will give you the date)",
            weeks=schedule["weeks"],
        )
    return gettext("when needed")


def describe_dose(prescription: dict[str, Any] | None) -> str:
    """A physiotherapist's prescription in plain words ("2 sets of 10, hold each for 5 seconds,
    3 sessions a week"); empty when there is none. The note is shown on its own, not here."""
    if not prescription:
        return ""
    sets, reps = prescription.get("sets"), prescription.get("reps")
    hold, sessions = prescription.get("hold_seconds"), prescription.get("sessions_per_week")
    parts = []
    if sets and reps:
        parts.append(
            ngettext("%(num)s set of %(reps)s", "%(num)s sets of %(reps)s", sets, reps=reps)
        )
    elif reps:
        parts.append(ngettext("%(num)s time", "%(num)s times", reps))
    elif sets:
        parts.append(ngettext("%(num)s set", "%(num)s sets", sets))
    if hold:
        parts.append(
            ngettext("hold each for %(num)s second", "hold each for %(num)s seconds", hold)
        )
    if sessions:
        parts.append(ngettext("once a week", "%(num)s sessions a week", sessions))
    return ", ".join(parts)


# Who an item is for and its room, as the text printout says them.
AUDIENCE_FOR = Said(
    {
        "patient": N_("for the patient"),
        "caregiver": N_("for the caregiver"),
        "physio": N_("for the physio"),
        "household": N_("for the household"),
    }
)
ROOM_WORDS = Said(
    {
        "entrance": N_("entrance"),
        "floors": N_("floors"),
        "stairs": N_("stairs"),
        "kitchen": N_("kitchen"),
        "bathroom": N_("bathroom"),
        "bedroom": N_("bedroom"),
        "other": N_("other"),
    }
)


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, width=96, initial_indent=indent, subsequent_indent=indent)


def _item_lines(items: list[dict[str, Any]]) -> list[str]:
    """A domain's items; a sentence about the profile ("You use a walking frame.") that an
    earlier item of the same domain already gave is not repeated (issue 12: said once)."""
    lines = []
    said: set[str] = set()
    for item in items:
        where = f"; {ROOM_WORDS.get(item['room'], item['room'])}" if item.get("room") else ""
        mark = "(!)" if item.get("emphasis") else "[ ]"
        whom = AUDIENCE_FOR.get(item["audience"], item["audience"])
        lines.append(
            f"  {mark} {item['title']} ({describe_schedule(item['schedule'])}; {whom}{where})"
        )
        dose = describe_dose(item.get("prescription"))
        if dose:
            lines.append(
                _wrap(gettext("Your physiotherapist's dose: %(dose)s.", dose=dose), "      ")
            )
        lines.append(_wrap(item["detail"], "      "))
        own, facts = item["why"][0], [w for w in item["why"][1:] if w not in said]
        said.update(facts)
        lines.append(_wrap(gettext("Why:") + " " + " ".join([own, *facts]), "      "))
    return lines


# Where the care team's emergency number goes; the caller passes it once it is on record.
EMERGENCY_BLANK = N_("________________ (ask your cancer team for it and write it here)")


def render_text(plan: dict[str, Any], emergency_number: str | None = None) -> str:
    """The whole plan as text: the red flags and the team's emergency number first, then the
    warnings, each other domain, and what was left out."""
    lines = [
        gettext(
            "Your plan for %(day)s",
            day=day_words(dt.date.fromisoformat(plan["generated_on"]), year=True),
        ),
        "",
        gettext(
            "YOUR CANCER TEAM'S EMERGENCY NUMBER: %(number)s",
            number=emergency_number or gettext(EMERGENCY_BLANK),
        ),
        "",
    ]
    flags = [i for i in plan["items"] if i["domain"] == "red-flags"]
    if flags:
        lines.append(LABELS["red-flags"].upper())
        lines.extend(_item_lines(flags))
        lines.append("")
    if plan["warnings"]:
        lines.append(gettext("ACT NOW"))
        lines.extend(_wrap(f"! {w}", "  ") for w in plan["warnings"])
        lines.append("")
    for domain, label in LABELS.items():
        items = [i for i in plan["items"] if i["domain"] == domain]
        if not items or domain == "red-flags":
            continue
        lines.append(label.upper())
        about = plan.get("about", {}).get(domain)
        if about:
            lines.append(_wrap(gettext("Why this matters:") + " " + about["text"], "  "))
        lines.extend(_item_lines(items))
        lines.append("")
    if any(i.get("emphasis") for i in plan["items"]):
        lines.append(gettext("(!) marks what matters most for you."))
        lines.append("")
    if plan.get("avoid_in_daily_life"):
        lines.append(gettext("MOVEMENTS TO AVOID IN DAILY LIFE"))
        for rule in plan["avoid_in_daily_life"]:
            listed = ", ".join(rule["movements"])
            avoid = gettext("Avoid %(list)s.", list=listed) + " " if rule["movements"] else ""
            kept = [i["title"] for i in plan["items"] if i["id"] in rule.get("allowed", [])]
            if kept:
                said = gettext(
                    "Except what your physiotherapist allowed: %(list)s.", list="; ".join(kept)
                )
                avoid += said + " "
            lines.append(_wrap("- " + avoid + rule["advice"], "  "))
        lines.append("")
    if plan["excluded"]:
        lines.append(gettext("LEFT OUT, AND WHY"))
        lines.extend(_wrap(f"- {e['title']}: {e['reason']}", "  ") for e in plan["excluded"])
        lines.append("")
    return "\n".join(lines)
