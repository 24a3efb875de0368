"""Mail reaches a real SMTP server (the aiosmtpd sink) with both parts and the given headers."""

from __future__ import annotations

import pytest

from planner import mail
from tests.server import free_port


def test_a_message_arrives_with_text_html_and_headers(smtp_sink):
    sender = mail.parse_url(smtp_sink.url, "planner@clinic.example")
    sender.send(
        "anna@example.org",
        "Your plan for Tuesday: 4 things",
        "Plain words.",
        html="<p>Plain words.</p>",
        headers={"List-Unsubscribe": "<https://x/u/abc>"},
    )
    [message] = smtp_sink.messages
    assert message["To"] == "anna@example.org" and message["From"] == "planner@clinic.example"
    assert message["Subject"] == "Your plan for Tuesday: 4 things"
    assert message["List-Unsubscribe"] == "<https://x/u/abc>"
    assert message.get_body(("plain",)).get_content().strip() == "Plain words."
    assert message.get_body(("html",)).get_content().strip() == "<p>Plain words.</p>"


def test_a_server_that_is_not_there_is_a_mail_error_not_a_crash():
    sender = mail.parse_url(f"smtp://127.0.0.1:{free_port()}", "planner@clinic.example")
    with pytest.raises(mail.MailError, match="did not take the message"):
        sender.send("anna@example.org", "Hello", "Words.")


@pytest.mark.parametrize(
    ("url", "problem"),
    [("http://mail.example", "smtp:// or smtps://"), ("smtp://", "names no host")],
)
def test_a_bad_url_is_refused_with_its_problem(url, problem):
    with pytest.raises(ValueError, match=problem):
        mail.parse_url(url, "planner@clinic.example")


def test_smtps_with_credentials():
    sender = mail.parse_url("smtps://me%40x:p%2Fw@mail.example", "planner@clinic.example")
    assert (sender.tls, sender.port, sender.user, sender.password) == (True, 465, "me@x", "p/w")
    assert mail.mailer({}) is None
