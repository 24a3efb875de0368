"""Choosing a new password through a link mailed to the account's address.

The request page answers the same whether or not an account has that email (no account
enumeration), and is limited per address (throttle) so that it cannot flood someone's inbox.
Without mail set up, the page says how to get help instead.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, url_for

from planner.i18n import gettext
from planner.store import accounts, activity, own_account, resets, throttle
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.security import link_page, sign_in
from planner.web.views import mails
from planner.web.views.auth import MAX_EMAIL, email_error, password_error
from planner.web.views.common import now

bp = Blueprint("reset", __name__)


@bp.route("/reset", methods=("GET", "POST"))
def ask():
    """Ask for a reset link by email."""
    context = {
        "mail": mails.enabled(),
        "help": current_app.config.get("HELP_CONTACT"),
        "form": {},
        "errors": {},
        "sent": False,
    }
    if request.method == "GET" or not context["mail"]:
        return render("auth/reset_ask.html", **context)
    email = request.form.get("email", "").strip()[:MAX_EMAIL]
    problem = email_error(email)
    if problem:
        return render(
            "auth/reset_ask.html",
            status=422,
            **context | {"form": request.form, "errors": {"email": problem}},
        )
    db = get_db()
    if not throttle.allow(
        db, "reset", request.remote_addr, current_app.config["RESET_LIMIT"], at=now()
    ):
        return render(
            "auth/reset_ask.html",
            status=429,
            **context
            | {
                "form": request.form,
                "errors": {
                    "form": gettext(
                        "Many reset links have been asked for from this network in the last "
                        "hour. Please wait an hour, then try again."
                    )
                },
            },
        )
    user = accounts.user_by_email(db, email)
    if user is not None:
        mails.send_reset(user)
        activity.record_for_user(db, user["id"], "password_reset_asked", at=now())
    return render("auth/reset_ask.html", **context | {"sent": True, "form": {"email": email}})


@bp.route("/reset/<token>", methods=("GET", "POST"))
@link_page
def choose(token: str):
    """The mailed link: choose a new password. It signs the person in, and every other
    session of theirs ends."""
    db = get_db()
    if resets.user_for(db, token, at=now()) is None:
        return render("auth/reset_choose.html", status=410, valid=False, errors={})
    if request.method == "GET":
        return render("auth/reset_choose.html", valid=True, errors={})
    password = request.form.get("password", "")
    problem = password_error(password)
    if problem:
        return render(
            "auth/reset_choose.html", status=422, valid=True, errors={"password": problem}
        )
    user_id = resets.use(db, token, at=now())
    if user_id is None:  # spent meanwhile (a second tab): once only
        return render("auth/reset_choose.html", status=410, valid=False, errors={})
    own_account.set_password(db, user_id, password, keep_session=None)
    sign_in(user_id)
    flash(
        gettext(
            "Your new password is set, and you are signed in. Any other browser signed in to "
            "your account has been signed out."
        )
    )
    return redirect(url_for("households.index"), code=303)
