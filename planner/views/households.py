"""The start page, households, their members and invite links.

Who may do what: every member sees the people page, makes invite links and cancels them, and
may leave; only patients and caregivers remove other people (accounts.MANAGERS).
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, g, redirect, request, session, url_for

from planner.context import readable
from planner.db import get_db
from planner.htmx import render
from planner.security import login_required, membership
from planner.store import accounts

bp = Blueprint("households", __name__)

ROLE_NAMES = {"patient": "Patient", "caregiver": "Caregiver", "physio": "Physiotherapist"}
EXPIRY_DAYS = {"1": "1 day", "7": "7 days", "30": "30 days"}
MAX_NAME = 80


@bp.app_template_filter("role_name")
def role_name(role: str) -> str:
    """A role as people say it."""
    return ROLE_NAMES.get(role, role)


@bp.app_template_filter("stamp_day")
def stamp_day(stamp: str | None) -> str:
    """A stored UTC time as the local date people read, e.g. "3 March 2026"."""
    return readable(dt.datetime.fromisoformat(stamp).astimezone().date()) if stamp else ""


def _index_page(form=None, errors=None, status=200):
    if g.user is None:
        return render("households/landing.html")
    mine = accounts.households_for(get_db(), g.user["id"])
    return render("households/index.html", status=status, households=mine,
                  form=form or {}, errors=errors or {}, roles=ROLE_NAMES)


@bp.get("/")
def index():
    """Anonymous: a short welcome. Signed in: their households and a form to add one."""
    return _index_page()


@bp.post("/households")
@login_required
def create():
    """Create a household with the signed-in user in the role they chose."""
    name = request.form.get("name", "").strip()
    role = request.form.get("role", "")
    errors = {}
    if not name:
        errors["name"] = "Give the household a name, for example “Maria’s home”."
    elif len(name) > MAX_NAME:
        errors["name"] = f"Use at most {MAX_NAME} characters."
    if role not in ROLE_NAMES:
        errors["role"] = "Choose your role in this household."
    if errors:
        return _index_page(request.form, errors, 422)
    household = accounts.create_household(get_db(), name, g.user["id"], role)
    flash(f"{household['name']} is ready. Next, answer a few questions to build the plan.")
    return redirect(url_for("profile.show", household_id=household["id"]), code=303)


def _members_page(household_id: int, form=None, errors=None, status=200):
    db = get_db()
    new_invite = session.pop("new_invite", None)
    if new_invite and new_invite.get("household_id") != household_id:
        new_invite = None
    return render("households/members.html", status=status,
                  members=accounts.members(db, household_id),
                  invites=accounts.invites(db, household_id), new_invite=new_invite,
                  can_remove=g.member["role"] in accounts.MANAGERS, roles=ROLE_NAMES,
                  expiry=EXPIRY_DAYS, form=form or {}, errors=errors or {})


@bp.get("/h/<int:household_id>/members")
@login_required
def members(household_id: int):
    """The household's people, its invite links, and a form to invite someone."""
    membership(household_id)
    return _members_page(household_id)


@bp.post("/h/<int:household_id>/invites")
@login_required
def invite(household_id: int):
    """Make a single-use invite link; it is shown once, on the page this redirects to."""
    membership(household_id)
    role, days = request.form.get("role", ""), request.form.get("expires", "")
    errors = {}
    if role not in ROLE_NAMES:
        errors["role"] = "Choose the role of the person you are inviting."
    if days not in EXPIRY_DAYS:
        errors["expires"] = "Choose how long the link works."
    if errors:
        return _members_page(household_id, request.form, errors, 422)
    expires = accounts.now() + dt.timedelta(days=int(days))
    token = accounts.create_invite(get_db(), household_id, role, g.user["id"], expires)
    # Kept in the (signed) session only until the next page shows it: the raw token is never
    # stored on the server.
    session["new_invite"] = {"household_id": household_id, "role": role, "days": days,
                             "url": url_for("households.join", token=token, _external=True)}
    return redirect(url_for("households.members", household_id=household_id), code=303)


@bp.post("/h/<int:household_id>/invites/<int:invite_id>/revoke")
@login_required
def revoke(household_id: int, invite_id: int):
    """Cancel an invite link that has not been used."""
    membership(household_id)
    if accounts.revoke_invite(get_db(), household_id, invite_id):
        flash("The invite link was cancelled. It no longer works.")
    else:
        flash("That link was already used, cancelled or never existed.", "error")
    return redirect(url_for("households.members", household_id=household_id), code=303)


@bp.post("/h/<int:household_id>/members/<int:user_id>/remove")
@login_required
def remove(household_id: int, user_id: int):
    """Remove someone (patients and caregivers), or leave (anyone)."""
    leaving = user_id == g.user["id"]
    membership(household_id, None if leaving else accounts.MANAGERS)
    person = accounts.get_user(get_db(), user_id)
    try:
        accounts.remove_member(get_db(), household_id, user_id)
    except accounts.NotMember:
        abort(404)
    except accounts.LastManager as exc:
        flash(str(exc), "error")
        return redirect(url_for("households.members", household_id=household_id), code=303)
    if leaving:
        flash(f"You have left {g.household['name']}.")
        return redirect(url_for("households.index"), code=303)
    flash(f"{person['name']} was removed from {g.household['name']}.")
    return redirect(url_for("households.members", household_id=household_id), code=303)


@bp.route("/join/<token>", methods=("GET", "POST"))
def join(token: str):
    """An invite link: say what it is for; a signed-in person accepts it with one button."""
    db = get_db()
    try:
        invite = accounts.invite_for_token(db, token)
        if invite["status"] != "active":
            raise accounts.InviteInvalid(invite["status"])
        if request.method == "POST":
            if g.user is None:
                return redirect(url_for("auth.login", next=request.path), code=303)
            member = accounts.redeem_invite(db, token, g.user["id"])
            flash(f"Welcome to {invite['household_name']}.")
            return redirect(url_for("today.show", household_id=member["household_id"]),
                            code=303)
    except accounts.InviteInvalid as exc:
        return render("households/join.html", status=410 if exc.reason != "unknown" else 404,
                      problem=str(exc), invite=None)
    already = g.user and accounts.get_membership(db, invite["household_id"], g.user["id"])
    return render("households/join.html", invite=invite, problem=None, already=already,
                  next=request.path)
