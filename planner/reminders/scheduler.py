"""The scheduler: at a given moment, queue what is due and send what is queued, once.

`run(app, at)` is the whole of it; `planner remind --at` calls it once, `planner serve` calls it
every minute in a background thread (`start_thread`). It never reads the clock itself: the
moment comes from the caller, so a test (or cron) can say exactly when "now" is.

What is due for each person whose settings turn something on, in their own time zone:
  digest      the day's tasks, from the chosen minute on (up to CATCH_UP later: a server that
              was down at that minute, or just started, still sends the day's plan); none
              when nothing is left to do
  key-date    a key task due today (same time as the digest)
  overdue     a key task not ticked 1 to 3 days after its day: to the patient, and to the
              caregivers who take alerts if the patient chose so (same time as the digest)
  needs-help  a home check marked "needs help" today: to the caregivers who take alerts
Nothing is sent in quiet hours: it waits for them to end. Each alert is checked again just
before sending, so a tick in between stops it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from flask import Flask, url_for

from planner import clock, i18n, mail
from planner.plans import recurrence
from planner.reminders import messages, outbox, push, settings, tasks
from planner.store import plans, ticks
from planner.web import said
from planner.web.db import get_db

log = logging.getLogger(__name__)
CATCH_UP = dt.timedelta(hours=12)
INTERVAL = 60  # seconds between runs of the background thread
CHANNELS = ("email", "push")


def _hhmm(value: str | None) -> dt.time | None:
    if not value:
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        return None


def quiet_until(person: dict, local: dt.datetime) -> dt.datetime | None:
    """When the person's quiet hours end, if `local` (their wall-clock time) is inside them."""
    start, end = _hhmm(person.get("quiet_start")), _hhmm(person.get("quiet_end"))
    if start is None or end is None or start == end:
        return None
    now = local.time()
    inside = start <= now < end if start < end else (now >= start or now < end)
    if not inside:
        return None
    ends = dt.datetime.combine(local.date(), end, tzinfo=local.tzinfo)
    return ends if ends > local else ends + dt.timedelta(days=1)


def person_zone(person: dict) -> dt.tzinfo:
    return clock.zone(person.get("timezone") or person.get("household_timezone"))


class _Household:
    """One household's tasks and ticks for a day, read once per run."""

    def __init__(self, db, household_id: int, timezone: str, day: dt.date):
        self.items = plans.tasks(db, household_id)
        rows = ticks.states(db, household_id, tasks.occurrences(day)) if self.items else []
        self.ticks = recurrence.index_ticks(rows, clock.zone(timezone))
        self.day = day


def _snapshot(db, cache: dict, person: dict, day: dt.date) -> _Household:
    key = (person["household_id"], day)
    if key not in cache:
        cache[key] = _Household(db, person["household_id"], person["household_timezone"], day)
    return cache[key]


def channels(app: Flask, person: dict) -> list[str]:
    """The channels this person chose that this server can use."""
    usable = {"email": mail.mailer(app.config) is not None, "push": push.enabled(app)}
    return [c for c in CHANNELS if person[c] and usable[c]]


def _patients_wish(people: list[dict], household_id: int) -> bool:
    return any(
        p["household_id"] == household_id and p["role"] == "patient" and p["tell_caregivers"]
        for p in people
    )


def plan(app: Flask, db, at: dt.datetime) -> int:
    """Queue every reminder due at `at`; return how many new rows."""
    people = settings.active(db)
    cache: dict = {}
    new = 0
    for person in people:
        local = at.astimezone(person_zone(person))
        day = local.date()
        ways = channels(app, person)
        if not ways:
            continue
        house = _snapshot(db, cache, person, day)
        wanted: list[tuple[str, str]] = []
        morning = _hhmm(person["digest_time"]) or dt.time(8)
        start = dt.datetime.combine(day, morning, tzinfo=local.tzinfo)
        in_morning = start <= local < start + CATCH_UP
        if in_morning and person["digest"] and house.items:
            wanted.append(("digest", ""))
        if in_morning and person["key_dates"]:
            wanted += [("key-date", i["id"]) for i in tasks.key_due(house.items, day, house.ticks)]
        overdue_to_me = (person["role"] == "patient" and person["key_dates"]) or (
            person["role"] == "caregiver"
            and person["caregiver_alerts"]
            and _patients_wish(people, person["household_id"])
        )
        if in_morning and overdue_to_me:
            wanted += [
                ("overdue", i["id"]) for i in tasks.key_overdue(house.items, day, house.ticks)
            ]
        if person["role"] == "caregiver" and person["caregiver_alerts"]:
            wanted += [
                ("needs-help", item["id"])
                for item, tick in tasks.needs_help(house.items, day, house.ticks)
                if tick["by_user"] != person["user_id"]
            ]
        for kind, ref in wanted:
            for channel in ways:
                new += outbox.enqueue(
                    db, person["household_id"], person["user_id"], kind, ref, day, channel, at=at
                )
    return new


def _still_wanted(person: dict | None, row: dict, house: _Household) -> tuple[list, str | None]:
    """The items the reminder is about now, or why it is no longer wanted."""
    if person is None or not person[row["channel"]]:
        return [], "turned off"
    day = dt.date.fromisoformat(row["day"])
    if house.day != day:
        return [], "its day has passed"
    by_id = {i["id"]: i for i in house.items}
    if row["kind"] == "digest":
        items = tasks.digest(house.items, day, house.ticks)
        return (items, None) if person["digest"] and items else ([], "nothing left to do")
    if row["kind"] == "key-date":
        found = [i for i in tasks.key_due(house.items, day, house.ticks) if i["id"] == row["ref"]]
    elif row["kind"] == "overdue":
        found = [
            i for i in tasks.key_overdue(house.items, day, house.ticks) if i["id"] == row["ref"]
        ]
    else:
        found = [
            i for i, _ in tasks.needs_help(house.items, day, house.ticks) if i["id"] == row["ref"]
        ]
    return (found, None) if found and row["ref"] in by_id else ([], "already answered")


