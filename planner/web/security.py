"""Who may do what: the signed-in user, CSRF on every POST, household membership, headers."""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import secrets
from collections.abc import Callable

from flask import Flask, abort, current_app, g, make_response, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature
from markupsafe import Markup
from werkzeug.routing import IntegerConverter

from planner import clock
from planner.i18n import N_, gettext
from planner.store import sessions
from planner.web.db import get_db

# No inline script anywhere: htmx is configured through a <meta> tag, and styles come from
# app.css (htmx's own indicator style is switched off in that config).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class _SessionInterface(SecureCookieSessionInterface):
    """The browser's cookie: signed, Secure whenever the request came over HTTPS, and holding
    only the server-side session's id ("sid", see store/sessions.py), the CSRF token and
    one-time messages. Who is signed in is decided by the server's sessions table, never by the
    cookie alone: signing out, a password change or a restore ends a session even if someone
    kept a copy of the cookie. A signed cookie (rather than an id-only cookie) keeps Flask's
    flash messages and CSRF token as they were, and a forged cookie is refused before any
    database read. The cookie is written only when its content changes
    (SESSION_REFRESH_EACH_REQUEST off): nothing is re-signed per response.
    """

    # Cookies already checked, by their exact text: their content and when they were signed.
    # Checking a signature (and making the serializer that does it) was a fifth of a tap's CPU;
    # the same cookie comes back with every request of that browser until its content changes.
    # Only a cookie that passed the check is kept, so a forged one is still refused, and its age
    # is checked again on each use. Cookies holding one-time messages (mutable lists) are not kept.
    KEPT = 4096

    def __init__(self) -> None:
        self._checked: dict[str, tuple[dict, dt.datetime]] = {}

    def open_session(self, app: Flask, request):
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or not app.secret_key:
            return super().open_session(app, request)
        kept = self._checked.get(value)
        if kept is None:
            try:
                data, signed = self.get_signing_serializer(app).loads(value, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            kept = (data, signed)
            if all(isinstance(v, str | int) for v in data.values()):
                if len(self._checked) >= self.KEPT:
                    self._checked.clear()
                self._checked[value] = kept
        data, signed = kept
        # The cookie's own age limit, on our clock (the server-side session has its own).
        if clock.system_now() - signed > app.permanent_session_lifetime:
            self._checked.pop(value, None)
            return self.session_class()
        return self.session_class(data)

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure or super().get_cookie_secure(app)


class _RowId(IntegerConverter):
    """<int:...> in every URL: a number SQLite can hold. A larger one is no row (404), where it
    would otherwise overflow in the query (a 500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


# Sent by the phone's queue of taps (static/offline.js): it must learn that the session ended,
# not follow a redirect to the sign-in page and take that page for the task's row.
QUEUE_HEADER = "X-Planner-Queue"
SESSION_ENDED = N_("Your session has ended: sign in again to send this.")
ACCOUNT_HEADER = "X-Planner-Account"


def account_key() -> str:
    """A name for the signed-in account that says nothing about it (an HMAC of its id), or ""
    when nobody is signed in. The service worker keeps pages under it (static/sw.js) and the
    tap queue files taps under it (static/offline.js), so that neither ever shows one person
    another's pages or sends one person's taps with another's session."""
    if g.get("user") is None:
        return ""
    secret = str(current_app.secret_key).encode()
    return hmac.new(secret, f"account:{g.user['id']}".encode(), "sha256").hexdigest()[:20]


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
    if g.user is None and request.headers.get(QUEUE_HEADER):
        # A queued tap whose session ended (its token went with it): the queue keeps the tap
        # and tells the person to sign in again. Nothing is applied either way.
        abort(401, gettext(SESSION_ENDED))
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
    if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
        abort(400, gettext("This form has expired. Go back, reload the page and try again."))


def _load_user() -> None:
    # A request starts with no household: tests that keep an app context open across
    # requests would otherwise carry the last request's household (and its nav) over.
    g.household = g.member = g.standing = g.roles_present = None
    session_id = session.get("sid")
    g.user = None
    if session_id:
        config = current_app.config
        g.user = sessions.user_for(
            get_db(),
            session_id,
            at=request_now(),
            lifetime=current_app.permanent_session_lifetime,
            idle=_duration(config["SESSION_IDLE_TIMEOUT"]),
        )
        if g.user is None:  # ended, expired, or from before a restore: start afresh
            session.clear()


def _duration(value) -> dt.timedelta:
    """A setting given as a timedelta or as seconds (from the environment)."""
    return value if isinstance(value, dt.timedelta) else dt.timedelta(seconds=int(value))


def request_now() -> dt.datetime:
    """This moment on the app's clock (pinned by TODAY in tests and demos), before any
    household is known (views use views.common.now())."""
    config = current_app.config
    return clock.pinned(config.get("TODAY")).now(clock.zone(config["TIMEZONE"]))


def sign_in(user_id: int) -> None:
    """Start a server-side session for the user on a fresh cookie (a new CSRF token too: a
    session id or token planted before sign-in is never used after it)."""
    session.clear()
    session["sid"] = sessions.start(get_db(), user_id, at=request_now())
    session.permanent = True


def sign_out() -> None:
    """End this browser's session on the server and forget the cookie's content."""
    if session.get("sid"):
        sessions.end(get_db(), session["sid"])
    session.clear()


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.vary.add("HX-Request")
    if request.endpoint != "static":
        # Pages may show health data, a raw link token or a reset form: no browser or proxy
        # keeps a copy (the back button reloads). Only the static files are cached. The
        # service worker keeps Today and the urgent-symptoms page in the phone's own storage,
        # under the account named here, and forgets them when a page comes without it.
        response.headers.setdefault("Cache-Control", "no-store")
        if g.get("user") is not None:
            response.headers[ACCOUNT_HEADER] = account_key()
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
    app.jinja_env.globals["account_key"] = account_key
    app.jinja_env.globals["zone_names"] = clock.zone_names
    app.session_interface = _SessionInterface()


def login_required(view: Callable) -> Callable:
    """Send anonymous visitors to the login page, then back here; the queue gets a 401."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.user is None:
            if request.headers.get(QUEUE_HEADER):
                abort(401, gettext(SESSION_ENDED))
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


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
