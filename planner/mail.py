"""Mail through a real SMTP server: the one PLANNER_SMTP_URL names, from PLANNER_MAIL_FROM.

    smtp://127.0.0.1:8025                  plain (a local relay or a test sink)
    smtp://user:pass@host:587?starttls=1   STARTTLS, then sign in
    smtps://user:pass@host:465             TLS from the first byte

Callers build the words; this module only carries them. With no SMTP_URL set, `mailer()`
returns None and pages say how to get help instead of promising a mail.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from planner import clock

TIMEOUT = 10  # seconds: a stuck mail server must not hold a request (or a reminder run) long


class MailError(Exception):
    """The message could not be handed to the SMTP server; `str()` says why, without secrets."""


@dataclass(frozen=True)
class Mailer:
    host: str
    port: int
    sender: str
    tls: bool = False  # smtps: TLS from the start
    starttls: bool = False
    user: str | None = None
    password: str | None = None

    def send(
        self,
        to: str,
        subject: str,
        text: str,
        html: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> str:
        """Send one message (plain text, and HTML as an alternative); return its Message-ID."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = format_datetime(clock.system_now())
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        for name, value in (headers or {}).items():
            message[name] = value
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
        try:
            if self.tls:
                server = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=TIMEOUT, context=ssl.create_default_context()
                )
            else:
                server = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT)
            with server:
                if self.starttls:
                    server.starttls(context=ssl.create_default_context())
                if self.user:
                    server.login(self.user, self.password or "")
                server.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(
                f"the mail server at {self.host}:{self.port} did not take the "
                f"message ({exc.__class__.__name__})"
            ) from None
        return message["Message-ID"]


def parse_url(url: str, sender: str) -> Mailer:
    """A Mailer for an smtp:// or smtps:// URL; ValueError naming what is wrong."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("PLANNER_SMTP_URL must start with smtp:// or smtps://")
    if not parts.hostname:
        raise ValueError("PLANNER_SMTP_URL names no host")
    if "@" not in sender:
        raise ValueError("PLANNER_MAIL_FROM must be an email address")
    query = parse_qs(parts.query)
    return Mailer(
        host=parts.hostname,
        port=parts.port or (465 if parts.scheme == "smtps" else 25),
        sender=sender,
        tls=parts.scheme == "smtps",
        starttls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def mailer(config) -> Mailer | None:
    """The app's Mailer from its config (SMTP_URL, MAIL_FROM), or None when mail is not set up."""
    url = config.get("SMTP_URL")
    if not url:
        return None
    return parse_url(url, config.get("MAIL_FROM") or "planner@localhost")
