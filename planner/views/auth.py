"""Creating an account, signing in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, request, session, url_for

from planner.db import get_db
from planner.htmx import render
from planner.views.common import now
from planner.store import accounts, activity

bp = Blueprint("auth", __name__)

MIN_PASSWORD = 8
MAX_PASSWORD = 1024
MAX_NAME = 80
MAX_EMAIL = 254
BLOCKED = {
    "account": "There have been too many tries for this email. "
               "Please wait 15 minutes, then try again.",
    "address": "There have been too many wrong passwords from this network. "
               "Please wait 15 minutes, then try again.",
}


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _start(user: dict, next_url: str | None, message: str | None = None):
    """Sign the user in on a fresh session (a new CSRF token too), then go on."""
    session.clear()
    session["user_id"] = user["id"]
    session.permanent = True
    if message:
        flash(message)
    return redirect(next_url or url_for("households.index"), code=303)


def _signup_errors(form) -> dict[str, str]:
    errors = {}
    name = form.get("name", "").strip()
    email = form.get("email", "").strip()
    password = form.get("password", "")
    if not name:
        errors["name"] = "Enter your name, as the others in your household know you."
    elif len(name) > MAX_NAME:
        errors["name"] = f"Use at most {MAX_NAME} characters."
    if not email or "@" not in email.strip("@") or len(email) > MAX_EMAIL or " " in email:
        errors["email"] = "Enter an email address, like name@example.org."
    if len(password) < MIN_PASSWORD:
        errors["password"] = f"Use at least {MIN_PASSWORD} characters."
    elif len(password) > MAX_PASSWORD:
        errors["password"] = f"Use at most {MAX_PASSWORD} characters."
    return errors


@bp.route("/signup", methods=("GET", "POST"))
def signup():
    """Create an account and sign in; a taken email is not confirmed as an account."""
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render("auth/signup.html", form={}, errors={}, next=next_url)
    form = request.form
    errors = _signup_errors(form)
    if not errors:
        try:
            user = accounts.create_user(get_db(), form["email"], form["name"], form["password"], at=now())
        except accounts.EmailTaken:
            errors["email"] = ("We could not create an account with that email. "
                               "If you already have one, sign in instead.")
        else:
            return _start(user, next_url, f"Welcome, {user['name']}. Your account is ready.")
    return render("auth/signup.html", status=422, form=form, errors=errors, next=next_url)


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
        errors["email"] = "Enter your email address."
    if not password:
        errors["password"] = "Enter your password."
    if not errors:
        address = request.remote_addr  # the peer itself: the app runs behind no proxy
        blocked = accounts.login_blocked(get_db(), email, address, at=now())
        if blocked:
            errors["form"] = BLOCKED[blocked]
            return render("auth/login.html", status=429, form=form, errors=errors, next=next_url)
        user = accounts.authenticate(get_db(), email, password, address, at=now())
        if user is not None:
            activity.record_for_user(get_db(), user["id"], "signed_in", at=now())
            return _start(user, next_url)
        errors["form"] = "That email and password do not match. Please try again."
    return render("auth/login.html", status=422, form=form, errors=errors, next=next_url)


@bp.post("/logout")
def logout():
    """Forget the session, and say so."""
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("households.index"), code=303)
