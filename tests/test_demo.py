"""`planner serve --demo` and `planner migrate`: demo accounts only on an empty database."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from planner import clock, create_app, demo
from planner.cli import LIMITS, cli
from planner.store import accounts
from planner.store.sql import close_thread_dbs, connect, fetch
from tests import factories as f
from tests.conftest import CSRF
from tests.dbstate import count

# A secret in the environment keeps the command from writing one into the instance folder.
ENV = {"PLANNER_SECRET_KEY": "cli-test-secret", "PLANNER_DATABASE": None}


@pytest.fixture
def served(monkeypatch):
    """Run `planner serve ...` without starting a server; yields the calls waitress received.
    Nor the reminders' thread: it would outlive the test, every minute on a database gone
    (and its pool's reconnecting, and its mails' ids, draw on the random state that hypothesis
    watches in later tests of the same process)."""
    calls = []
    monkeypatch.setattr("waitress.serve", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.setattr("planner.reminders.scheduler.start_thread", lambda app: None)
    yield calls
    close_thread_dbs()


def serve(*args):
    return CliRunner().invoke(cli, ["serve", *args], env=ENV, catch_exceptions=False)


@pytest.fixture
def place(engine, tmp_path, request):
    """Where the command's database is, on each engine: the option that names it and a new,
    empty file or PostgreSQL database (issue 22: the demo and migrate run on both)."""
    if engine == "postgresql":
        return "--database-url", request.getfixturevalue("postgres_url")
    return "--db", str(tmp_path / "demo.db")


def _count(path, table) -> int:
    db = connect(path)
    try:
        return count(db, table)
    finally:
        db.close()


def _sign_in(path, email, password):
    app = create_app({"DATABASE": str(path), "SECRET_KEY": "x", "TESTING": True})
    client = app.test_client()
    with client.session_transaction() as session:
        session["csrf"] = CSRF["csrf_token"]
    response = client.post("/login", data={"email": email, "password": password, **CSRF})
    return client, response


def test_demo_on_an_empty_database_makes_three_accounts_that_sign_in(place, served):
    option, path = place
    result = serve("--demo", option, path, "--port", "5099")
    assert result.exit_code == 0, result.output
    for email in ("patient@example.org", "caregiver@example.org", "physio@example.org"):
        assert email in result.stdout
    assert "password demo-password" in result.stdout
    assert "http://127.0.0.1:5099/" in result.stdout
    [(_, options)] = served
    assert options == {"host": "127.0.0.1", "port": 5099, "threads": 8, **LIMITS}

    for email, _, role in demo.ACCOUNTS:
        client, response = _sign_in(path, email, "demo-password")
        assert response.status_code == 303
        page = client.get("/").text
        assert "Maria&#39;s home" in page
        # The physiotherapist starts on their caseload; the others on their households.
        assert ("Your caseload" if role == "physio" else f"{role} here") in page
    # The first plan, then the physiotherapist's tailoring, which Today announces.
    assert _count(path, "plans") == 2
    assert _count(path, "tick_events") > 20  # a week of history
    client, _ = _sign_in(path, "patient@example.org", "demo-password")
    today = client.get(client.get("/").headers.get("Location", "/h/1/today")).text
    assert "Your plan has changed" in today
    assert "2 sets of 10, hold each for 3 seconds, 2 sessions a week" in today


def test_demo_twice_does_not_duplicate(place, served):
    option, path = place
    serve("--demo", option, path)
    counts = {t: _count(path, t) for t in ("users", "households", "plans", "tick_events")}
    result = serve("--demo", option, path)
    assert "Demo household already there." in result.stdout
    assert {t: _count(path, t) for t in counts} == counts
    assert counts["users"] == 3 and counts["households"] == 1


def test_without_demo_there_are_no_accounts(place, served):
    option, path = place
    result = serve(option, path)
    assert result.exit_code == 0
    assert "example.org" not in result.stdout
    assert _count(path, "users") == 0
    _, response = _sign_in(path, "patient@example.org", "demo-password")
    assert response.status_code == 422


def test_demo_is_not_added_to_a_database_with_accounts(place, served):
    option, path = place
    serve(option, path)
    db = connect(path)
    accounts.create_user(db, "someone@example.net", "Someone", "their password", at=f.NOW)
    db.close()
    result = serve("--demo", option, path)
    assert "no demo accounts were added" in result.stdout
    assert _count(path, "users") == 1


def test_demo_plan_follows_the_profile(db, catalog):
    assert demo.seed(db, catalog, clock.pinned(f.DAY)) == "created"
    items = {row["item_id"] for row in fetch(db, "select item_id from tasks where active = 1")}
    assert {
        "floors-loose-rugs",
        "stairs-rails-both-sides",
        "dental-exam-before-first-dose",
        "injection-day",
    } <= items
    roles = {m["email"]: m["role"] for m in accounts.members(db, 1)}
    assert roles == {
        "patient@example.org": "patient",
        "caregiver@example.org": "caregiver",
        "physio@example.org": "physio",
    }


def test_migrate_creates_then_reports_up_to_date(place):
    option, path = place
    first = CliRunner().invoke(cli, ["migrate", option, path], env=ENV)
    assert first.exit_code == 0
    assert "applied m001_initial" in first.stdout
    assert _count(path, "users") == 0
    second = CliRunner().invoke(cli, ["migrate", option, path], env=ENV)
    assert "up to date" in second.stdout


def test_serve_trusts_proxy_headers_only_when_asked(tmp_path, served):
    path = tmp_path / "planner.db"
    serve("--db", str(path), "--port", "5099")
    serve("--db", str(path), "--port", "5099", "--trusted-proxy", "127.0.0.1")
    (_, plain), (_, proxied) = served
    assert "trusted_proxy" not in plain
    assert proxied["trusted_proxy"] == "127.0.0.1"
    assert proxied["trusted_proxy_headers"] == {"x-forwarded-for", "x-forwarded-proto"}
    assert proxied["clear_untrusted_proxy_headers"] is True


def test_serve_refuses_a_malformed_base_url(tmp_path, served):
    result = CliRunner().invoke(
        cli, ["serve", "--db", str(tmp_path / "p.db"), "--base-url", "planner.example.org"], env=ENV
    )
    assert result.exit_code == 1 and "must be a full address" in result.output
    assert served == []


@pytest.mark.engines("postgresql")
def test_each_serving_thread_has_a_connection_of_its_own(place, served, monkeypatch):
    """`--threads 40` on PostgreSQL: the app's pool holds a connection for every thread and
    the reminders' sender, so no request waits for another's and is answered "could not save"
    under load."""
    from planner.store import postgres

    monkeypatch.setattr(postgres, "_pool_size", postgres.POOL_SIZE)  # as the next test finds it
    option, url = place
    assert serve("--demo", option, url, "--threads", "40").exit_code == 0
    [(app, options)] = served
    assert options["threads"] == 40
    assert postgres.pool(url).max_size == 42
    postgres.close_pools()
