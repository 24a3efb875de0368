"""Helpers the household pages share: who may see them, the catalog, the day's ticks."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from flask import abort, current_app, g, request, session
from flask_htmx import make_response
from markupsafe import escape

from planner import clock, permissions, planning
from planner.i18n import gettext
from planner.plans import recurrence
from planner.store import accounts, plans, ticks
from planner.web import said
from planner.web.db import get_db
from planner.web.security import QUEUE_HEADER, login_required

PHYSIO = ("physio",)  # the role that tailors and decides (who may do what: planner/permissions.py)
CURRENT = "household_id"  # session key: the household last opened (red flags emphasis)


def enter(
    household_id: int, roles: tuple[str, ...] | None = None, action: str | None = None
) -> dict:
    """Check the signed-in user belongs to the household (404/403), may do `action` there
    (403; planner/permissions.py), and remember it as current. Sets g.standing."""
    seat = accounts.seat(get_db(), household_id, g.user["id"])
    if seat is None or seat["member"] is None:  # 404, not 403: outsiders learn nothing
        abort(404)
    member = seat["member"]
    if roles is not None and member["role"] not in roles:
        abort(403, gettext("Your role in this household cannot do this."))
    g.household, g.member = seat["household"], member
    g.standing, g.roles_present = seat["standing"], seat["present"]
    if action is not None and not can(action):
        abort(403, gettext("Your role in this household cannot do this."))
    if request.method == "GET":  # a page opened, never a refused or failed form
        follow_content(household_id)
    if session.get(CURRENT) != household_id:
        session[CURRENT] = household_id
    return member


def follow_content(household_id: int) -> None:
    """Bring the household's plan to the advice this app runs, the first time one of its pages
    opens in this process (planning.update_content): at once, unless the household has a
    physiotherapist and the new plan would be less careful, which waits for them (advice.py).
    A new version moves the household's revision, so g.household is read again."""
    followed = current_app.extensions.setdefault("planner_followed", set())
    if household_id in followed:
        return
    followed.add(household_id)
    db = get_db()
    if not planning.behind(plans.current_content(db, household_id), catalog()):
        return
    outcome = planning.update_content(
        db,
        household_id,
        catalog(),
        today(),
        at=now(),
        less_careful_ok=not set(PHYSIO) & set(g.roles_present),
    )
    if outcome in ("updated", "same"):
        g.household = accounts.get_household(db, household_id)


def can(action: str) -> bool:
    """Whether the signed-in member may do `action` in the household being shown (the one
    table of planner/permissions.py). Templates call it too."""
    standing = g.get("standing")
    return bool(standing) and permissions.allowed(action, standing)


def household_view(roles: tuple[str, ...] | None = None, action: str | None = None) -> Callable:
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


def catalog():
    return current_app.extensions["planner_catalog"]


def proposal(household_id: int, profile: dict, tailoring: dict | None = None) -> planning.Proposal:
    """The plan the household would get from `profile` today (planning.propose)."""
    return planning.propose(get_db(), household_id, profile, catalog(), today(), tailoring)


def replan(
    household_id: int, profile: dict, tailoring: dict | None = None, publish_draft: bool = False
) -> int:
    """Make and store the household's plan for `profile`, by the signed-in member, now
    (planning.replan); return its version."""
    return planning.replan(
        get_db(),
        household_id,
        profile,
        catalog(),
        today(),
        g.user["id"],
        at=now(),
        tailoring=tailoring,
        publish_draft=publish_draft,
    )


def needs_physio(household_id: int) -> bool:
    """Whether this member's changes that make the plan less careful wait for the
    physiotherapist (planner/caution.py): the household has one, and the member is not one."""
    if permissions.allowed("decide_clinical", g.standing):
        return False
    return any(m["role"] in PHYSIO for m in accounts.members(get_db(), household_id))


def physio_names(household_id: int) -> str:
    """The household's physiotherapists by name ("Priya", "Priya or Sam")."""
    names = [m["name"] for m in accounts.members(get_db(), household_id) if m["role"] in PHYSIO]
    return gettext(" or ").join(names) or gettext("the physiotherapist")


def day_view(household_id: int) -> recurrence.DayView | None:
    """Today's tasks of the household, or None if it has no plan yet."""
    db = get_db()
    items = said.items(plans.tasks(db, household_id), household_id)  # in the reader's language
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
    item = said.item(item, household_id)
    return recurrence.find_entry(item, day, recurrence.index_ticks(rows, here()))


def done_for(item: dict, state: str) -> int | None:
    """Whom a tick is for: the patient, when someone else marks a patient's task."""
    if state == "open" or item.get("audience") != "patient" or g.member["role"] == "patient":
        return None
    patient = ticks.patient_of(get_db(), g.member["household_id"])
    return patient["user_id"] if patient else None


def tick_error(message: str, htmx: bool):
    """A refused tap: 422, nothing stored. With htmx the message goes to the page's alert
    region (#tick-error) instead of replacing the task's row; the phone's queue of taps gets
    the words alone (errors.py), to show beside the tap."""
    if htmx and not request.headers.get(QUEUE_HEADER):
        html = f'<p class="field-error">{escape(message)}</p>'
        return make_response(html, 422, retarget="#tick-error", reswap="innerHTML")
    abort(422, message)
