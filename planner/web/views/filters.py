"""Template filters: dates, times, schedules, roles and QR codes in plain words, registered on
the app by the factory (never as a side effect of importing a blueprint)."""

from __future__ import annotations

import segno
from flask import Flask
from markupsafe import Markup

from planner import clock
from planner.permissions import ROLE_LABELS
from planner.plans.context import readable
from planner.plans.printout import describe_dose, describe_schedule
from planner.web.views.common import can, local

ROLE_NAMES = ROLE_LABELS  # what a role is called, from the one table of roles


def role_name(role: str) -> str:
    """A role as people say it."""
    return ROLE_NAMES.get(role, role)


def stamp_day(stamp: str | None) -> str:
    """A stored UTC time as the household's date people read, e.g. "3 March 2026"."""
    return readable(local(stamp).date()) if stamp else ""


def qr_svg(url: str) -> Markup:
    """A link as a QR code, inline SVG (no file, no script; sized by the stylesheet).

    Error correction M survives a crease or a smudge on paper; the 4-module light border is
    the quiet zone that scanners need.
    """
    qr = segno.make(url, error="m")
    return Markup(
        qr.svg_inline(
            scale=1,
            border=4,
            light="#fff",
            omitsize=True,
            svgclass="qr",
            title="QR code of the link",
        )
    )


FILTERS = {
    "day": clock.day_words,
    "short_day": lambda d: clock.day_words(d, weekday=False),
    "clock_time": lambda s: local(s).strftime("%H:%M"),
    "clock_date": lambda s: clock.day_words(local(s).date(), year=True),
    "clock_day": lambda s: clock.day_words(local(s).date(), weekday=False),
    "schedule_words": describe_schedule,
    "dose_words": describe_dose,
    "as_date": clock.parse_day,
    "role_name": role_name,
    "stamp_day": stamp_day,
    "qr_svg": qr_svg,
}


def init_app(app: Flask) -> None:
    """Register every filter on the app's Jinja environment, and `can(action)` (who may do
    what: planner/permissions.py) for templates."""
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals["can"] = can
