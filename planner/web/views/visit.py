"""The visit summary: one printable page for the next clinic appointment, for every member
(the physiotherapist's caseload links here too). How the routine went over the last 4 weeks,
what was put off or needed help, plan changes since the last visit, the key dates coming, and the
questions the household keeps for the visit."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, g, redirect, request, url_for

from planner import clock
from planner.i18n import N_, gettext
from planner.plans import key_dates
from planner.plans.plan_diff import plan_diff
from planner.store import plans, ticks, visits
from planner.web import said
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.views.common import household_view, local, now, today
from planner.web.views.history import progress

bp = Blueprint("visit", __name__)
WEEKS = 4  # how far back the summary looks
AHEAD = dt.timedelta(weeks=8)  # key dates shown
SHOWN = {"put_off": 6, "versions": 3, "titles": 3, "key_dates": 4}  # so it fits one page


def _put_off(household_id: int, days: list[dt.date], titles: dict[str, str]) -> list[dict]:
    """Tasks set to "not today" on these days, or marked "needs help" (a one-off task still
    waiting for help, whenever it was marked): {title, not_today, needs_help}, those needing
    help first, then the most put off."""
    on = [d.isoformat() for d in days]
    found: dict[str, dict] = {}
    for row in ticks.states(get_db(), household_id, on + ["once"]):
        key = {"not-today": "not_today", "needs-help": "needs_help"}.get(row["state"])
        if key is None or (row["occurrence"] == "once" and key == "not_today"):
            continue  # a one-off's "not today" lasts a day: it is not a put-off task
        entry = found.setdefault(
            row["item_id"],
            {"title": titles.get(row["item_id"], row["item_id"]), "not_today": 0, "needs_help": 0},
        )
        entry[key] += 1
    # Waiting for help first: that is what the team can do something about.
    return sorted(found.values(), key=lambda e: (-e["needs_help"], -e["not_today"], e["title"]))


def _titles(items: list[dict]) -> list[str]:
    return [i.get("title") or i["id"] for i in items]


def _changes(household_id: int, since: dt.date, inclusive: bool) -> list[dict]:
    """The plan versions made after `since` (on it too if `inclusive`), newest first, each with
    the titles added, removed and changed against the version before."""
    db = get_db()
    result = []
    for row in plans.versions(db, household_id):
        made = local(row["created_at"]).date()
        if made < since or (made == since and not inclusive):
            break
        new = plans.get_version(db, household_id, row["version"])
        old = plans.get_version(db, household_id, row["version"] - 1)
        diff = plan_diff(old["plan"] if old else None, new["plan"])
        diff = said.diff(
            diff,
            said.words(household_id, new),
            said.words(household_id, old) if old else None,
        )
        result.append(
            {
                "version": row["version"],
                "day": made,
                "by": row["created_by_name"],
                "role": row["created_by_role"],
                "first": diff["first"],
                "added": _titles(diff["added"]),
                "removed": _titles(diff["removed"]),
                "changed": _titles([c["item"] for c in diff["changed"]]),
            }
        )
    return result


def _page(household_id: int, errors: dict | None = None, form=None, status: int = 200):
    db = get_db()
    day = today()
    items = said.items(plans.tasks(db, household_id), household_id)  # in the reader's words
    every = said.items(plans.tasks(db, household_id, False), household_id)
    titles = {t["id"]: t.get("title") or t["id"] for t in every}
    went = progress(household_id, WEEKS)
    when = visits.dates(db, household_id)
    since = when["last_visit"] or (day - dt.timedelta(weeks=WEEKS))
    return render(
        "visit/show.html",
        status=status,
        day=day,
        went=went,
        put_off=_put_off(household_id, went["days"], titles),
        changes=_changes(household_id, since, when["last_visit"] is None),
        key_dates=key_dates.key_dates(items, day, day + AHEAD),
        questions=visits.questions(db, household_id),
        when=when,
        shown=SHOWN,
        max_questions=visits.MAX_QUESTIONS,
        max_length=visits.MAX_LENGTH,
        errors=errors or {},
        form=form or {},
    )


@bp.get("/h/<int:household_id>/visit")
@household_view()
def show(household_id: int):
    """The summary, with the forms for the questions and the visit days (not printed)."""
    return _page(household_id)


@bp.post("/h/<int:household_id>/visit/questions")
@household_view()
def add_question(household_id: int):
    """Add a question to ask at the visit."""
    text = " ".join(request.form.get("text", "").split())
    error = None
    if not text:
        error = gettext("Write the question you want to ask.")
    elif len(text) > visits.MAX_LENGTH:
        error = gettext(
            "Keep the question to %(most)s characters (it has %(num)s), so that the summary "
            "fits on one page.",
            most=visits.MAX_LENGTH,
            num=len(text),
        )
    else:
        try:
            visits.add_question(get_db(), household_id, text, g.user["id"], at=now())
        except visits.TooMany:
            error = gettext(
                "The list already has %(num)s questions. Take off one that was answered first.",
                num=visits.MAX_QUESTIONS,
            )
    if error:
        return _page(household_id, {"text": error}, request.form, 422)
    return redirect(url_for("visit.show", household_id=household_id) + "#questions", code=303)


@bp.post("/h/<int:household_id>/visit/questions/<int:question_id>/remove")
@household_view()
def remove_question(household_id: int, question_id: int):
    """Take a question off the list (answered, or no longer wanted)."""
    if not visits.remove_question(get_db(), household_id, question_id):
        flash(gettext("That question was already taken off the list."), "error")
    return redirect(url_for("visit.show", household_id=household_id) + "#questions", code=303)


@bp.post("/h/<int:household_id>/visit/dates")
@household_view()
def set_dates(household_id: int):
    """The days of the last and the next clinic visit (either may be left empty)."""
    day, errors, chosen = today(), {}, {}
    for key, problem in (
        ("last_visit", N_("The day of the last visit is not a date written YYYY-MM-DD.")),
        ("next_visit", N_("The day of the next visit is not a date written YYYY-MM-DD.")),
    ):
        raw = request.form.get(key, "").strip()
        chosen[key] = clock.parse_day(raw) if raw else None
        if raw and chosen[key] is None:
            errors[key] = gettext(problem)
    if chosen["last_visit"] and chosen["last_visit"] > day:
        errors["last_visit"] = gettext("The last visit cannot be after today.")
    if chosen["next_visit"] and chosen["next_visit"] < day:
        errors["next_visit"] = gettext("The next visit cannot be before today.")
    if errors:
        return _page(household_id, errors, request.form, 422)
    visits.set_dates(
        get_db(), household_id, chosen["last_visit"], chosen["next_visit"], g.user["id"], at=now()
    )
    return redirect(url_for("visit.show", household_id=household_id), code=303)
