"""The mails the web app sends about accounts, with their words, through planner/mail.py.

Sent only when SMTP_URL is set (mail.mailer). A mail that cannot be handed over is logged, not
shown: the pages that send them answer alike whether or not an account exists.
"""

from __future__ import annotations

from flask import current_app, url_for

from planner import i18n, mail
from planner.i18n import gettext, ngettext
from planner.store import resets
from planner.web.db import get_db
from planner.web.views.common import now


def enabled() -> bool:
    """Whether this planner can send mail (SMTP_URL is set)."""
    return mail.mailer(current_app.config) is not None


def _send(to: str, subject: str, text: str) -> bool:
    mailer = mail.mailer(current_app.config)
    if mailer is None:
        return False
    try:
        mailer.send(to, subject, text)
    except mail.MailError as exc:
        current_app.logger.error("mail to an account not sent: %s", exc)
        return False
    return True


def _send_to(user: dict, subject: str, *paragraphs: str) -> bool:
    """Mail `user`: a greeting, then the paragraphs (links among them). The caller says the
    subject and paragraphs inside `_reader(user)`, so all of it is in the reader's language."""
    hello = gettext("Hello %(name)s,", name=user["name"])
    return _send(user["email"], subject, "\n\n".join((hello, *paragraphs)) + "\n")


def _reader(user: dict):
    """Speak the reader's own language (the page's, for an account without one)."""
    return i18n.speaking(user.get("language") or i18n.current())


def send_reset(user: dict) -> bool:
    """Mail the user a link to choose a new password (earlier links stop working)."""
    token = resets.create(get_db(), user["id"], at=now())
    link = url_for("reset.choose", token=token, _external=True)
    hours = int(resets.LIFETIME.total_seconds() // 3600)
    with _reader(user):
        return _send_to(
            user,
            gettext("Choose a new password for the planner"),
            ngettext(
                "Someone asked to reset the password of your planner account. If it was you, "
                "open this link and choose a new password (it works once, for %(num)s hour):",
                "Someone asked to reset the password of your planner account. If it was you, "
                "open this link and choose a new password (it works once, for %(num)s hours):",
                hours,
            ),
            link,
            gettext("If it was not you, you need do nothing: your password stays as it is."),
        )


def send_taken(user: dict) -> bool:
    """Tell the owner of an email that someone tried to sign up with it."""
    with _reader(user):
        return _send_to(
            user,
            gettext("Someone tried to create a planner account with your email"),
            gettext(
                "Someone tried to create a new planner account with this email address, which "
                "already has one. If it was you, sign in instead:"
            ),
            url_for("auth.login", _external=True),
            gettext("If you have forgotten your password, you can choose a new one here:"),
            url_for("reset.ask", _external=True),
            gettext("If it was not you, you need do nothing."),
        )
