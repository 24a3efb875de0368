"""What the engine works out from a profile and today's date before choosing items.

Derived facts (agent status and route, days to the first dose, a recent dental exam, the Stay
Independent points the profile answers), the dates that schedules hang on, the hydration amounts
capped by a clinician's fluid limit, and the words that fill placeholders in item texts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from planner.clock import day_words
from planner.plans.catalog import Catalog
from planner.plans.conditions import evaluate
from planner.plans.profile import date_of, field_values

UNKNOWN_WORDS = "not known yet"


@dataclass(frozen=True)
class Context:
    today: dt.date
    values: dict[str, Any]  # condition fields, profile and derived
    anchors: dict[str, dt.date | None]
    words: dict[str, str]  # placeholder -> text
    interval_weeks: int | None  # from the profile; None: not known, no dose date is invented
    target_ml: int
    drinks: int
    drink_ml: int


def readable(day: dt.date) -> str:
    """A date as people write it ("13 December 2026"), independent of the machine's locale."""
    return day_words(day, weekday=False, year=True)


def _agent_status(profile: dict[str, Any]) -> str:
    agent = profile.get("bone_agent")
    if agent is None:
        return "unknown"
    if agent in ("none", "undecided"):
        return agent
    # Not said whether it started: read as not yet given, even when the date has come, so that
    # the checks before a first dose are never dropped on a guess.
    return "started" if profile.get("bone_agent_started") is True else "planned"


INTERVALS = {"4-weekly": 4, "12-weekly": 12}


def _next_dose(start: dt.date | None, weeks: int | None, today: dt.date) -> dt.date | None:
    """The first dose day on or after today, stepping from the first dose by the interval."""
    if start is None or weeks is None:
        return None
    if start >= today:
        return start
    step = dt.timedelta(weeks=weeks)
    periods = -(-(today - start).days // step.days)  # ceiling division
    return start + periods * step


def _hydration(catalog: Catalog, limit: Any) -> tuple[int, int, int]:
    """The day's drinks (target ml, number, size), capped by a clinician's limit."""
    target = catalog.targets.get("drinks_ml") or 0
    drinks = catalog.targets.get("drinks_per_day") or 1
    size = target // drinks if drinks else 0
    if isinstance(limit, int) and not isinstance(limit, bool) and limit < target:
        # Keep each drink the same size and have fewer of them, so no amount exceeds the limit.
        drinks = max(1, min(drinks, limit // size)) if size else 1
        target = limit
        size = (limit // drinks) // 10 * 10 or limit // drinks
    return target, drinks, size


def _screen_points(catalog: Catalog, values: dict[str, Any]) -> int:
    return sum(
        q.points
        for q in catalog.fall_screen
        if q.answered_by is not None and evaluate(q.answered_by, values)[0]
    )


def build_context(profile: dict[str, Any], catalog: Catalog, today: dt.date) -> Context:
    """Derive every fact, date and word the catalog may refer to, for one profile and day."""
    values = field_values(profile)
    start = date_of(profile, "bone_agent_start")
    last_exam = date_of(profile, "last_dental_exam")
    stopped = date_of(profile, "bone_agent_stopped")
    agent = catalog.agents.get(profile.get("bone_agent", ""))
    status = _agent_status(profile)
    route = (
        agent.route
        if agent and status in ("planned", "started")
        else ("none" if status == "none" else "unknown")
    )
    interval = INTERVALS.get(profile.get("bone_agent_interval", "")) if agent else None
    values["agent_status"] = status
    values["agent_route"] = route
    days_to_start = (start - today).days if status == "planned" and start else None
    values["days_to_start"] = "unknown" if days_to_start is None else days_to_start
    recent = catalog.settings["dental_recent_days"]
    # Before a first dose, an exam counts only if it will still be recent on the day of that dose
    # (MASCC/ISOO/ASCO: assessment before the first dose); otherwise it is judged today.
    judged_on = start if status == "planned" and start and start > today else today
    values["dental_exam_recent"] = bool(
        last_exam and last_exam <= today and (judged_on - last_exam).days <= recent
    )
    values["fluid_caution"] = any(
        values[name] is True for name in ("kidney_problems", "heart_failure", "dialysis")
    )
    values["fall_screen_points"] = _screen_points(catalog, values)

    recall = (
        last_exam + dt.timedelta(weeks=catalog.settings["dental_recall_weeks"])
        if last_exam
        else None
    )
    anchors = {
        "today": today,
        "agent_start": start,
        # A planned first dose whose date has passed was not given: the next date is unknown.
        "next_dose": _next_dose(start, interval, today)
        if status == "started" or (status == "planned" and start and start >= today)
        else None,
        "dental_recall": recall,
    }
    target, drinks, size = _hydration(catalog, values["fluid_restriction_ml"])
    limit = values["fluid_restriction_ml"]
    words = {
        "agent": agent.name if agent else "your bone medicine",
        "start": readable(start) if start else UNKNOWN_WORDS,
        "days_to_start": str(days_to_start) if days_to_start is not None else UNKNOWN_WORDS,
        "weeks_to_start": str(days_to_start // 7) if days_to_start is not None else UNKNOWN_WORDS,
        "next_dose": readable(anchors["next_dose"]) if anchors["next_dose"] else UNKNOWN_WORDS,
        "how_often": f"every {interval} weeks" if interval else "on the days your team sets",
        "stopped": f"on {readable(stopped)}" if stopped else "at a date not on record",
        "last_exam": readable(last_exam) if last_exam else UNKNOWN_WORDS,
        "limit_ml": str(limit) if isinstance(limit, int) else "no limit set",
        "target_ml": str(target),
        "drinks": str(drinks),
        "drink_ml": str(size),
    }
    return Context(today, values, anchors, words, interval, target, drinks, size)


def fill(text: str, ctx: Context, value: Any = None) -> str:
    """Fill a catalog text's placeholders ({value} is the fact's own value, for facts.yaml)."""
    words = ctx.words if value is None else {**ctx.words, "value": str(value)}
    return text.format_map(words)
