"""One URL, two renderings: the full page, or only the block an htmx request targets."""

from __future__ import annotations

from flask import current_app, g, render_template
from jinja2_fragments.flask import render_block


def partial() -> bool:
    """Whether the request asks for a part of a page: htmx, but not boosted or history-restore."""
    htmx = current_app.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(template: str, block: str | None = None, status: int = 200, **context):
    """The whole page for normal, boosted and history-restore requests; else just `block`."""
    if block and partial():
        return render_block(template, block, **context), status
    return render_template(template, **context), status


def fragment(template: str, **context) -> str:
    """A small template that needs only its context, `g` and the Jinja globals (url_for,
    csrf_field), rendered without Flask's per-render work (context processors, signals): the
    answer to a tap is one row, and that work was a tenth of its cost."""
    return current_app.jinja_env.get_template(template).render(g=g, **context)
