"""The words of each reminder: an email (subject, plain text, HTML) and a push notification.

Subjects, previews and notifications carry no health details: a phone's lock screen or a shared
inbox shows "Your plan for Tuesday: 4 things", never a medicine or a symptom. The task titles
are in the body only, behind the mail client's or the planner's sign-in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import render_template

from planner.i18n import day_words, gettext, ngettext, weekday_name


@dataclass
class Message:
    subject: str  # also the push notification's title
    preview: str  # the first line a mail client shows; the push notification's body
    items: list[dict]
    kind: str
    intro: str
    who: str | None = None  # who asked for help


def compose(
    kind: str, day: dt.date, items: list[dict], household: str, who: str | None = None
) -> Message:
    """The words of one reminder, in the language being spoken (the reader's: the scheduler
    writes each message inside i18n.speaking)."""
    weekday = weekday_name(day)
    if kind == "digest":
        today = sum(1 for i in items if not i.get("week"))  # the week's are for any day
        return Message(
            ngettext(
                "Your plan for %(weekday)s: %(num)s thing",
                "Your plan for %(weekday)s: %(num)s things",
                today,
                weekday=weekday,
            )
            if today
            else gettext("Your plan for %(weekday)s: things for this week", weekday=weekday),
            gettext("Open the planner to see and tick them."),
            items,
            kind,
            gettext("Here is what your plan holds for %(day)s.", day=day_words(day)),
        )
    if kind == "key-date":
        return Message(
            gettext("A date in your plan is today"),
            gettext("Open the planner to see it."),
            items,
            kind,
            gettext("This is on your plan for today, %(day)s.", day=day_words(day)),
        )
    if kind == "overdue":
        return Message(
            gettext("A date in your plan has passed"),
            gettext("Open the planner to see it."),
            items,
            kind,
            gettext(
                "This date in the plan has passed without a tick. If it is done, tick it; if "
                "it had to move, that is fine: tell the care team, and tick it when it happens."
            ),
        )
    someone = who or gettext("Someone")
    return Message(
        gettext("%(who)s asked for help at %(household)s", who=someone, household=household),
        gettext("Open the planner to see what with."),
        items,
        kind,
        gettext("%(who)s marked this home check as needing help.", who=someone),
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
