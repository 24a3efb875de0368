"""`planner remind --at`: sends what is due at that moment once; the same moment again sends
nothing; a bad moment is refused with its problem."""

from __future__ import annotations

import stat

from click.testing import CliRunner

from planner.cli import cli
from planner.reminders import settings
from planner.store.sql import connect
from tests import factories as f
from tests.server import seed

AT = "2026-11-24T08:00:00+00:00"


def _env(tmp_path, smtp_url):
    return {
        "PLANNER_SMTP_URL": smtp_url,
        "PLANNER_MAIL_FROM": "planner@clinic.example",
        "PLANNER_SECRET_KEY": "cli-test-secret",
        "PLANNER_VAPID_KEY_FILE": str(tmp_path / "instance" / "vapid_private.pem"),
        "PLANNER_BASE_URL": "https://planner.example",
    }


def test_the_same_moment_twice_sends_once(tmp_path, smtp_sink):
    path = tmp_path / "planner.db"
    w = seed(path)
    db = connect(path)
    settings.save(db, w["id"], w["patient"]["id"], {"digest": 1, "email": 1}, at=f.NOW)
    db.close()
    env = _env(tmp_path, smtp_sink.url)
    first = CliRunner().invoke(cli, ["remind", "--db", str(path), "--at", AT], env=env)
    assert first.exit_code == 0, first.output
    assert "1 sent" in first.output
    second = CliRunner().invoke(cli, ["remind", "--db", str(path), "--at", AT], env=env)
    assert second.exit_code == 0 and "0 new" in second.output and "0 sent" in second.output
    [message] = smtp_sink.messages
    assert message["Subject"].startswith("Your plan for Tuesday")
    assert (
        f"https://planner.example/h/{w['id']}/today" in message.get_body(("plain",)).get_content()
    )
    key = tmp_path / "instance" / "vapid_private.pem"  # made at first start, for push
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_a_moment_without_a_zone_or_not_a_moment_is_refused(tmp_path):
    path = tmp_path / "planner.db"
    env = _env(tmp_path, "smtp://127.0.0.1:1")
    for value, problem in (
        ("2026-11-24T08:00", "names no time zone"),
        ("tomorrow", "is not a date and time"),
    ):
        result = CliRunner().invoke(cli, ["remind", "--db", str(path), "--at", value], env=env)
        assert result.exit_code == 2 and problem in result.output
