"""Reminders: each person's choices for a household, their devices for web push, the
one-click unsubscribe link of every email (the service worker that shows notifications is
served by install.py)."""

from __future__ import annotations

import datetime as dt
import json

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    url_for,
)

from planner import clock, mail
from planner.i18n import N_, Said, gettext
from planner.reminders import outbox, push, settings
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.security import csrf_exempt, link_page
from planner.web.views.common import app_clock, household_view, now

bp = Blueprint("reminders", __name__)
STATE_WORDS = Said(
    {
        "queued": N_("waiting to be sent"),
        "sending": N_("being sent"),
        "sent": N_("sent"),
        "failed": N_("could not be sent"),
        "cancelled": N_("not needed any more"),
    }
)
KIND_WORDS = Said(
    {
        "digest": N_("Daily plan"),
        "key-date": N_("Key date"),
        "overdue": N_("Key date passed"),
        "needs-help": N_("Help asked for"),
    }
)


def _time(form, name: str, errors: dict, label: str, required: bool = True) -> str | None:
    value = form.get(name, "").strip()
    if not value and not required:
        return None
    try:
        if len(value) != 5:
            raise ValueError
        dt.time.fromisoformat(value)
    except ValueError:
        errors[name] = gettext("%(label)s: write a time of day like 08:00.", label=label)
        return None
    return value


def _read(form, role: str) -> tuple[dict, dict]:
    """The settings a form asks for, and the problems with it (nothing is stored if any)."""
    errors: dict[str, str] = {}
    values = {flag: int(form.get(flag) == "on") for flag in settings.FLAGS}
    if role != "patient":
        values["tell_caregivers"] = 0
    digest_time = _time(form, "digest_time", errors, gettext("Daily plan time"))
    values["digest_time"] = digest_time or "08:00"
    values["quiet_start"] = _time(
        form, "quiet_start", errors, gettext("Quiet from"), required=False
    )
    values["quiet_end"] = _time(form, "quiet_end", errors, gettext("Quiet until"), required=False)
    if (values["quiet_start"] is None) != (values["quiet_end"] is None) and not errors:
        errors["quiet_end"] = gettext("Give both times of the quiet hours, or neither.")
    zone = form.get("timezone", "").strip()
    if zone and not clock.is_zone(zone):
        errors["timezone"] = gettext("Choose a time zone from the list.")
    values["timezone"] = zone or None
    return values, errors


def _page(values: dict, errors: dict, status: int = 200):
    db = get_db()
    rows = outbox.recent(db, g.household["id"], g.user["id"])
    return render(
        "reminders/settings.html",
        status=status,
        s=values,
        errors=errors,
        rows=rows,
        states=STATE_WORDS,
        kinds=KIND_WORDS,
        mail_ready=mail.mailer(current_app.config) is not None,
        push_ready=push.enabled(current_app),
        push_key=push.public_key(current_app) if push.enabled(current_app) else "",
        devices=len(push.devices(db, g.user["id"])),
    )


# (endpoint "settings"; the function has another name: `settings` is the module it uses)
@bp.route("/h/<int:household_id>/reminders", methods=("GET", "POST"), endpoint="settings")
@household_view()
def settings_page(household_id: int):
    """The person's own reminders for this household (everyone sets their own)."""
    db = get_db()
    if request.method == "GET":
        return _page(settings.get(db, household_id, g.user["id"]), {})
    values, errors = _read(request.form, g.member["role"])
    if errors:
        return _page({**settings.get(db, household_id, g.user["id"]), **values}, errors, 422)
    settings.save(db, household_id, g.user["id"], values, at=now())
    flash(gettext("Your reminders are saved."))
    return redirect(url_for("reminders.settings", household_id=household_id), 303)


@bp.post("/h/<int:household_id>/reminders/push")
@household_view()
def push_subscribe(household_id: int):
    """Keep this device's push subscription (sent by reminders.js as JSON in a form field)."""
    try:
        data = json.loads(request.form.get("subscription", ""))
    except ValueError:
        data = None
    subscription = push.check_subscription(data)
    if subscription is None:
        abort(
            422,
            gettext(
                "This browser sent no usable push subscription. Reload the page and try again."
            ),
        )
    db = get_db()
    push.subscribe(db, g.user["id"], subscription, at=now())
    settings.save(db, household_id, g.user["id"], {"push": 1}, at=now())
    if current_app.htmx or request.headers.get("X-Requested-With") == "fetch":
        return "", 204
    return redirect(url_for("reminders.settings", household_id=household_id), 303)


@bp.post("/h/<int:household_id>/reminders/push/remove")
@household_view()
def push_remove(household_id: int):
    """Stop notifications on this device (the browser unsubscribes too, in reminders.js)."""
    push.unsubscribe(get_db(), g.user["id"], request.form.get("endpoint", "")[: push.MAX_FIELD])
    if request.headers.get("X-Requested-With") == "fetch":
        return "", 204
    return redirect(url_for("reminders.settings", household_id=household_id), 303)


@bp.route("/unsubscribe/<token>", methods=("GET", "POST"))
@csrf_exempt  # mail clients POST "List-Unsubscribe=One-Click" with no session (RFC 8058)
@link_page
def unsubscribe(token: str):
    """Stop reminder emails with no sign-in: the token in the mail is the permission. A GET
    only asks (link checkers in mail systems open links); the button, or the mail client's
    one-click POST, does it."""
    db = get_db()
    moment = app_clock().now()
    owner = settings.token_owner(db, token, at=moment)
    if owner is None:
        return render("reminders/unsubscribe.html", status=404, owner=None, done=False)
    if request.method == "POST":
        settings.unsubscribe(db, owner["household_id"], owner["user_id"], at=moment)
    return render(
        "reminders/unsubscribe.html", owner=owner, done=request.method == "POST", token=token
    )
