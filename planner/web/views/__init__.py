"""Blueprints, one per area of the app, registered in one place."""

from __future__ import annotations

from flask import Flask

from planner.web.views import (
    account,
    advice,
    auth,
    calendar,
    contacts,
    content,
    exercise_templates,
    exports,
    health,
    history,
    households,
    install,
    physio,
    profile,
    redflags,
    reminders,
    reset,
    review,
    rules,
    share,
    today,
    versions,
    visit,
    walkthrough,
)


def register(app: Flask) -> None:
    """Register every blueprint of the app."""
    for module in (
        auth,
        households,
        profile,
        today,
        walkthrough,
        history,
        redflags,
        physio,
        exercise_templates,
        versions,
        share,
        health,
        reminders,
        exports,
        calendar,
        visit,
        account,
        reset,
        contacts,
        content,
        advice,
        rules,
        review,
        install,
    ):
        app.register_blueprint(module.bp)
