"""Error pages: one template for every status, JSON-free, kind words, never a stack trace."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException, InternalServerError

TITLES = {
    400: "Something in that request was not right",
    403: "You cannot do this here",
    404: "We could not find that page",
    405: "That does not work here",
    413: "That was too much to send",
    422: "Please check what you entered",
    429: "Too many tries",
}


def _render(error: HTTPException):
    code = error.code or 500
    title = TITLES.get(code, "Something went wrong on our side")
    message = (
        error.description
        if code != 500
        else ("Nothing you did caused this. Please try again in a moment.")
    )
    if code == 404 and error.description == HTTPException.description:
        message = "The link may be old, or the page may belong to another household."
    return render_template("errors/error.html", code=code, title=title, message=message), code


def init_app(app: Flask) -> None:
    """Render every HTTP error, and any unexpected exception as a calm 500 page."""
    app.register_error_handler(HTTPException, _render)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("Unhandled error")
        return _render(InternalServerError())
