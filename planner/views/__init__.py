"""Blueprints, one per area of the app, registered in one place."""

from __future__ import annotations

from flask import Flask

from planner.views import (
    auth,
    exercise_templates,
    health,
    history,
    households,
    physio,
    profile,
    redflags,
    reminders,
    share,
    today,
    versions,
    walkthrough,
)


def register(app: Flask) -> None:
    """Register every blueprint of the app."""
    for module in (auth, households, profile, today, walkthrough, history, redflags, physio,
                   exercise_templates, versions, share, health, reminders):
        app.register_blueprint(module.bp)
