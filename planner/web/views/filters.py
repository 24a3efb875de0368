"""Template filters: dates, times, schedules, roles and QR codes in plain words, registered on
the app by the factory (never as a side effect of importing a blueprint)."""

from __future__ import annotations

import segno
from flask import Flask, g
from markupsafe import Markup

from planner import clock, i18n
from planner.i18n import gettext, time_words
from planner.permissions import ROLE_LABELS
from planner.plans import explain
from planner.plans.context import readable
from planner.plans.domains import LABELS as DOMAIN_LABELS
from planner.plans.printout import describe_dose, describe_schedule
from planner.store import accounts, reviewers
from planner.web.db import get_db
from planner.web.i18n import catalog_for
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
            title=gettext("QR code of the link"),
        )
    )


def fact_label(field: str) -> str:
    """A profile field as a sentence names it ("risk of a bone breaking"); "rule": the rule
    itself, when it changed or left the advice."""
    if field == "rule":
        return gettext("the rule itself")
    words = explain.label(field)
    return words[:1].lower() + words[1:]


FILTERS = {
    "day": clock.day_words,
    "short_day": lambda d: clock.day_words(d, weekday=False),
    "long_weekday": lambda d: clock.day_words(d, year=True),  # "Sunday 22 November 2026"
    "clock_time": lambda s: time_words(local(s)),
    "clock_date": lambda s: clock.day_words(local(s).date(), year=True),
    "clock_day": lambda s: clock.day_words(local(s).date(), weekday=False),
    "schedule_words": describe_schedule,
    "dose_words": describe_dose,
    "as_date": clock.parse_day,
    "role_name": role_name,
    "stamp_day": stamp_day,
    "qr_svg": qr_svg,
    "long_day": readable,  # a date: "23 November 2026"
    "fact_label": fact_label,
}


def who(user_id: object) -> str:
    """The name of the physiotherapist who made an override, for a signed-in reader; "your
    physiotherapist" for a read-only link (no names there) or when it is not known."""
    if not isinstance(user_id, int) or g.get("user") is None:  # a plan from before names
        return gettext("your physiotherapist")
    names = g.setdefault("names", {})
    if user_id not in names:
        user = accounts.get_user(get_db(), user_id)
        names[user_id] = user["name"] if user else gettext("your physiotherapist")
    return names[user_id]


def rule_titles(rule_ids: list[str]) -> str:
    """Movement rules by their titles, quoted ("“Lesion in the pelvis: ...”")."""
    found = ((i, catalog_for().rule(i)) for i in rule_ids)
    return ", ".join(
        f"“{r.title}”" if r else gettext("the rule %(name)s", name=i) for i, r in found
    )


def item_title(item_id: str) -> str:
    """An exercise by its title; a physiotherapist's own one has none in the catalog."""
    item = catalog_for().item(item_id)
    return item.title if item else gettext("their own exercise")


def is_reviewer() -> bool:
    """Whether the signed-in person is a clinical reviewer (the start page links the Review
    page for them)."""
    user = g.get("user")
    return user is not None and reviewers.is_reviewer(get_db(), user["id"])


def init_app(app: Flask) -> None:
    """Register every filter on the app's Jinja environment, and `can(action)` (who may do
    what: planner/permissions.py) and `who(user_id)` for templates."""
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals["can"] = can
    app.jinja_env.globals["who"] = who
    app.jinja_env.globals["rule_titles"] = rule_titles
    app.jinja_env.globals["item_title"] = item_title
    app.jinja_env.globals["room_name"] = room_name
    app.jinja_env.globals["domain_label"] = DOMAIN_LABELS.get
    app.jinja_env.globals["content_unreviewed"] = content_unreviewed
    app.jinja_env.globals["is_reviewer"] = is_reviewer
    app.jinja_env.globals["change_words"] = explain.change_words


def room_name(room: str) -> str:
    """A room of the home check as people name it."""
    from planner.web.views.walkthrough import ROOM_LABELS

    return ROOM_LABELS.get(room, room)


def content_unreviewed() -> bool:
    """Whether the page speaks a language whose translation of the advice no clinician has
    reviewed yet (checklists/translations/<lang>/review.yaml): the footer says so."""
    catalog = catalog_for()
    return getattr(catalog, "language", i18n.SOURCE) != i18n.SOURCE and not getattr(
        catalog, "reviewed", False
    )
