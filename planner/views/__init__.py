"""Blueprints, one per area of the app."""

from __future__ import annotations

import importlib

from flask import Flask

# Each module defines `bp`; listed here so that the app registers them in one place.
BLUEPRINTS = ("auth", "households", "profile", "today", "walkthrough", "history", "redflags")


def register(app: Flask) -> None:
    """Register every blueprint that exists in this package."""
    for name in BLUEPRINTS:
        try:
            module = importlib.import_module(f"planner.views.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"planner.views.{name}":
                raise
            continue
        app.register_blueprint(module.bp)
