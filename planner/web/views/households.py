"""The start page, households, their members, and joining through an invite link.

Who may do what (planner/permissions.py): every member sees the people page, with every change
of who is in the household, and may leave; the patient, and the caregiver they name to help
manage the household, remove other people, but nobody removes the patient; the patient and
that caregiver read the activity log. Invite links are made on the Share page (share.py).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, request, url_for

from planner import clock, permissions
from planner.i18n import N_, gettext
from planner.reminders import settings as reminder_settings
from planner.store import accounts, activity, links
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.security import link_page, login_required
from planner.web.views import caseload
from planner.web.views.common import household_view, now
from planner.web.views.filters import ROLE_NAMES

bp = Blueprint("households", __name__)

MAX_NAME = 80
LOG_LIMIT = 200  # entries on the activity page
ZONE_ERROR = N_("Choose a time zone from the list, for example Europe/London.")


def _index_page(form=None, errors=None, status=200):
    if g.user is None:
        return render("households/landing.html")
    mine = accounts.households_for(get_db(), g.user["id"])
    return render(
        "households/index.html",
        status=status,
        households=mine,
        form=form or {},
        errors=errors or {},
        roles=ROLE_NAMES,
    )


@bp.get("/")
def index():
    """Anonymous: a short welcome. Signed in: their households and a form to add one; a
    physiotherapist: their caseload (?list=all: the plain list and the form)."""
    if g.user is not None and request.args.get("list") != "all" and caseload.wanted():
        return caseload.page()
    return _index_page()


@bp.post("/households")
@login_required
def create():
    """Create a household with the signed-in user in the role they chose."""
    name = request.form.get("name", "").strip()
    role = request.form.get("role", "")
    errors = {}
    if not name:
        errors["name"] = gettext("Give the household a name, for example “Maria’s home”.")
    elif len(name) > MAX_NAME:
        errors["name"] = gettext("Use at most %(num)s characters.", num=MAX_NAME)
    if role not in ROLE_NAMES:
        errors["role"] = gettext("Choose your role in this household.")
    timezone = request.form.get("timezone") or current_app.config["TIMEZONE"]
    if not clock.is_zone(timezone):
        errors["timezone"] = gettext(ZONE_ERROR)
    if errors:
        return _index_page(request.form, errors, 422)
    household = accounts.create_household(
        get_db(), name, g.user["id"], role, at=now(), timezone=timezone
    )
    flash(
        gettext(
            "%(name)s is ready. Next, answer a few questions to build the plan.",
            name=household["name"],
        )
    )
    return redirect(url_for("profile.show", household_id=household["id"]), code=303)


def _members_page(errors: dict | None = None, status: int = 200):
    db = get_db()
    people = accounts.members(db, g.household["id"])
    return render(
        "households/members.html",
        status=status,
        errors=errors or {},
        members=people,
        manager_id=g.household.get("manager_id"),
        removable={
            p["user_id"]
            for p in people
            if p["user_id"] != g.user["id"] and permissions.may_remove(p["role"], g.standing)
        },
        caregivers=[p for p in people if p["role"] == "caregiver"],
        changes=activity.entries(db, g.household["id"], activity.MEMBERSHIP, 20),
    )


@bp.get("/h/<int:household_id>/members")
@household_view()
def members(household_id: int):
    """The household's people and its time zone; inviting someone is on the Share page."""
    return _members_page()


@bp.post("/h/<int:household_id>/timezone")
@household_view(action="set_timezone")
def set_timezone(household_id: int):
    """Move the household to another time zone (patients and caregivers)."""
    timezone = request.form.get("timezone", "")
    if not clock.is_zone(timezone):
        return _members_page({"timezone": ZONE_ERROR}, 422)
    accounts.set_timezone(get_db(), household_id, timezone)
    flash(gettext("%(name)s now keeps %(zone)s time.", name=g.household["name"], zone=timezone))
    return redirect(url_for("households.members", household_id=household_id), code=303)


