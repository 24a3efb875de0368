"""The words of each reminder: an email (subject, plain text, HTML) and a push notification.

Subjects, previews and notifications carry no health details: a phone's lock screen or a shared
inbox shows "Your plan for Tuesday: 4 things", never a medicine or a symptom. The task titles
are in the body only, behind the mail client's or the planner's sign-in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import render_template

from planner.clock import WEEKDAYS, day_words


@dataclass
class Message:
    subject: str  # also the push notification's title
    preview: str  # the first line a mail client shows; the push notification's body
    items: list[dict]
    kind: str
    intro: str
    who: str | None = None  # who asked for help


def _things(n: int) -> str:
    return f"{n} thing" if n == 1 else f"{n} things"


def compose(
    kind: str, day: dt.date, items: list[dict], household: str, who: str | None = None
) -> Message:
    weekday = WEEKDAYS[day.weekday()]
    if kind == "digest":
        today = sum(1 for i in items if not i.get("week"))  # the week's are for any day
        return Message(
            f"Your plan for {weekday}: " + (_things(today) if today else "things for this week"),
            "Open the planner to see and tick them.",
            items,
            kind,
            f"Here is what your plan holds for {day_words(day)}.",
        )
    if kind == "key-date":
        return Message(
            "A date in your plan is today",
            "Open the planner to see it.",
            items,
            kind,
            f"This is on your plan for today, {day_words(day)}.",
        )
    if kind == "overdue":
        return Message(
            "A date in your plan has passed",
            "Open the planner to see it.",
            items,
            kind,
            "This date in the plan has passed without a tick. If it is done, "
            "tick it; if it had to move, that is fine: tell the care team, and "
            "tick it when it happens.",
        )
    return Message(
        f"{who or 'Someone'} asked for help at {household}",
        "Open the planner to see what with.",
        items,
        kind,
        f"{who or 'Someone'} marked this home check as needing help.",
        who,
    )


def email(message: Message, links: dict) -> tuple[str, str]:
    """(plain text, HTML) of the email; `links`: today, settings, unsubscribe (absolute)."""
    context = {"m": message, "links": links}
    return (
        render_template("reminders/email.txt", **context),
        render_template("reminders/email.html", **context),
    )


def push_payload(message: Message, url: str) -> dict:
    """What the service worker shows: a title and a line, no task names, and where to go."""
    return {"title": message.subject, "body": message.preview, "url": url}
