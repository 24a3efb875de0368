"""Blueprints, one per area of the app, registered in one place."""

from __future__ import annotations

from flask import Flask

from planner.views import auth, history, households, profile, redflags, share, today, walkthrough


def register(app: Flask) -> None:
    """Register every blueprint of the app."""
    for module in (auth, households, profile, today, walkthrough, history, redflags, share):
        app.register_blueprint(module.bp)