@bp.post("/h/<int:household_id>/members/<int:user_id>/remove")
@household_view()
def remove(household_id: int, user_id: int):
    """Remove someone (the patient, or the caregiver they named; never the patient), or leave
    (anyone). Their links stop working with their membership (store/links.py)."""
    leaving = user_id == g.user["id"]
    target = accounts.get_membership(get_db(), household_id, user_id)
    if not leaving and not permissions.may_remove(target["role"] if target else "", g.standing):
        abort(
            403,
            gettext("The patient stays in their own household; only they can leave it.")
            if target and target["role"] == "patient"
            else gettext("Your role in this household cannot do this."),
        )
    person = accounts.get_user(get_db(), user_id)
    try:
        accounts.remove_member(get_db(), household_id, user_id, by=g.user["id"], at=now())
    except accounts.NotMember:
        abort(404)
    except accounts.LastManager as exc:
        flash(gettext(str(exc)), "error")
        return redirect(url_for("households.members", household_id=household_id), code=303)
    if leaving:
        flash(gettext("You have left %(name)s.", name=g.household["name"]))
        return redirect(url_for("households.index"), code=303)
    flash(
        gettext(
            "%(person)s was removed from %(name)s.", person=person["name"], name=g.household["name"]
        )
    )
    return redirect(url_for("households.members", household_id=household_id), code=303)


@bp.post("/h/<int:household_id>/manager")
@household_view(action="name_manager")
def name_manager(household_id: int):
    """The patient names the caregiver who helps manage the household (or nobody)."""
    chosen = request.form.get("user_id", "")
    try:
        user_id = int(chosen) if chosen else None
        accounts.set_manager(get_db(), household_id, user_id, by=g.user["id"], at=now())
    except (ValueError, accounts.NotMember):
        return _members_page(
            {"manager": gettext("Choose one of the caregivers listed, or nobody.")}, 422
        )
    person = accounts.get_user(get_db(), user_id) if user_id else None
    flash(
        gettext(
            "%(person)s now helps you manage %(name)s.",
            person=person["name"],
            name=g.household["name"],
        )
        if person
        else gettext("Nobody else manages %(name)s now: only you.", name=g.household["name"])
    )
    return redirect(url_for("households.members", household_id=household_id), code=303)


@bp.get("/h/<int:household_id>/activity")
@household_view(action="read_activity")
def activity_log(household_id: int):
    """Everything that happened around the household's access and its clinical facts, newest
    first: for the patient and the caregiver they named."""
    return render(
        "households/activity.html",
        limit=LOG_LIMIT,
        entries=activity.entries(get_db(), household_id, limit=LOG_LIMIT),
    )


@bp.route("/join/<token>", methods=("GET", "POST"))
@link_page
def join(token: str):
    """An invite link: say what it is for; a signed-in person accepts it with one button."""
    db = get_db()
    try:
        invite = links.active_link(db, token, links.MEMBER, at=now())
        if request.method == "POST":
            if g.user is None:
                return redirect(url_for("auth.login", next=request.path), code=303)
            member = links.redeem_invite(db, token, g.user["id"], at=now())
            if request.form.get("daily_email") == "on":  # the one reminder asked for at joining
                reminder_settings.opt_in_digest(db, member["household_id"], g.user["id"], at=now())
            flash(gettext("Welcome to %(name)s.", name=invite["household_name"]))
            return redirect(url_for("today.show", household_id=member["household_id"]), code=303)
    except links.LinkInvalid as exc:
        return render(
            "households/join.html",
            status=410 if exc.reason != "unknown" else 404,
            problem=exc.reason,
            invite=None,
        )
    already = g.user and accounts.get_membership(db, invite["household_id"], g.user["id"])
    return render(
        "households/join.html", invite=invite, problem=None, already=already, next=request.path
    )
