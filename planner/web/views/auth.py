"""Creating an account, signing in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, request, url_for

from planner import i18n
from planner.i18n import N_, gettext
from planner.store import accounts, activity, throttle
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.i18n import speak
from planner.web.security import sign_in, sign_out
from planner.web.views import mails
from planner.web.views.common import now

bp = Blueprint("auth", __name__)

MIN_PASSWORD = 8
MAX_PASSWORD = 1024
MAX_NAME = 80
MAX_EMAIL = 254
BLOCKED = {
    "account": N_(
        "There have been too many tries for this email. Please wait 15 minutes, then try again."
    ),
    "address": N_(
        "There have been too many wrong passwords from this network. Please wait 15 minutes, "
        "then try again."
    ),
}


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def password_accepted(user_id: int) -> None:
    """What a right password starts: the "signed in" entry in the activity of each of the
    person's households, and a new session. (The browser tests start the same without the
    form: tests/browser/helpers.py, sign_in_by_cookie.)"""
    activity.record_for_user(get_db(), user_id, "signed_in", at=now())
    sign_in(user_id)


def _start(user: dict, next_url: str | None, message: str | None = None):
    """Sign the user in on a fresh session (a new CSRF token too), then go on."""
    sign_in(user["id"])
    if message:
        flash(message)
    return redirect(next_url or url_for("households.index"), code=303)


def email_error(email: str) -> str | None:
    """What is wrong with an email address as typed, or None."""
    if not email or "@" not in email.strip("@") or len(email) > MAX_EMAIL or " " in email:
        return gettext("Enter an email address, like name@example.org.")
    return None


def password_error(password: str) -> str | None:
    """What is wrong with a new password, or None."""
    if len(password) < MIN_PASSWORD:
        return gettext("Use at least %(num)s characters.", num=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        return gettext("Use at most %(num)s characters.", num=MAX_PASSWORD)
    return None


def _signup_errors(form) -> dict[str, str]:
    errors = {}
    name = form.get("name", "").strip()
    if not name:
        errors["name"] = gettext("Enter your name, as the others in your household know you.")
    elif len(name) > MAX_NAME:
        errors["name"] = gettext("Use at most %(num)s characters.", num=MAX_NAME)
    language = form.get("language")
    if language is not None and i18n.offered(language) != language:
        errors["language"] = gettext("Choose one of the languages in the list.")
    for key, problem in (
        ("email", email_error(form.get("email", "").strip())),
        ("password", password_error(form.get("password", ""))),
    ):
        if problem:
            errors[key] = problem
    return errors


@bp.route("/signup", methods=("GET", "POST"))
def signup():
    """Create an account and sign in. Checked in order of cost: the form, then how many
    signups this address made lately (429), then whether the email is taken, and only then the
    costly password hash. A taken email gets a neutral answer, and its owner a mail."""
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render("auth/signup.html", form={}, errors={}, next=next_url)
    form = request.form
    errors = _signup_errors(form)
    if errors:
        return render("auth/signup.html", status=422, form=form, errors=errors, next=next_url)
    db = get_db()
    if not throttle.allow(
        db, "signup", request.remote_addr, current_app.config["SIGNUP_LIMIT"], at=now()
    ):
        return render(
            "auth/signup.html",
            status=429,
            form=form,
            next=next_url,
            errors={
                "form": gettext(
                    "Many accounts have been made from this network in the last hour. Please "
                    "wait an hour and try again, or ask someone who already has an account to "
                    "invite you."
                )
            },
        )
    try:
        user = accounts.create_user(
            db,
            form["email"],
            form["name"],
            form["password"],
            at=now(),
            language=form.get("language") or i18n.current(),
        )
    except accounts.EmailTaken:
        owner = accounts.user_by_email(db, form["email"])
        if owner is not None:
            mails.send_taken(owner)
        errors["email"] = gettext(
            "We could not create an account with that email. If you already have one, sign "
            "in, or choose a new password if you forgot it."
        )
        return render("auth/signup.html", status=422, form=form, errors=errors, next=next_url)
    speak(user["language"])  # the welcome is in the language just chosen
    welcome = gettext("Welcome, %(name)s. Your account is ready.", name=user["name"])
    return _start(user, next_url, welcome)


@bp.route("/login", methods=("GET", "POST"))
def login():
    """Sign in; the same message for an unknown email and a wrong password."""
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        if g.user is not None:
            return redirect(next_url or url_for("households.index"))
        return render("auth/login.html", form={}, errors={}, next=next_url)
    form = request.form
    email = form.get("email", "").strip()[:MAX_EMAIL]
    password = form.get("password", "")[:MAX_PASSWORD]
    errors = {}
    if not email:
        errors["email"] = gettext("Enter your email address.")
    if not password:
        errors["password"] = gettext("Enter your password.")
    if not errors:
        # The peer, or the client a trusted proxy names (planner serve --trusted-proxy).
        address = request.remote_addr
        try:
            user = accounts.authenticate(get_db(), email, password, address, at=now())
        except accounts.LoginPaused as paused:
            errors["form"] = gettext(BLOCKED[paused.reason])
            return render("auth/login.html", status=429, form=form, errors=errors, next=next_url)
        if user is not None:
            speak(user["language"] or i18n.current())  # a next page's message speaks theirs
            password_accepted(user["id"])
            return redirect(next_url or url_for("households.index"), code=303)
        errors["form"] = gettext("That email and password do not match. Please try again.")
    return render("auth/login.html", status=422, form=form, errors=errors, next=next_url)


@bp.post("/logout")
def logout():
    """End the session on the server (a kept copy of the cookie opens nothing), and say so."""
    sign_out()
    flash(gettext("You have signed out."))
    return redirect(url_for("households.index"), code=303)
