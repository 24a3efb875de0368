"""Web security, issue 5 section 5: CSRF on every POST, the session cookie's flags, a CSP with no
inline script or eval on every page, no framing, sign-in slowed per account and per address, a
new session at sign-in, passwords never logged nor stored, and oversized bodies refused."""

from __future__ import annotations

import logging
import re

import pytest
from flask import url_for

from planner.store import accounts
from planner.store.sql import fetch
from tests import factories as f
from tests.conftest import CSRF, LOOKS, login
from tests.dbstate import dump
from tests.test_authz_matrix import PUBLIC, ROUTES, SIGNED_IN, registered

POSTS = sorted(key for key in ROUTES if key[1] == "POST")
# Mail clients POST one-click unsubscribes (RFC 8058) with no session: the secret link in the
# mail is the permission. No other POST may go without the token.
CSRF_EXEMPT = {("reminders.unsubscribe", "POST")}
GETS = sorted(key for key in ROUTES if key[1] == "GET" and key[0] != "static")


@pytest.fixture
def w(app, db, catalog):
    return f.home(app, db, catalog)


def _url(app, key, values):
    with app.test_request_context():
        return url_for(key[0], **values)


def _allowed_client(app, w, key):
    """A client signed in as someone the route lets act (a member in its first role)."""
    client = app.test_client()
    access = ROUTES[key].access
    if access != PUBLIC:
        login(client, w["patient" if access == SIGNED_IN else access[0]])
    else:
        with client.session_transaction() as session:
            session["csrf"] = CSRF["csrf_token"]
    return client


def test_every_post_route_is_checked_here(app):
    assert {k for k in registered(app) if k[1] == "POST"} == set(POSTS)


def test_only_the_unsubscribe_link_goes_without_a_csrf_token(app):
    exempt = {
        (rule.endpoint, "POST")
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "csrf_exempt", False)
    }
    assert exempt == CSRF_EXEMPT


@LOOKS
@pytest.mark.parametrize("key", [k for k in POSTS if k not in CSRF_EXEMPT], ids=lambda k: k[0])
def test_every_post_needs_the_session_csrf_token(app, db, w, key):
    route = ROUTES[key]
    client = _allowed_client(app, w, key)
    values, form = route.values(w, db), route.form(w, db)
    url, path = _url(app, key, values), app.config["DATABASE"]
    before = dump(path)
    for sent in ({}, {"csrf_token": ""}, {"csrf_token": "guessed"}):
        response = client.post(url, data={**form, **sent})
        assert response.status_code == 400, sent
        assert "This form has expired" in response.text
        assert dump(path) == before
    wrong_header = client.post(url, data=form, headers={"X-CSRF-Token": "guessed"})
    assert wrong_header.status_code == 400 and dump(path) == before
    # The header htmx sends (hx-headers on <body>) is accepted like the form field.
    right = client.post(url, data=form, headers={"X-CSRF-Token": CSRF["csrf_token"]})
    expected = (route.ok_signed_in or route.ok) if route.access != PUBLIC else route.ok
    assert right.status_code == expected


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1, cookies
    return cookies[0]


def _sign_in(client, db, email="ann@example.org", password="right password", **kwargs):
    with client.session_transaction(**kwargs) as session:
        session["csrf"] = CSRF["csrf_token"]
    return client.post("/login", data={"email": email, "password": password, **CSRF}, **kwargs)


def test_session_cookie_is_httponly_lax_and_not_secure_over_plain_http(app, client, db):
    accounts.create_user(db, "ann@example.org", "Ann", "right password", at=f.NOW)
    cookie = _session_cookie(_sign_in(client, db))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # a browser would drop it on http://127.0.0.1
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_session_cookie_is_secure_when_served_over_https(app, db):
    # Decided per request from the scheme the server saw (request.is_secure); no proxy is
    # trusted, so X-Forwarded-Proto from a client changes nothing.
    accounts.create_user(db, "ann@example.org", "Ann", "right password", at=f.NOW)
    https = app.test_client()
    cookie = _session_cookie(_sign_in(https, db, base_url="https://localhost"))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert (
        https.get("/", base_url="https://localhost")
        .headers["Strict-Transport-Security"]
        .startswith("max-age=")
    )
    spoofed = app.test_client()
    with spoofed.session_transaction() as session:
        session["csrf"] = CSRF["csrf_token"]
    response = spoofed.post(
        "/login",
        headers={"X-Forwarded-Proto": "https"},
        data={"email": "ann@example.org", "password": "right password", **CSRF},
    )
    assert "Secure" not in _session_cookie(response)


