"""Error pages: one template for every status, JSON-free, kind words, never a stack trace."""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app, render_template, request
from flask_htmx import make_response
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound, ServiceUnavailable

from planner.store.postgres import OperationalErrors
from planner.web.security import QUEUE_HEADER

TITLES = {
    400: "Something in that request was not right",
    401: "Please sign in again",
    403: "You cannot do this here",
    404: "We could not find that page",
    405: "That does not work here",
    413: "That was too much to send",
    422: "Please check what you entered",
    429: "Too many tries",
    503: "That could not be saved just now",
}
# The database could not be reached (PostgreSQL restarting, the pool empty) or stayed busy:
# nothing was written, and trying again in a moment is the right thing to do.
STORE_AWAY = (
    "We could not save that just now, so nothing was changed. Please try again in a moment."
)


# A tap sent from the phone's queue to a household the person is no longer in (or that is gone):
# the same words either way, so that nobody learns whether a household exists.
NOT_YOURS = "You are no longer in this household."


def _render(error: HTTPException):
    code = error.code or 500
    title = TITLES.get(code, "Something went wrong on our side")
    message = (
        error.description
        if code != 500
        else ("Nothing you did caused this. Please try again in a moment.")
    )
    # abort(404) without words of its own (werkzeug's stock sentence about typed URLs).
    unnamed = code == 404 and error.description == NotFound.description
    if request.headers.get(QUEUE_HEADER):
        # The phone's queue of taps (static/offline.js) shows the reason itself, beside the
        # tap it refused: the words alone, never a page.
        words = NOT_YOURS if unnamed else message
        return words, code, {"Content-Type": "text/plain; charset=utf-8"}
    if unnamed:
        message = "The link may be old, or the page may belong to another household."
    return render_template("errors/error.html", code=code, title=title, message=message), code


def _store_away(error: Exception):
    """503 "could not save, try again": a tap's message goes to Today's alert region, as a
    refused tap's does, and its row stays as it was; any other request gets the error page."""
    if isinstance(error, sqlite3.OperationalError) and "locked" not in str(error):
        return _unexpected(error)
    current_app.logger.warning("database unavailable: %s", error)
    if current_app.htmx and request.method == "POST" and request.path.endswith("/state"):
        html = f'<p class="field-error">{STORE_AWAY}</p>'
        return make_response(html, 503, retarget="#tick-error", reswap="innerHTML")
    return _render(ServiceUnavailable(STORE_AWAY))


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
