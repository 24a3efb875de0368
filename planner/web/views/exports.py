"""Downloads of a household's data: everything as JSON, the ticks as CSV, the plan as FHIR R4.

Every member may download: each sees all of this in the app already. A download reads one
snapshot (planner.store.backup.export) and changes nothing but the activity log, where the patient
sees who downloaded what and when.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g

from planner.exports import FORMATS, MEDIA_TYPES, SUFFIXES
from planner.exports import render as as_text
from planner.store import activity, backup
from planner.web import said
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.views.common import app_clock, household_view, now, today

bp = Blueprint("exports", __name__)


@bp.get("/h/<int:household_id>/export")
@household_view()
def index(household_id: int):
    """What each download holds, with a button for each."""
    return render("exports/index.html", day=today())


@bp.get("/h/<int:household_id>/export/<fmt>")
@household_view()
def download(household_id: int, fmt: str):
    """One export as a file to save (json, csv or fhir)."""
    if fmt not in FORMATS:
        abort(404)
    data = backup.export(current_app.config["DATABASE"], household_id)
    activity.record(
        get_db(), household_id, "exported", at=now(), actor_id=g.user["id"], detail={"format": fmt}
    )
    # In the reader's language: the CSV's task titles, the FHIR Bundle's texts and language.
    text = as_text(data, fmt, app_clock(), said.words(household_id))
    response = Response(text, mimetype=MEDIA_TYPES[fmt])
    name = f"planner-household-{household_id}-{today().isoformat()}.{SUFFIXES[fmt]}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"  # health data: not kept by any cache
    return response
