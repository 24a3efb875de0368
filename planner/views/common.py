"""Helpers the household pages share: who may see them, the catalog, the day's ticks."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, session
from flask_htmx import make_response
from markupsafe import escape

from planner import clock, recurrence
from planner.db import get_db
from planner.printout import describe_dose, describe_schedule
from planner.security import membership
from planner.store import plans, ticks

ROLES = ("patient", "caregiver", "physio")
EDITORS = ("patient", "caregiver", "physio")  # physio-only editing comes in a later issue
CURRENT = "household_id"  # session key: the household last opened (red flags emphasis)


def enter(household_id: int, roles: tuple[str, ...] | None = None) -> dict:
    """Check the signed-in user belongs to the household (404/403) and remember it as current."""
    member = membership(household_id, roles)
    if session.get(CURRENT) != household_id:
        session[CURRENT] = household_id
    return member


def add_filters(bp: Blueprint) -> None:
    """Template filters for dates and schedules in plain words (shared by the pages here)."""
    bp.add_app_template_filter(clock.day_words, "day")
    bp.add_app_template_filter(lambda d: clock.day_words(d, weekday=False), "short_day")
    bp.add_app_template_filter(lambda s: clock.local(s).strftime("%H:%M"), "clock_time")
    bp.add_app_template_filter(lambda s: clock.day_words(clock.local(s).date(), year=True),
                               "clock_date")
    bp.add_app_template_filter(lambda s: clock.day_words(clock.local(s).date(), weekday=False),
                               "clock_day")
    bp.add_app_template_filter(describe_schedule, "schedule_words")
    bp.add_app_template_filter(describe_dose, "dose_words")
    bp.add_app_template_filter(clock.parse_day, "as_date")


def catalog():
    return current_app.extensions["planner_catalog"]


def day_view(household_id: int) -> recurrence.DayView | None:
    """Today's tasks of the household, or None if it has no plan yet."""
    db = get_db()
    items = plans.tasks(db, household_id)
    if not items:
        return None
    day = clock.today()
    rows = ticks.states(db, household_id, recurrence.occurrences_for(day))
    return recurrence.day_view(items, day, recurrence.index_ticks(rows))


def done_for(item: dict, state: str) -> int | None:
    """Whom a tick is for: the patient, when someone else marks a patient's task."""
    if state == "open" or item.get("audience") != "patient" or g.member["role"] == "patient":
        return None
    patient = ticks.patient_of(get_db(), g.member["household_id"])
    return patient["user_id"] if patient else None


def tick_error(message: str, htmx: bool):
    """A refused tap: 422, nothing stored. With htmx the message goes to the page's alert
    region (#tick-error) instead of replacing the task's row."""
    if htmx:
        html = f'<p class="field-error">{escape(message)}</p>'
        return make_response(html, 422, retarget="#tick-error", reswap="innerHTML")
    abort(422, message)
