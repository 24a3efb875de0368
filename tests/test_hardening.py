"""Hardening (issue 13, point 6): no caching of private pages, signup checked and limited before
the costly hash, the sign-in limit held under concurrency, and file permissions."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from planner.store import accounts
from planner.store.sql import close_thread_dbs
from tests import factories as f
from tests.conftest import CSRF, login


def _csrf(client) -> None:
    with client.session_transaction() as session:
        session["csrf"] = CSRF["csrf_token"]


def _signup(client, email: str, password: str = "long enough"):
    _csrf(client)
    return client.post(
        "/signup", data={"name": "New", "email": email, "password": password, **CSRF}
    )


def test_private_pages_are_never_stored_and_static_files_may_be(app, catalog, db):
    h = f.home(app, db, catalog)
    client = app.test_client()
    login(client, h["patient"])
    for url in (
        f"/h/{h['id']}/today",
        f"/h/{h['id']}/share",
        f"/h/{h['id']}/profile",
        f"/h/{h['id']}/history",
        "/account",
        "/",
    ):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    static = client.get("/static/app.css")
    assert static.headers.get("Cache-Control") != "no-store"
    static.close()


def test_signup_is_limited_per_address_with_a_kind_page(app, db):
    app.config["SIGNUP_LIMIT"] = 3
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.20"
    for n in range(3):
        assert _signup(client, f"n{n}@example.org").status_code == 303
    paused = _signup(client, "n4@example.org")
    assert paused.status_code == 429
    assert "Please wait an hour" in paused.text and "invite you" in paused.text
    assert accounts.user_by_email(db, "n4@example.org") is None
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    assert _signup(elsewhere, "n5@example.org").status_code == 303


def test_a_bad_signup_form_costs_no_hash_and_no_attempt(app, client, db, monkeypatch):
    hashed = []
    monkeypatch.setattr(accounts, "generate_password_hash", lambda *a, **k: hashed.append(1) or "x")
    assert _signup(client, "not-an-email").status_code == 422
    assert _signup(client, "ann@example.org", password="short").status_code == 422
    assert hashed == []
    assert db.execute("select count(*) from attempts").fetchone()[0] == 0


def test_a_taken_email_costs_no_hash_and_mails_its_owner(app, client, db, smtp_sink, monkeypatch):
    app.config.update(SMTP_URL=smtp_sink.url)
    ann = f.user(db, "Ann")
    hashed = []
    monkeypatch.setattr(accounts, "generate_password_hash", lambda *a, **k: hashed.append(1) or "x")
    taken = _signup(client, ann["email"].upper())
    assert taken.status_code == 422
    assert "If you already have one, sign in" in taken.text
    assert hashed == []
    [message] = smtp_sink.messages
    assert message["To"] == ann["email"]
    assert "tried to create a new planner account" in message.get_content()


def test_the_sign_in_limit_holds_against_concurrent_guesses(app, db, monkeypatch):
    """Thirty guesses at once: at most MAX_FAILURES passwords are checked; the rest wait."""
    accounts.create_user(db, "ann@example.org", "Ann", "right password", at=f.NOW)
    checked = []
    real = accounts.check_password_hash
    monkeypatch.setattr(
        accounts,
        "check_password_hash",
        lambda stored, given: checked.append(1) or real(stored, given),
    )
    clients = []
    for n in range(30):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{n + 1}"
        _csrf(client)
        clients.append(client)
    start = threading.Barrier(len(clients))
    statuses = []

    def guess(client):
        start.wait()
        try:
            response = client.post(
                "/login", data={"email": "ann@example.org", "password": "a guess", **CSRF}
            )
            statuses.append(response.status_code)
        finally:
            close_thread_dbs()

    threads = [threading.Thread(target=guess, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) <= accounts.MAX_FAILURES
    assert sorted(set(statuses)) == [422, 429]
    assert statuses.count(422) == len(checked)


@pytest.mark.engines("sqlite")  # the files of SQLite; PostgreSQL keeps its own
def test_the_database_and_its_wal_files_are_private(app, client, db):
    _signup(client, "ann@example.org")
    base = app.config["DATABASE"]
    for path in (base, base + "-wal", base + "-shm"):
        if os.path.exists(path):
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    assert os.path.exists(base + "-wal")


def test_deeply_nested_or_huge_profile_json_is_refused_with_422(app, catalog, db):
    h = f.home(app, db, catalog)
    client = app.test_client()
    login(client, h["patient"])
    before = db.execute("select max(version) from plans").fetchone()[0]
    for text in (
        "[" * 9_000 + "]" * 9_000,
        '{"a":' * 20 + "1" + "}" * 20,
        '{"lesion_sites": [' + ", ".join(['"pelvis"'] * 1800) + "]}",
    ):
        response = client.post(f"/h/{h['id']}/profile/apply", data={"profile_json": text, **CSRF})
        assert response.status_code == 422, text[:30]
    assert db.execute("select max(version) from plans").fetchone()[0] == before


def test_an_empty_secret_key_file_is_replaced(tmp_path):
    from planner.web.app import _secret_key

    (tmp_path / "secret_key").write_text("  \n")
    key = _secret_key(tmp_path)
    assert len(key) == 64
    assert (tmp_path / "secret_key").read_text() == key
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert _secret_key(tmp_path) == key  # kept from then on


def test_links_use_the_base_url_whatever_the_host_header(app, catalog, db):
    from planner.web.base_url import CanonicalHost

    h = f.home(app, db, catalog)
    app.wsgi_app = CanonicalHost(app.wsgi_app, "https://planner.example.org")
    client = app.test_client()
    login(client, h["patient"])
    # The request names http://localhost (the test client's host); the link does not.
    response = client.post(
        f"/h/{h['id']}/share/links",
        follow_redirects=True,
        data={"kind": "view", "expires": "7", **CSRF},
    )
    assert "https://planner.example.org/view/" in response.text
    assert "http://localhost" not in response.text


def test_a_malformed_base_url_stops_the_app_with_a_clear_message(tmp_path):
    import pytest

    from planner import create_app

    with pytest.raises(ValueError, match="must be a full address"):
        create_app(
            {
                "TESTING": True,
                "DATABASE": str(tmp_path / "x.db"),
                "SECRET_KEY": "x",
                "BASE_URL": "planner.example.org",
            }
        )