def test_sign_in_gives_a_new_session_and_the_old_cookie_signs_no_one_in(app, db):
    accounts.create_user(db, "ann@example.org", "Ann", "right password", at=f.NOW)
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        session["csrf"] = CSRF["csrf_token"]
        session["planted"] = "fixed by an attacker"
    before = client.get_cookie("session").value
    response = _sign_in(client, db)
    assert response.status_code == 303
    after = client.get_cookie("session").value
    assert after != before
    replay = app.test_client()
    replay.set_cookie("session", before)
    assert "Signed in as" not in replay.get("/").text
    with client.session_transaction() as session:
        assert "planted" not in session and "csrf" not in session


def _inline_problems(html: str) -> list[str]:
    """Whatever in a page a CSP without 'unsafe-inline' would block, or that needs eval."""
    problems = []
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL):
        if "src=" not in attrs or body.strip():
            problems.append(f"inline script: {attrs} {body[:40]}")
    problems += re.findall(r"<style[\s>]", html)
    problems += re.findall(r"\sstyle=\"", html)
    problems += re.findall(r"\son[a-z]+=", html)
    problems += re.findall(r"\shx-on[:-][a-z:-]*=", html)  # htmx's inline handlers need eval
    problems += re.findall(r"javascript:", html)
    return problems


@LOOKS
@pytest.mark.parametrize("key", GETS, ids=lambda k: k[0])
def test_every_page_has_a_strict_csp_no_framing_and_no_inline_script(app, db, w, key):
    client = _allowed_client(app, w, key)
    response = client.get(_url(app, key, ROUTES[key].values(w, db)))
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    html = response.text
    assert _inline_problems(html) == []
    if response.mimetype == "text/html" and response.status_code == 200:  # a page, not a redirect
        config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'', html).group(1)
        assert '"allowEval":false' in config and '"allowScriptTags":false' in config
        assert '"includeIndicatorStyles":false' in config


