"""A person's own account: name, email, password, where they are signed in, their data, and
deleting the account (or, for the patient, a household)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, flash, g, redirect, request, session, url_for

from planner import i18n
from planner.i18n import gettext, ngettext
from planner.store import accounts, activity, backup, own_account, sessions
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.i18n import speak
from planner.web.security import login_required, sign_out
from planner.web.views.auth import MAX_EMAIL, MAX_NAME, email_error, password_error
from planner.web.views.common import household_view, now

bp = Blueprint("account", __name__)


def _page(errors: dict | None = None, form: dict | None = None, status: int = 200):
    db = get_db()
    return render(
        "account/settings.html",
        status=status,
        errors=errors or {},
        form=form or {},
        signed_in=sessions.count(db, g.user["id"]),
        patient_of=[h for h in accounts.households_for(db, g.user["id"]) if h["role"] == "patient"],
    )


def _password_ok(field: str, errors: dict) -> bool:
    if not own_account.password_matches(get_db(), g.user["id"], request.form.get(field, "")):
        errors[field] = gettext("That is not your current password.")
    return not errors


@bp.get("/account")
@login_required
def settings():
    """Everything a person can change about their own account, on one page."""
    return _page()


@bp.post("/account/name")
@login_required
def change_name():
    name = request.form.get("name", "").strip()
    if not name or len(name) > MAX_NAME:
        return _page(
            {"name": gettext("Enter your name, at most %(num)s characters.", num=MAX_NAME)},
            request.form,
            422,
        )
    own_account.set_name(get_db(), g.user["id"], name)
    flash(gettext("Your name is changed."))
    return redirect(url_for("account.settings"), code=303)


@bp.post("/account/language")
@login_required
def change_language():
    """The language this person reads the planner in: every page, their plan, their emails and
    the printouts and links they make."""
    language = request.form.get("language", "")
    if i18n.offered(language) != language:
        return _page(
            {"language": gettext("Choose one of the languages in the list.")}, request.form, 422
        )
    own_account.set_language(get_db(), g.user["id"], language)
    speak(language)  # the message below is in the language just chosen
    flash(gettext("From now on the planner speaks to you in this language."))
    return redirect(url_for("account.settings"), code=303)


@bp.post("/account/email")
@login_required
def change_email():
    email = request.form.get("email", "").strip()
    errors = {}
    problem = email_error(email)
    if problem:
        errors["email"] = problem
    if not _password_ok("email_password", errors):
        return _page(errors, request.form, 422)
    try:
        own_account.set_email(get_db(), g.user["id"], email[:MAX_EMAIL])
    except accounts.EmailTaken:
        # Said plainly: this person has just proved who they are with their password.
        return _page({"email": gettext("Another account uses this email.")}, request.form, 422)
    flash(gettext("Your email is changed. Sign in with it from now on."))
    return redirect(url_for("account.settings"), code=303)


@bp.post("/account/password")
@login_required
def change_password():
    errors = {}
    new = request.form.get("new_password", "")
    problem = password_error(new)
    if problem:
        errors["new_password"] = problem
    if not _password_ok("current_password", errors):
        return _page(errors, {}, 422)
    ended = own_account.set_password(get_db(), g.user["id"], new, keep_session=session["sid"])
    activity.record_for_user(get_db(), g.user["id"], "password_changed", at=now())
    flash(
        ngettext(
            "Your password is changed. You were signed out on %(num)s other browser.",
            "Your password is changed. You were signed out on %(num)s other browsers.",
            ended,
        )
        if ended
        else gettext("Your password is changed.")
    )
    return redirect(url_for("account.settings"), code=303)


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every session of this person, this one too: for a lost phone or a shared computer."""
    sessions.end_all(get_db(), g.user["id"])
    activity.record_for_user(get_db(), g.user["id"], "signed_out_everywhere", at=now())
    sign_out()
    flash(gettext("You are signed out everywhere, here too. Sign in again to go on."))
    return redirect(url_for("auth.login"), code=303)


@bp.get("/account/data")
@login_required
def download():
    """Everything the planner holds about this person, as JSON: the account and, for each of
    their households, the same export as `planner export`."""
    db = get_db()
    path = current_app.config["DATABASE"]
    data = {
        "format": "planner-account-export",
        "account": {k: g.user[k] for k in ("id", "name", "email", "created_at")},
        "households": [
            backup.export(path, h["id"]) for h in accounts.households_for(db, g.user["id"])
        ],
    }
    activity.record_for_user(db, g.user["id"], "account_data_downloaded", at=now())
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n",
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="planner-my-data.json"'},
    )


@bp.route("/account/delete", methods=("GET", "POST"))
@login_required
def delete():
    """Delete the account, after the password; refused (with what to do) while the person is
    the patient of a household or the last one who manages one."""
    db = get_db()
    blocking = own_account.households_to_decide(db, g.user["id"])
    errors = {}
    if request.method == "POST" and _password_ok("password", errors) and not blocking:
        own_account.delete_user(db, g.user["id"], at=now())
        session.clear()
        flash(
            gettext(
                "Your account is deleted. Your name, email and password are gone; what you "
                "ticked stays in the households' history as done by a former member."
            )
        )
        return redirect(url_for("households.index"), code=303)
    return render(
        "account/delete.html", status=422 if errors else 200, errors=errors, blocking=blocking
    )


@bp.route("/h/<int:household_id>/delete", methods=("GET", "POST"))
@household_view(roles=("patient",))
def delete_household(household_id: int):
    """The patient deletes the household and all its data, after typing its name."""
    errors = {}
    if request.method == "POST":
        if request.form.get("confirm_name", "").strip() != g.household["name"]:
            errors["confirm_name"] = gettext(
                "Type the household’s name, %(name)s, exactly as shown, to delete it.",
                name=g.household["name"],
            )
        else:
            name = g.household["name"]
            # Its activity log goes with it (every table with a household_id is emptied).
            accounts.delete_household(get_db(), household_id)
            session.pop("household_id", None)
            flash(gettext("%(name)s is deleted, with its plan, history and links.", name=name))
            return redirect(url_for("households.index"), code=303)
    return render("account/delete_household.html", status=422 if errors else 200, errors=errors)
