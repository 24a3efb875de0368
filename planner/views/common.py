"""Helpers the household pages share: who may see them, the catalog, the day's ticks."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from flask import Blueprint, abort, current_app, g, session
from flask_htmx import make_response
from markupsafe import escape

from planner import clock, permissions, recurrence
from planner.db import get_db
from planner.engine import build_plan
from planner.plan_diff import keep_earlier_deadlines
from planner.printout import describe_dose, describe_schedule
from planner.security import login_required, membership
from planner.store import accounts, plans, ticks
from planner.tailoring import apply_tailoring

ROLES = ("patient", "caregiver", "physio")
PHYSIO = ("physio",)  # the role that tailors and decides (who may do what: planner/permissions.py)
CURRENT = "household_id"  # session key: the household last opened (red flags emphasis)


def enter(household_id: int, roles: tuple[str, ...] | None = None,
          action: str | None = None) -> dict:
    """Check the signed-in user belongs to the household (404/403), may do `action` there
    (403; planner/permissions.py), and remember it as current. Sets g.standing."""
    member = membership(household_id, roles)
    g.standing, g.roles_present = accounts.standing_of(get_db(), household_id, g.user["id"])
    if action is not None and not can(action):
        abort(403, "Your role in this household cannot do this.")
    if session.get(CURRENT) != household_id:
        session[CURRENT] = household_id
    return member


def can(action: str) -> bool:
    """Whether the signed-in member may do `action` in the household being shown (the one
    table of planner/permissions.py). Templates call it too."""
    standing = g.get("standing")
    return bool(standing) and permissions.allowed(action, standing)


def household_view(roles: tuple[str, ...] | None = None, action: str | None = None
                   ) -> Callable:
    """A page of one household (`household_id` in its URL): anonymous visitors go to sign in,
    outsiders get 404, members in other roles, or who may not do `action`
    (planner/permissions.py), 403 (`roles`: who may use it; None: every member);
    g.household, g.member and g.standing are set before the view runs."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            enter(kwargs["household_id"], roles, action)
            return view(*args, **kwargs)

        return login_required(wrapped)

    return decorate


def app_clock() -> clock.Clock:
    """The app's clock: pinned to the TODAY setting if there is one (tests, demos)."""
    return clock.pinned(current_app.config.get("TODAY"))


def here() -> dt.tzinfo:
    """The time zone of the household being shown, else the app's TIMEZONE setting."""
    household = g.get("household")
    return clock.zone(household["timezone"] if household else current_app.config["TIMEZONE"])


def today() -> dt.date:
    """The day it is for the household being shown."""
    return app_clock().today(here())


def now() -> dt.datetime:
    """This moment, for the household being shown (what store writes take as `at`)."""
    return app_clock().now(here())


def local(stamp: str) -> dt.datetime:
    """A stored time as the household's wall-clock time."""
    return clock.local(stamp, here())


def add_filters(bp: Blueprint) -> None:
    """Template filters for dates and schedules in plain words (shared by the pages here)."""
    bp.add_app_template_filter(clock.day_words, "day")
    bp.add_app_template_filter(lambda d: clock.day_words(d, weekday=False), "short_day")
    bp.add_app_template_filter(lambda s: local(s).strftime("%H:%M"), "clock_time")
    bp.add_app_template_filter(lambda s: clock.day_words(local(s).date(), year=True),
                               "clock_date")
    bp.add_app_template_filter(lambda s: clock.day_words(local(s).date(), weekday=False),
                               "clock_day")
    bp.add_app_template_filter(describe_schedule, "schedule_words")
    bp.add_app_template_filter(describe_dose, "dose_words")
    bp.add_app_template_filter(clock.parse_day, "as_date")
    bp.add_app_template_global(can, "can")


def catalog():
    return current_app.extensions["planner_catalog"]


def next_plan(household_id: int, profile: dict, tailoring: dict | None = None
              ) -> tuple[dict, dict | None, dict | None]:
    """The plan the household gets from `profile` today: the engine's plan with the
    physiotherapist's tailoring applied (`tailoring`, else the one the current plan was made
    with), keeping deadlines already set. Every path that makes a household's plan uses this.
    Returns (plan, current plan version or None, the tailoring applied)."""
    current = plans.current_plan(get_db(), household_id)
    if tailoring is None and current:
        tailoring = current["tailoring"]
    day = today()
    plan = apply_tailoring(build_plan(profile, catalog(), day), tailoring, profile, catalog(),
                           day)
    return keep_earlier_deadlines(current["plan"] if current else None, plan), current, tailoring


def needs_physio(household_id: int) -> bool:
    """Whether this member's changes that make the plan less careful wait for the
    physiotherapist (planner/caution.py): the household has one, and the member is not one."""
    if permissions.allowed("decide_clinical", g.standing):
        return False
    return any(m["role"] in PHYSIO for m in accounts.members(get_db(), household_id))


def physio_names(household_id: int) -> str:
    """The household's physiotherapists by name ("Priya", "Priya or Sam")."""
    names = [m["name"] for m in accounts.members(get_db(), household_id) if m["role"] in PHYSIO]
    return " or ".join(names) or "the physiotherapist"


def day_view(household_id: int) -> recurrence.DayView | None:
    """Today's tasks of the household, or None if it has no plan yet."""
    db = get_db()
    items = plans.tasks(db, household_id)
    if not items:
        return None
    day = today()
    rows = ticks.states(db, household_id, recurrence.occurrences_for(day))
    return recurrence.day_view(items, day, recurrence.index_ticks(rows, here()))


def task_entry(household_id: int, item: dict) -> recurrence.Entry | None:
    """One task as Today shows it (what day_view(...).find gives), read for that task alone:
    the answer to a tap."""
    day = today()
    rows = ticks.states(get_db(), household_id, recurrence.occurrences_for(day), item["id"])
    return recurrence.find_entry(item, day, recurrence.index_ticks(rows, here()))


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