def test_error_pages_carry_the_same_headers(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert _inline_problems(response.text) == []


@pytest.fixture
def fewer_failures(monkeypatch):
    """Lower limits, in the same relation (an address may fail more often than one account):
    every wrong password runs scrypt, 0.1 s by design, and the limits are not what these tests
    are about but how failures are counted against them. The real limits are checked on their
    own below."""
    monkeypatch.setattr(accounts, "MAX_FAILURES", 4)
    monkeypatch.setattr(accounts, "MAX_ADDRESS_FAILURES", 9)


def test_sign_in_pauses_after_ten_wrong_passwords_an_account_and_thirty_an_address():
    assert (accounts.MAX_FAILURES, accounts.MAX_ADDRESS_FAILURES) == (10, 30)
    assert accounts.FAILURE_WINDOW.total_seconds() == 15 * 60


@pytest.mark.usefixtures("fewer_failures")
def test_sign_in_is_paused_per_address_across_accounts(app, db):
    """One machine guessing many accounts: each account stays under its own limit, but the
    address is paused, even for a right password; another address is not affected."""
    accounts.create_user(db, "ann@example.org", "Ann", "right password", at=f.NOW)
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    for n in range(accounts.MAX_ADDRESS_FAILURES):
        # Each of three accounts stays under its own limit.
        response = _sign_in(guesser, db, email=f"victim{n % 3}@example.org", password="guess")
        assert response.status_code == 422
    paused = _sign_in(guesser, db)
    assert paused.status_code == 429 and "too many wrong passwords from this network" in paused.text
    with guesser.session_transaction() as session:
        assert "sid" not in session
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.1"
    assert _sign_in(elsewhere, db).status_code == 303
    assert (
        db.execute("select count(*) from login_failures where address = '203.0.113.7'").fetchone()[
            0
        ]
        == accounts.MAX_ADDRESS_FAILURES
    )


@pytest.mark.usefixtures("fewer_failures")
def test_a_right_password_does_not_reset_the_address_count(app, db):
    accounts.create_user(db, "ann@example.org", "Ann", "right password", at=f.NOW)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.8"
    for n in range(accounts.MAX_ADDRESS_FAILURES - 1):
        _sign_in(client, db, email=f"other{n}@example.org", password="guess")
    assert _sign_in(client, db).status_code == 303  # the guesser's own account
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.8"
    _sign_in(client, db, email="one-more@example.org", password="guess")
    assert _sign_in(client, db).status_code == 429


@pytest.mark.usefixtures("fewer_failures")
def test_an_old_failure_no_longer_counts(db):
    import datetime as dt

    later = f.NOW + accounts.FAILURE_WINDOW + dt.timedelta(seconds=1)
    for n in range(accounts.MAX_ADDRESS_FAILURES):
        accounts.authenticate(db, f"x{n}@example.org", "guess", "203.0.113.9", at=f.NOW)
    assert accounts.login_blocked(db, "new@example.org", "203.0.113.9", at=f.NOW) == "address"
    assert accounts.login_blocked(db, "new@example.org", "203.0.113.9", at=later) is None


SECRET = "Correct-Horse-7734-battery"


def test_passwords_are_never_logged_nor_stored_except_as_a_hash(app, client, db, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, every level: werkzeug, waitress, the app
    app.logger.setLevel(logging.DEBUG)
    with client.session_transaction() as session:
        session["csrf"] = CSRF["csrf_token"]
    assert (
        client.post(
            "/signup", data={"name": "Ann", "email": "ann@example.org", "password": SECRET, **CSRF}
        ).status_code
        == 303
    )
    client.post("/logout", data=CSRF)
    for password in (SECRET + "x", SECRET):
        with client.session_transaction() as session:
            session["csrf"] = CSRF["csrf_token"]
        client.post("/login", data={"email": "ann@example.org", "password": password, **CSRF})
    with client.session_transaction() as session:
        assert session.get("sid")  # the right password did sign in
    # A request that fails inside the app logs a traceback: it must not carry the form.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(accounts, "authenticate", lambda *a, **k: 1 / 0)
        with client.session_transaction() as session:
            session["csrf"] = CSRF["csrf_token"]
        failed = client.post(
            "/login", data={"email": "ann@example.org", "password": SECRET, **CSRF}
        )
    assert failed.status_code == 500 and SECRET not in failed.text
    assert "Unhandled error" in caplog.text  # the logs were captured
    assert SECRET not in caplog.text
    assert SECRET[:-1] not in caplog.text  # nor the wrong one, nor a part of either
    stored = dump(app.config["DATABASE"])
    assert SECRET not in stored and SECRET[:8] not in stored
    hashes = [r["password_hash"] for r in fetch(db, "select password_hash from users")]
    assert hashes[0].startswith("scrypt:") and SECRET not in hashes[0]


def test_a_body_over_the_limit_is_refused_kindly(app, client, w):
    login(client, w["patient"])
    limit = app.config["MAX_CONTENT_LENGTH"]
    before = dump(app.config["DATABASE"])
    response = client.post(
        f"/h/{w['id']}/profile/apply", data={"profile_json": "x" * (limit + 1), **CSRF}
    )
    assert response.status_code == 413
    assert "That was too much to send" in response.text and "<html" in response.text
    assert dump(app.config["DATABASE"]) == before
    small = client.post(f"/h/{w['id']}/profile/apply", data={"profile_json": "x" * 1000, **CSRF})
    assert small.status_code == 422  # under the limit: read, and refused for what it says
