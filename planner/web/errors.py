"""Error pages: one template for every status, JSON-free, kind words, never a stack trace."""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app, render_template, request
from flask_htmx import make_response
from markupsafe import escape
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    ServiceUnavailable,
    default_exceptions,
)

from planner.i18n import N_, gettext
from planner.store.postgres import OperationalErrors
from planner.web.security import QUEUE_HEADER

TITLES = {
    400: N_("Something in that request was not right"),
    401: N_("Please sign in again"),
    403: N_("You cannot do this here"),
    404: N_("We could not find that page"),
    405: N_("That does not work here"),
    413: N_("That was too much to send"),
    422: N_("Please check what you entered"),
    429: N_("Too many tries"),
    503: N_("That could not be saved just now"),
}
# What a status says when the code gave no words of its own (werkzeug's stock sentences are
# English, and written for developers).
UNNAMED = {
    400: N_("Go back, reload the page and try again."),
    403: N_("Your role in this household cannot do this."),
    404: N_("The link may be old, or the page may belong to another household."),
    405: N_("Go back, reload the page and try again."),
    413: N_("That was more than this page takes. Send less, or in parts."),
    429: N_("Please wait a few minutes, then try again."),
}
# The database could not be reached (PostgreSQL restarting, the pool empty) or stayed busy:
# nothing was written, and trying again in a moment is the right thing to do.
STORE_AWAY = N_(
    "We could not save that just now, so nothing was changed. Please try again in a moment."
)


# A tap sent from the phone's queue to a household the person is no longer in (or that is gone):
# the same words either way, so that nobody learns whether a household exists.
NOT_YOURS = N_("You are no longer in this household.")


def _render(error: HTTPException):
    code = error.code or 500
    title = gettext(TITLES.get(code, N_("Something went wrong on our side")))
    message = (
        error.description
        if code != 500
        else gettext("Nothing you did caused this. Please try again in a moment.")
    )
    stock = default_exceptions.get(code)
    unnamed = stock is not None and error.description == stock.description
    if request.headers.get(QUEUE_HEADER):
        # The phone's queue of taps (static/offline.js) shows the reason itself, beside the
        # tap it refused: the words alone, never a page. abort(404) without words of its own
        # is a household the person is no longer in.
        words = gettext(NOT_YOURS) if code == 404 and unnamed else message
        return words, code, {"Content-Type": "text/plain; charset=utf-8"}
    if unnamed and code != 500:
        message = gettext(UNNAMED.get(code, N_("Go back, reload the page and try again.")))
    return render_template("errors/error.html", code=code, title=title, message=message), code


def _store_away(error: Exception):
    """503 "could not save, try again": a tap's message goes to Today's alert region, as a
    refused tap's does, and its row stays as it was; any other request gets the error page."""
    if isinstance(error, sqlite3.OperationalError) and "locked" not in str(error):
        return _unexpected(error)
    current_app.logger.warning("database unavailable: %s", error)
    if current_app.htmx and request.method == "POST" and request.path.endswith("/state"):
        html = f'<p class="field-error">{escape(gettext(STORE_AWAY))}</p>'
        return make_response(html, 503, retarget="#tick-error", reswap="innerHTML")
    return _render(ServiceUnavailable(gettext(STORE_AWAY)))


def _unexpected(error: Exception):
    current_app.logger.exception("Unhandled error")
    return _render(InternalServerError())


def init_app(app: Flask) -> None:
    """Render every HTTP error, the database being away as a calm 503 "try again", and any
    unexpected exception as a calm 500 page."""
    app.register_error_handler(HTTPException, _render)
    for kind in (*OperationalErrors, sqlite3.OperationalError):
        app.register_error_handler(kind, _store_away)
    app.register_error_handler(Exception, _unexpected)
