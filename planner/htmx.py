"""One URL, two renderings: the full page, or only the block an htmx request targets."""

from __future__ import annotations

from flask import current_app, render_template
from jinja2_fragments.flask import render_block


def render(template: str, block: str | None = None, status: int = 200, **context):
    """The whole page for normal, boosted and history-restore requests; else just `block`."""
    htmx = current_app.htmx
    if block and htmx and not htmx.boosted and not htmx.history_restore_request:
        return render_block(template, block, **context), status
    return render_template(template, **context), status
