"""Server-side sessions (issue 13, high findings 3 and 4): a session ends on the server, so a kept
copy of the cookie opens nothing after sign-out, after its lifetime or idle time, or after a
restore; browsing neither writes to the database nor re-sends the cookie."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.store import backup
from planner.store.sql import close_thread_dbs
from tests import factories as f
from tests.conftest import CSRF, login
from tests.dbstate import dump

COOKIE = "session"


def _signup(client, email: str, name: str) -> None:
    with client.session_transaction() as session:
        session["csrf"] = CSRF["csrf_token"]
    response = client.post(
        "/signup", data={"name": name, "email": email, "password": "long enough", **CSRF}
    )
    assert response.status_code == 303


def _cookie(client) -> str:
    return client.get_cookie(COOKIE).value


def _with_cookie(app, value: str):
    """A new browser holding a copy of a cookie someone kept."""
    other = app.test_client()
    other.set_cookie(COOKIE, value)
    return other


def _signed_in_as(client) -> str | None:
    text = client.get("/").text
    marker = "Signed in as "
    return text.split(marker, 1)[1].split("<", 1)[0] if marker in text else None


def test_a_cookie_kept_from_before_sign_out_opens_nothing(app, client):
    _signup(client, "ann@example.org", "Ann")
    kept = _cookie(client)
    assert _signed_in_as(_with_cookie(app, kept)) == "ann@example.org"
    with client.session_transaction() as session:
        session["csrf"] = CSRF["csrf_token"]
    assert client.post("/logout", data=CSRF).status_code == 303
    replay = _with_cookie(app, kept)
    assert _signed_in_as(replay) is None
    assert replay.get("/h/1/today").status_code == 302  # to the sign-in page


@pytest.mark.engines("sqlite")  # restore copies SQLite files (tests/test_backup.py)
def test_after_a_restore_an_old_cookie_signs_in_as_nobody(app, client, tmp_path):
    """The backup was taken before Ann had an account; after the restore Bob signs up and gets
    the id Ann had. Ann's cookie must not open Bob's account."""
    copy = tmp_path / "before-ann.db"
    backup.backup(app.config["DATABASE"], copy)
    _signup(client, "ann@example.org", "Ann")
    close_thread_dbs()
    backup.restore(copy, app.config["DATABASE"])
    _signup(app.test_client(), "bob@example.org", "Bob")
    assert _signed_in_as(client) is None


@pytest.mark.engines("sqlite")  # restore copies SQLite files (tests/test_backup.py)
def test_a_restore_ends_every_session_even_those_in_the_backup(app, client, tmp_path):
    _signup(client, "ann@example.org", "Ann")
    copy = tmp_path / "with-ann.db"
    backup.backup(app.config["DATABASE"], copy)
    close_thread_dbs()
    backup.restore(copy, app.config["DATABASE"])
    assert _signed_in_as(client) is None


def test_an_unused_session_ends_after_the_idle_time(app, client, db):
    user = f.user(db)
    login(client, user["id"])
    app.config["TODAY"] = (f.DAY + dt.timedelta(days=6)).isoformat()
    assert _signed_in_as(client) == user["email"]  # used on day 6: the idle time starts again
    app.config["TODAY"] = (f.DAY + dt.timedelta(days=12)).isoformat()
    assert _signed_in_as(client) == user["email"]
    app.config["TODAY"] = (f.DAY + dt.timedelta(days=19)).isoformat()  # 7 days unused
    assert _signed_in_as(client) is None
    assert db.execute("select count(*) from sessions").fetchone()[0] == 0


def test_a_session_ends_after_its_lifetime_however_much_it_is_used(app, client, db):
    user = f.user(db)
    login(client, user["id"])
    for days in range(5, 30, 5):
        app.config["TODAY"] = (f.DAY + dt.timedelta(days=days)).isoformat()
        assert _signed_in_as(client) == user["email"]
    app.config["TODAY"] = (f.DAY + dt.timedelta(days=30)).isoformat()
    assert _signed_in_as(client) is None


def test_browsing_writes_nothing_and_sends_no_new_cookie(app, client, db):
    user = f.user(db)
    login(client, user["id"])
    client.get("/")  # the first use may note the session's last use
    before = dump(app.config["DATABASE"], sessions=True)
    response = client.get("/")
    assert response.status_code == 200 and user["email"] in response.text
    assert dump(app.config["DATABASE"], sessions=True) == before
    assert "Set-Cookie" not in response.headers


def test_the_cookie_holds_no_user_id(client, db):
    user = f.user(db)
    login(client, user["id"])
    with client.session_transaction() as session:
        assert set(session) <= {"sid", "csrf", "_permanent", "_flashes"}
    stored = db.execute("select id_hash from sessions").fetchone()[0]
    with client.session_transaction() as session:
        assert session["sid"] not in stored  # only a hash of the id is kept


def test_a_changed_cookie_is_refused_after_the_real_one_was_used(app, client):
    """The session interface keeps cookies it has checked (by their exact text): a cookie with
    one character changed is checked afresh, and refused, however often the real one came."""
    _signup(client, "ann@example.org", "Ann")
    real = _cookie(client)
    for _ in range(3):
        assert _signed_in_as(_with_cookie(app, real)) == "ann@example.org"
    at = next(i for i in range(len(real) // 3, len(real)) if real[i].isalnum())
    changed = real[:at] + ("A" if real[at] != "A" else "B") + real[at + 1 :]
    assert _signed_in_as(_with_cookie(app, changed)) is None
    assert _with_cookie(app, changed).get("/h/1/today").status_code == 302


def test_a_kept_cookie_older_than_the_session_lifetime_opens_nothing(app, client, monkeypatch):
    """The cookie's own signed age is checked on every use, also once it has been checked and
    kept (the server-side session would refuse it too; this is the cookie's own limit)."""
    from planner import clock

    _signup(client, "ann@example.org", "Ann")
    assert _signed_in_as(client) == "ann@example.org"  # its welcome shown: nothing mutable left
    real = _cookie(client)
    assert _signed_in_as(_with_cookie(app, real)) == "ann@example.org"  # checked and kept
    later = clock.system_now() + app.permanent_session_lifetime + dt.timedelta(seconds=5)
    monkeypatch.setattr(clock, "system_now", lambda: later)
    assert _signed_in_as(_with_cookie(app, real)) is None


def test_malformed_cookies_open_nothing_and_never_fail(app):
    """Whatever the browser sends as the cookie, the page answers: signed out, never a 500."""
    for value in (".", "a.b.c", "..", ".eJw.x.y", "Zm9v.Zm9v.Zm9v", "%%%", "é", "x" * 3000):
        browser = _with_cookie(app, value)
        assert browser.get("/").status_code == 200, value
        assert _signed_in_as(browser) is None, value
        assert browser.get("/h/1/today").status_code == 302, value  # to the sign-in page
