"""Plan versions: every applied or published plan, readable by every member; what changed
since the household last acknowledged, for Today; and acknowledging it."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, request, url_for

from planner.i18n import gettext
from planner.permissions import ROLE_WORDS
from planner.plans.plan_diff import plan_diff
from planner.plans.printout import by_domain
from planner.store import plans
from planner.store import tailoring as store
from planner.web import said
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.views.common import household_view, now

bp = Blueprint("versions", __name__)


def unseen_changes(household_id: int) -> dict | None:
    """What changed from the version the household last acknowledged (or the first) to the
    current one, in plan_diff's shape with `version` (the current) and `since`; None when
    there is nothing new to show."""
    db = get_db()
    current = plans.current_plan(db, household_id)
    since = store.seen_version(db, household_id) or 1
    if current is None or current["version"] <= since:
        return None
    old = plans.get_version(db, household_id, since)
    return diff_of(old, current, household_id) | {"version": current, "since": since}


def diff_of(old: dict | None, new: dict, household_id: int) -> dict:
    """What changed from one stored version to another, each item's new wording too when the
    advice itself changed between them (and `release`: the release it changed to), in the
    reader's language."""
    advice = old is not None and old.get("content_hash") != new.get("content_hash")
    diff = plan_diff(old["plan"] if old else None, new["plan"], words=advice)
    diff = said.diff(
        diff,
        said.words(household_id, new),
        said.words(household_id, old) if old else None,
    )
    return diff | {"release": new.get("content_release") if advice else None}


@bp.post("/h/<int:household_id>/plan/seen")
@household_view()
def seen(household_id: int):
    """Acknowledge the changes up to a version, for the whole household; back to Today."""
    db = get_db()
    current = plans.current_plan(db, household_id)
    raw = request.form.get("version", "")
    if current is None or not raw.isdigit() or not 1 <= int(raw) <= current["version"]:
        abort(422, gettext("That plan version does not exist. Reload Today and try again."))
    if int(raw) > (store.seen_version(db, household_id) or 0):
        store.mark_seen(db, household_id, int(raw), g.user["id"], at=now())
    return redirect(url_for("today.show", household_id=household_id), 303)


@bp.get("/h/<int:household_id>/versions")
@household_view()
def index(household_id: int):
    """Every plan version, newest first, with who made it and when."""
    return render(
        "versions/index.html", versions=plans.versions(get_db(), household_id), roles=ROLE_WORDS
    )


@bp.get("/h/<int:household_id>/versions/<int:version>")
@household_view()
def show(household_id: int, version: int):
    """One version, read-only: what it changed from the one before, and everything in it."""
    db = get_db()
    found = plans.get_version(db, household_id, version)
    if found is None:
        abort(404, gettext("This plan has no such version."))
    before = plans.get_version(db, household_id, version - 1) if version > 1 else None
    plan = said.plan(found["plan"], household_id, found)
    latest = plans.current_plan(db, household_id)["version"]
    return render(
        "versions/show.html",
        found=found,
        plan=plan,
        latest=latest,
        diff=diff_of(before, found, household_id),
        domains=by_domain(plan["items"]),
        roles=ROLE_WORDS,
    )
