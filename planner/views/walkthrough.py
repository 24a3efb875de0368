"""The home walk-through: the home-safety tasks room by room, each done, not applicable or
needing help, with the progress of each room."""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_htmx import make_response

from planner import recurrence
from planner.catalog import ROOMS
from planner.db import get_db
from planner.htmx import render

from planner.store import plans, ticks
from planner.views.common import household_view, done_for, here, now, tick_error, today

bp = Blueprint("walkthrough", __name__)
ROOM_LABELS = {"entrance": "Entrance and outside", "floors": "Floors", "stairs": "Stairs",
               "kitchen": "Kitchen", "bathroom": "Bathroom", "bedroom": "Bedroom",
               "other": "Everywhere else"}
CHECKED = ("done", "not-applicable", "needs-help")


def _rooms(household_id: int, only: str | None = None) -> list[dict]:
    """The home-safety tasks grouped by room in walking order, each with its tick."""
    db = get_db()
    items = [i for i in plans.tasks(db, household_id) if i["domain"] == "home-safety"]
    marks = recurrence.index_ticks(ticks.states(db, household_id, [recurrence.ONCE]),
                                   here())
    rooms = []
    for room in ROOMS:
        if only and room != only:
            continue
        rows = [{"item": i, "tick": marks.get((i["id"], recurrence.ONCE, 0))}
                for i in items if (i.get("room") or "other") == room]
        if not rows:
            continue
        for row in rows:
            row["state"] = row["tick"]["state"] if row["tick"] else "open"
        rooms.append({"key": room, "label": ROOM_LABELS.get(room, room.title()), "rows": rows,
                      "checked": sum(1 for r in rows if r["state"] in CHECKED),
                      "help": sum(1 for r in rows if r["state"] == "needs-help")})
    return rooms


@bp.get("/h/<int:household_id>/home")
@household_view()
def show(household_id: int):
    """Every room with its checks and how many are checked."""
    rooms = _rooms(household_id)
    has_plan = bool(plans.current_plan(get_db(), household_id))
    return render("walkthrough/show.html", rooms=rooms, has_plan=has_plan,
                  checked=sum(r["checked"] for r in rooms),
                  total=sum(len(r["rows"]) for r in rooms), today=today())


@bp.post("/h/<int:household_id>/home/<item_id>/state")
@household_view()
def set_state(household_id: int, item_id: str):
    """Set a home check to done, not applicable, needs help or open (never a toggle): the room
    with htmx, else 303 back to the walk-through at that room."""
    db = get_db()
    item = plans.get_task(db, household_id, item_id)
    if item is not None and item["domain"] != "home-safety":
        item = None
    state = request.form.get("state", "")
    problem = recurrence.check_tick(item, recurrence.ONCE, 0, state, today(),
                                    allowed=recurrence.HOME_STATES)
    if problem:
        return tick_error(problem, bool(current_app.htmx))
    ticks.set_state(db, household_id, item_id, recurrence.ONCE, 0, state,
                    by_user=g.user["id"], done_for=done_for(item, state), at=now())
    room = item.get("room") or "other"
    if not current_app.htmx:
        return redirect(url_for("walkthrough.show", household_id=household_id,
                                _anchor=f"room-{room}"), 303)
    html = render_template("walkthrough/_room.html", room=_rooms(household_id, room)[0],
                           today=today())
    return make_response(html, 200, trigger="tasks-changed")
