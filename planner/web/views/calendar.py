"""Calendar feeds: each member makes, sees and cancels their own subscription addresses on the
Calendar page; a calendar app reads the feed at /calendar/<token>.ics, the secret in the address
being the permission. Reading a feed only records when it was read."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, request, session, url_for

from planner import clock
from planner.i18n import gettext
from planner.plans import calendar_feed, recurrence
from planner.store import calendar_feeds, plans, ticks
from planner.web import said
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.i18n import speak
from planner.web.security import link_page
from planner.web.views.common import app_clock, household_view, now

bp = Blueprint("calendar", __name__)
NEW_FEED = "new_feed"  # session key: the address just made, shown once


def _page(household_id: int, status: int = 200):
    new = session.pop(NEW_FEED, None)
    if new and new.get("household_id") != household_id:
        new = None
    return render(
        "calendar/show.html",
        status=status,
        new_feed=new,
        feeds=calendar_feeds.feeds(get_db(), household_id, g.user["id"], at=now()),
    )


@bp.get("/h/<int:household_id>/calendar")
@household_view()
def show(household_id: int):
    """The member's calendar subscriptions, with a form to make one."""
    return _page(household_id)


@bp.post("/h/<int:household_id>/calendar")
@household_view()
def create(household_id: int):
    """Make a subscription address; it is shown once, on the page this redirects to."""
    full, daily = request.form.get("full_titles") == "1", request.form.get("daily_summary") == "1"
    token = calendar_feeds.create_feed(get_db(), household_id, g.user["id"], full, daily, at=now())
    url = url_for("calendar.feed", token=token, _external=True)
    session[NEW_FEED] = {
        "household_id": household_id,
        "url": url,
        "webcal": "webcal://" + url.split("://", 1)[1],
    }
    return redirect(url_for("calendar.show", household_id=household_id), code=303)


@bp.post("/h/<int:household_id>/calendar/<int:feed_id>/revoke")
@household_view()
def revoke(household_id: int, feed_id: int):
    """Cancel one of the member's own subscriptions."""
    if calendar_feeds.revoke_feed(get_db(), household_id, g.user["id"], feed_id, at=now()):
        flash(
            gettext("The calendar address was cancelled. Calendars that use it get nothing more.")
        )
    else:
        flash(gettext("That address was already cancelled or is not yours."), "error")
    return redirect(url_for("calendar.show", household_id=household_id), code=303)


@bp.get("/calendar/<token>.ics")
@link_page
def feed(token: str):
    """The feed for a calendar app (text/calendar); 404 once cancelled or expired."""
    db = get_db()
    moment = app_clock().now()
    found = calendar_feeds.read_feed(db, token, at=moment)
    if found is None:
        abort(404)
    where = clock.zone(found["timezone"])
    speak(found["language"])  # a calendar app has no session: the feed speaks its owner's
    items = said.items(plans.tasks(db, found["household_id"]), found["household_id"])
    finished = {
        row["item_id"]
        for row in ticks.states(db, found["household_id"], ["once"])
        if row["slot"] == 0 and row["state"] in recurrence.FINISHED
    }
    body = calendar_feed.build(found, items, finished, app_clock().today(where), moment)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'inline; filename="planner.ics"'},
    )
