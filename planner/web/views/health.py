"""A page that only says the app is up: for a load balancer's checks, and the baseline that
bench/run.py compares every other page with (the same server and hooks, no database, no
template)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def show():
    """ "ok" as plain text."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
