"""Blueprints, one per area of the app, registered in one place."""

from __future__ import annotations

from flask import Flask

from planner.views import (
    auth,
    contacts,
    exercise_templates,
    health,
    history,
    households,
    physio,
    profile,
    redflags,
    share,
    today,
    versions,
    walkthrough,
)


def register(app: Flask) -> None:
    """Register every blueprint of the app."""
    for module in (auth, households, profile, today, walkthrough, history, redflags, physio,
                   exercise_templates, versions, share, contacts, health):
        app.register_blueprint(module.bp)
