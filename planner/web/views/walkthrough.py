"""The home walk-through: the home set-up's tasks in the order the plan paces them (the biggest
risks first, a few a day, see planner/pacing.py), each done, not applicable or needing help, each
given to a member of the household; then the habits to keep up."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_htmx import make_response

from planner import clock
from planner.i18n import gettext
from planner.plans import recurrence
from planner.plans.catalog import ROOMS
from planner.plans.domains import ROOM_LABELS as ROOMS_SAID
from planner.plans.pacing import SetUp, group_of
from planner.store import accounts, assignments, plans, ticks
from planner.web import said
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.views.common import catalog, done_for, here, household_view, now, tick_error, today

bp = Blueprint("walkthrough", __name__)
ROOM_LABELS = ROOMS_SAID  # the rooms as people name them (planner/plans/domains.py)
assert set(ROOM_LABELS) == set(ROOMS)
CHECKED = ("done", "not-applicable", "needs-help")
KEEP = "keep"  # the section of the habits kept up as needed


def _section_key(item: dict, day: dt.date) -> str:
    """Which section a task is in: "now" (due today or before), its due day, or KEEP."""
    due = item["schedule"].get("due") if item["schedule"]["kind"] == "once" else None
    if due is None:
        return KEEP
    return "now" if dt.date.fromisoformat(due) <= day else due


def _label(key: str, day: dt.date) -> str:
    if key == "now":
        return gettext("Now")
    if key == KEEP:
        return gettext("Keep it up")
    when = dt.date.fromisoformat(key)
    return gettext("Tomorrow") if when == day + dt.timedelta(days=1) else clock.day_words(when)


def _sections(household_id: int, only: str | None = None) -> list[dict]:
    """The home-safety tasks in sections by due day, in the paced order (due day, then risk
    group, then plan order), each row with its tick and the member it is given to."""
    db = get_db()
    day = today()
    set_up = catalog().set_up or SetUp()
    tasks = said.items(plans.tasks(db, household_id), household_id)  # in the reader's words
    items = [i for i in tasks if i["domain"] == "home-safety"]
    order = {i["id"]: n for n, i in enumerate(items)}
    items.sort(
        key=lambda i: (
            _section_key(i, day) == KEEP,
            i["schedule"].get("due") or "",
            group_of(i, set_up),
            order[i["id"]],
        )
    )
    marks = recurrence.index_ticks(ticks.states(db, household_id, [recurrence.ONCE]), here())
    given = assignments.of_household(db, household_id)
    sections: dict[str, dict] = {}
    for item in items:
        key = _section_key(item, day)
        if only and key != only:
            continue
        tick = marks.get((item["id"], recurrence.ONCE, 0))
        row = {
            "item": item,
            "tick": tick,
            "state": tick["state"] if tick else "open",
            "who": given.get(item["id"]),
            "room": ROOM_LABELS[item.get("room") or "other"],
        }
        section = sections.setdefault(key, {"key": key, "label": _label(key, day), "rows": []})
        section["rows"].append(row)
    for section in sections.values():
        section["checked"] = sum(1 for r in section["rows"] if r["state"] in CHECKED)
        section["help"] = sum(1 for r in section["rows"] if r["state"] == "needs-help")
    return list(sections.values())


def _section_response(household_id: int, item: dict):
    """After a change: the task's section with htmx (its count stays true), else 303 to it."""
    key = _section_key(item, today())
    if not current_app.htmx:
        return redirect(
            url_for("walkthrough.show", household_id=household_id, _anchor=f"section-{key}"), 303
        )
    html = render_template(
        "walkthrough/_section.html",
        section=_sections(household_id, key)[0],
        people=accounts.members(get_db(), household_id),
        today=today(),
    )
    return make_response(html, 200, trigger="tasks-changed")


def _home_task(household_id: int, item_id: str) -> dict | None:
    item = plans.get_task(get_db(), household_id, item_id)
    return item if item is not None and item["domain"] == "home-safety" else None


@bp.get("/h/<int:household_id>/home")
@household_view()
def show(household_id: int):
    """The set-up's tasks, due day by due day, with how many are checked."""
    sections = _sections(household_id)
    has_plan = bool(plans.current_plan(get_db(), household_id))
    once = [r for s in sections if s["key"] != KEEP for r in s["rows"]]
    return render(
        "walkthrough/show.html",
        sections=sections,
        has_plan=has_plan,
        checked=sum(1 for r in once if r["state"] in CHECKED),
        total=len(once),
        people=accounts.members(get_db(), household_id),
        today=today(),
        per_day=(catalog().set_up or SetUp()).per_day,
        week_keys=_week_keys(today()),
    )


def _week_keys(day: dt.date) -> list[str]:
    """The sections shown open: now and the next six days; later days are folded."""
    return ["now"] + [(day + dt.timedelta(days=n)).isoformat() for n in range(1, 7)]


@bp.post("/h/<int:household_id>/home/<item_id>/state")
@household_view()
def set_state(household_id: int, item_id: str):
    """Set a home check to done, not applicable, needs help or open (never a toggle): the
    section with htmx, else 303 back to the walk-through at that section."""
    db = get_db()
    item = _home_task(household_id, item_id)
    state = request.form.get("state", "")
    problem = recurrence.check_tick(
        item, recurrence.ONCE, 0, state, today(), allowed=recurrence.HOME_STATES
    )
    if problem:
        return tick_error(problem, bool(current_app.htmx))
    ticks.set_state(
        db,
        household_id,
        item_id,
        recurrence.ONCE,
        0,
        state,
        by_user=g.user["id"],
        done_for=done_for(item, state),
        at=now(),
    )
    return _section_response(household_id, item)


@bp.post("/h/<int:household_id>/home/<item_id>/who")
@household_view()
def assign(household_id: int, item_id: str):
    """Give a home task to a member of the household (who is to do it, or to help when it
    needs help), or to nobody ("user_id" empty)."""
    db = get_db()
    item = _home_task(household_id, item_id)
    if item is None:
        return tick_error(
            gettext("This task is no longer on the plan. Reload the page to see the current one."),
            bool(current_app.htmx),
        )
    raw = request.form.get("user_id", "")
    members = {str(m["user_id"]): m for m in accounts.members(db, household_id)}
    if raw and raw not in members:
        return tick_error(
            gettext("Choose someone of the household, or nobody."), bool(current_app.htmx)
        )
    assignments.assign(db, household_id, item_id, int(raw) if raw else None, g.user["id"], at=now())
    return _section_response(household_id, item)
