"""What the engine works out from a profile and today's date before choosing items.

Derived facts (agent status and route, days to the first dose, a recent dental exam, the Stay
Independent points the profile answers), the dates that schedules hang on, the hydration amounts
capped by a clinician's fluid limit, and the words that fill placeholders in item texts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from planner import i18n
from planner.i18n import N_
from planner.plans.catalog import Catalog
from planner.plans.conditions import evaluate
from planner.plans.profile import date_of, field_values

UNKNOWN_WORDS = N_("not known yet")


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
    # The English words, for a text a language's catalog still says in English (its
    # translation missing or stale: planner/plans/translations.py), so no sentence is mixed.
    english_words: dict[str, str] | None = None


def readable(day: dt.date, lang: str = "") -> str:
    """A date as people write it ("13 December 2026"), in the current language or `lang`,
    independent of the machine's locale."""
    return i18n.day_words(day, weekday=False, year=True, lang=lang)


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
    lang = getattr(catalog, "language", i18n.SOURCE)
    english = getattr(catalog, "source", None) or catalog
    dates = {"start": start, "next_dose": anchors["next_dose"], "last_exam": last_exam}

    def words_in(lang: str, agent_name: str | None) -> dict[str, str]:
        def say(message: str) -> str:
            return i18n.translate(lang, message)

        unknown = say(UNKNOWN_WORDS)
        return {
            # A name is never marked as English inside another language's sentence.
            "agent": i18n.unmarked(agent_name) if agent_name else say(N_("your bone medicine")),
            **{k: readable(d, lang) if d else unknown for k, d in dates.items()},
            "days_to_start": str(days_to_start) if days_to_start is not None else unknown,
            "weeks_to_start": str(days_to_start // 7) if days_to_start is not None else unknown,
            "how_often": say(N_("every %(weeks)s weeks")) % {"weeks": interval}
            if interval
            else say(N_("on the days your team sets")),
            "stopped": say(N_("on %(date)s")) % {"date": readable(stopped, lang)}
            if stopped
            else say(N_("at a date not on record")),
            "limit_ml": str(limit) if isinstance(limit, int) else say(N_("no limit set")),
            "target_ml": str(target),
            "drinks": str(drinks),
            "drink_ml": str(size),
        }

    source_agent = english.agents.get(profile.get("bone_agent", "")) if agent else None
    words = words_in(lang, agent.name if agent else None)
    english_words = (
        words_in(i18n.SOURCE, source_agent.name if source_agent else None)
        if lang != i18n.SOURCE
        else None
    )
    return Context(today, values, anchors, words, interval, target, drinks, size, english_words)


def fill(text: str, ctx: Context, value: Any = None) -> str:
    """Fill a catalog text's placeholders ({value} is the fact's own value, for facts.yaml).
    A text still in English (marked: planner/i18n.py) is filled with the English words."""
    words = ctx.words
    if ctx.english_words is not None and text.startswith(i18n.EN_OPEN):
        words = ctx.english_words
    if value is not None:
        words = {**words, "value": str(value)}
    return text.format_map(words)