def _links(person: dict, token: str | None) -> dict:
    hid = person["household_id"]
    return {
        "today": url_for("today.show", household_id=hid, _external=True),
        "settings": url_for("reminders.settings", household_id=hid, _external=True),
        "unsubscribe": url_for("reminders.unsubscribe", token=token, _external=True)
        if token
        else None,
    }


def _send_email(app, db, person: dict, message: messages.Message, at: dt.datetime) -> None:
    sender = mail.mailer(app.config)
    if sender is None:
        raise mail.MailError("mail is not set up on this server (PLANNER_SMTP_URL)")
    token = settings.unsubscribe_token(db, person["household_id"], person["user_id"], at=at)
    links = _links(person, token)
    text, html = messages.email(message, links)
    sender.send(
        person["user_email"],
        message.subject,
        text,
        html,
        headers={
            "List-Unsubscribe": f"<{links['unsubscribe']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _send_push(app, db, person: dict, message: messages.Message) -> None:
    devices = push.devices(db, person["user_id"])
    if not devices:
        raise push.PushError("no device of yours takes notifications", gone=True)
    payload = messages.push_payload(message, _links(person, None)["today"])
    key, sender = push.vapid(app), app.config.get("MAIL_FROM") or "planner@localhost"
    delivered, problems = 0, []
    for device in devices:
        try:
            push.send(key, device, payload, sender)
            delivered += 1
        except push.PushError as exc:
            if exc.gone:
                push.forget(db, device["id"])  # the browser dropped it: never try it again
            problems.append(exc)
    if not delivered:
        raise push.PushError(str(problems[0]), gone=all(p.gone for p in problems))


def _deliver_one(
    app: Flask, db, row: dict, person: dict | None, cache: dict, at: dt.datetime
) -> str:
    """Send one claimed row (or cancel it, or put it back until quiet hours end); return
    what became of it."""
    if person is None:
        outbox.cancel(db, row["id"], "turned off", at=at)
        return "cancelled"
    local = at.astimezone(person_zone(person))
    house = _snapshot(db, cache, person, local.date())
    items, why_not = _still_wanted(person, row, house)
    if why_not:
        outbox.cancel(db, row["id"], why_not, at=at)
        return "cancelled"
    quiet = quiet_until(person, local)
    if quiet:
        outbox.release(db, row["id"], quiet)
        return "waiting"
    who = None
    if row["kind"] == "needs-help":
        who = house.ticks[(row["ref"], recurrence.ONCE, 0)].get("by_name")
    try:
        # Every reminder in its reader's language: the words, the dates and the task titles.
        with i18n.speaking(person.get("language")):
            items = said.items(items, person["household_id"])
            message = messages.compose(row["kind"], house.day, items, person["household_name"], who)
            if row["channel"] == "email":
                _send_email(app, db, person, message, at)
            else:
                _send_push(app, db, person, message)
    except push.PushError as exc:
        if exc.gone:  # no device left to take it: nothing to retry
            outbox.cancel(db, row["id"], str(exc), at=at)
            return "cancelled"
        return outbox.failed(db, row, str(exc), at=at)
    except mail.MailError as exc:
        return outbox.failed(db, row, str(exc), at=at)
    outbox.sent(db, row["id"], at=at)
    return "sent"


def deliver(app: Flask, db, at: dt.datetime) -> dict[str, int]:
    """Send every queued reminder whose time has come; return counts by outcome."""
    counts = {"sent": 0, "queued": 0, "failed": 0, "cancelled": 0, "waiting": 0}
    people = {(p["household_id"], p["user_id"]): p for p in settings.active(db)}
    cache: dict = {}
    for row in outbox.due(db, at=at):
        if not outbox.claim(db, row["id"], at=at):
            continue  # another sender has it
        person = people.get((row["household_id"], row["user_id"]))
        try:
            counts[_deliver_one(app, db, row, person, cache, at)] += 1
        except Exception as exc:  # a bug must cost one reminder, not the whole run
            log.exception("reminder %s could not be sent", row["id"])
            counts[
                outbox.failed(db, row, f"unexpected error ({exc.__class__.__name__})", at=at)
            ] += 1
    return counts


def run(app: Flask, at: dt.datetime) -> dict[str, int]:
    """One pass at moment `at`: give up rows a dead sender left, queue, send, prune."""
    base = app.config.get("BASE_URL") or "http://127.0.0.1:5000"
    with app.app_context(), app.test_request_context("/", base_url=base):
        db = get_db()
        outbox.give_up_stale(db, at=at)
        queued = plan(app, db, at)
        counts = deliver(app, db, at)
        outbox.prune(db, at=at)
        settings.prune_tokens(db, at=at)
    return {"new": queued, **counts}


def start_thread(app: Flask, now=clock.system_now) -> threading.Thread:
    """Run the scheduler every INTERVAL seconds in a daemon thread (for `planner serve`).
    Errors are logged and the loop goes on: a reminder run must never stop the server."""
    stop = threading.Event()

    def loop() -> None:
        while True:
            try:
                run(app, now())
            except Exception:
                log.exception("reminder run failed")
            if stop.wait(INTERVAL):
                return

    thread = threading.Thread(target=loop, name="planner-reminders", daemon=True)
    thread.stop = stop
    thread.start()
    return thread
