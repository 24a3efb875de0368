"""Who may do what: the signed-in user, CSRF on every POST, household membership, headers."""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Callable

from flask import Flask, abort, current_app, g, make_response, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from markupsafe import Markup
from werkzeug.routing import IntegerConverter

from planner import clock
from planner.db import get_db
from planner.store import accounts

# No inline script anywhere: htmx is configured through a <meta> tag, and styles come from
# app.css (htmx's own indicator style is switched off in that config).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class _SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose cookie is Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure or super().get_cookie_secure(app)


class _RowId(IntegerConverter):
    """<int:...> in every URL: a number SQLite can hold. A larger one is no row (404), where it
    would otherwise overflow in the query (a 500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def csrf_token() -> str:
    """This session's CSRF token, made on first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def csrf_field() -> Markup:
    """The hidden input every POST form carries (the one way templates write it)."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(csrf_token())


def csrf_exempt(view: Callable) -> Callable:
    """Mark a view that takes POSTs from outside any session (a mail client's one-click
    unsubscribe, RFC 8058); its secret URL is the permission instead."""
    view.csrf_exempt = True
    return view


def _check_csrf() -> None:
    if request.method != "POST":
        return
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "csrf_exempt", False):
        return
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
    if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
        abort(400, "This form has expired. Go back, reload the page and try again.")


def _load_user() -> None:
    # A request starts with no household: tests that keep an app context open across
    # requests would otherwise carry the last request's household (and its nav) over.
    g.household = g.member = g.standing = g.roles_present = None
    user_id = session.get("user_id")
    g.user = accounts.get_user(get_db(), user_id) if user_id else None
    if user_id and g.user is None:
        session.clear()


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.vary.add("HX-Request")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    """Load the user and check CSRF before every request; set security headers after; ids in
    URLs bounded (before the blueprints' routes are made)."""
    app.url_map.converters["int"] = _RowId
    app.before_request(_load_user)
    app.before_request(_check_csrf)
    app.after_request(_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["csrf_field"] = csrf_field
    app.jinja_env.globals["zone_names"] = clock.zone_names
    app.session_interface = _SessionInterface()


def login_required(view: Callable) -> Callable:
    """Send anonymous visitors to the login page, then back here."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.user is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def membership(household_id: int, roles: tuple[str, ...] | None = None) -> dict:
    """The signed-in user's membership of a household: 404 if none, 403 if the role may not act.

    404 rather than 403 for outsiders, so that a household's existence is not revealed.
    """
    member = accounts.get_membership(get_db(), household_id, g.user["id"])
    if member is None:
        abort(404)
    if roles is not None and member["role"] not in roles:
        abort(403, "Your role in this household cannot do this.")
    g.household = accounts.get_household(get_db(), household_id)
    g.member = member
    return member


def link_page(view: Callable) -> Callable:
    """For pages opened by a secret link (/join/<token>, /view/<token>): never cached, never
    indexed, and the URL with its token is not sent on to any page opened from them."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped
