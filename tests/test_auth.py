"""Signing up, in and out: validation next to the field, no account enumeration, safe redirects."""

from __future__ import annotations

import pytest

from planner.store import accounts, sessions
from tests import factories as f
from tests.conftest import CSRF, login
from tests.dbstate import count


def _users(db) -> int:
    return count(db, "users")


def _csrf(client) -> None:
    with client.session_transaction() as session:
        session["csrf"] = CSRF["csrf_token"]


def _signup(client, **fields):
    _csrf(client)
    data = {"name": "Ann Lee", "email": "ann@example.org", "password": "long enough", **CSRF}
    data.update(fields)
    return client.post("/signup", data=data)


def test_signup_creates_account_and_signs_in(client, db):
    response = _signup(client, email="  Ann@Example.ORG ")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    user = db.execute("select email, password_hash from users").fetchone()
    assert user[0] == "ann@example.org"
    assert user[1].startswith("scrypt:") and "long enough" not in user[1]
    page = client.get("/")
    assert "Your households" in page.text
    assert "Welcome, Ann Lee" in page.text


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"password": "short"}, "password", "Use at least 8 characters."),
        ({"email": "not-an-email"}, "email", "Enter an email address"),
        ({"name": ""}, "name", "Enter your name"),
    ],
)
def test_signup_errors_are_next_to_the_field_and_nothing_is_stored(
    client, db, fields, field, message
):
    response = _signup(client, **fields)
    assert response.status_code == 422
    assert f'<p class="field-error" id="f-{field}-error">{message}' in response.text
    assert (
        f'aria-describedby="f-{field}-error"' in response.text
        or f'aria-describedby="f-{field}-hint f-{field}-error"' in response.text
    )
    assert _users(db) == 0


def test_signup_keeps_what_was_typed_except_the_password(client):
    response = _signup(client, email="ann@example.org", password="short")
    assert 'value="ann@example.org"' in response.text
    assert 'value="short"' not in response.text


def test_signup_without_csrf_is_refused_and_nothing_is_stored(client, db):
    response = client.post(
        "/signup", data={"name": "Ann", "email": "ann@example.org", "password": "long enough"}
    )
    assert response.status_code == 400
    assert "This form has expired" in response.text
    assert _users(db) == 0


def test_signup_with_a_taken_email_does_not_confirm_the_account(client, db):
    accounts.create_user(db, "ann@example.org", "Ann", "first password", at=f.NOW)
    response = _signup(client, email="ANN@example.org")
    assert response.status_code == 422
    assert "could not create an account with that email" in response.text
    assert "If you already have one, sign in" in response.text
    assert _users(db) == 1


def _login(client, email="ann@example.org", password="right password", next_url=None):
    _csrf(client)
    url = "/login" if next_url is None else f"/login?next={next_url}"
    return client.post(url, data={"email": email, "password": password, **CSRF})


def test_login_rotates_the_session(client, db):
    user = accounts.create_user(db, "ann@example.org", "Ann", "right password", at=f.NOW)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    response = _login(client, email="Ann@Example.org")
    assert response.status_code == 303
    with client.session_transaction() as session:
        assert sessions.user_for(db, session["sid"], at=f.NOW)["id"] == user["id"]
        assert "planted" not in session
        assert "csrf" not in session  # a new token is made for the new session
        assert session.permanent


@pytest.mark.parametrize(
    "email, password",
    [
        ("ann@example.org", "wrong password"),
        ("nobody@example.org", "right password"),
    ],
)
def test_wrong_password_and_unknown_email_get_the_same_answer(client, db, email, password):
    accounts.create_user(db, "ann@example.org", "Ann", "right password", at=f.NOW)
    response = _login(client, email=email, password=password)
    assert response.status_code == 422
    assert "That email and password do not match" in response.text
    assert f'value="{email}"' in response.text
    with client.session_transaction() as session:
        assert "sid" not in session


def test_empty_login_fields_are_named(client):
    response = _login(client, email="", password="")
    assert response.status_code == 422
    assert "Enter your email address." in response.text
    assert "Enter your password." in response.text


def test_unknown_email_still_checks_a_password_hash(db, monkeypatch):
    checked = []
    real = accounts.check_password_hash
    monkeypatch.setattr(
        accounts,
        "check_password_hash",
        lambda stored, password: checked.append(stored) or real(stored, password),
    )
    assert accounts.authenticate(db, "nobody@example.org", "whatever", at=f.NOW) is None
    assert checked == [accounts._dummy_hash()] and checked[0].startswith("scrypt:")


def test_many_wrong_passwords_pause_sign_in_for_that_email(client, db):
    accounts.create_user(db, "ann@example.org", "Ann", "right password", at=f.NOW)
    for _ in range(accounts.MAX_FAILURES):
        assert _login(client, password="wrong password").status_code == 422
    response = _login(client)
    assert response.status_code == 429
    assert "too many tries" in response.text
    with client.session_transaction() as session:
        assert "sid" not in session
    accounts.create_user(db, "bob@example.org", "Bob", "right password", at=f.NOW)
    assert _login(client, email="bob@example.org").status_code == 303


@pytest.mark.parametrize(
    "next_url, expected",
    [
        ("/h/1/members", "/h/1/members"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_login_goes_back_only_to_a_local_path(client, db, next_url, expected):
    accounts.create_user(db, "ann@example.org", "Ann", "right password", at=f.NOW)
    response = _login(client, next_url=next_url)
    assert response.status_code == 303
    assert response.headers["Location"] == expected


def test_anonymous_visitor_is_sent_to_login_and_back(client, db):
    response = client.get("/h/1/members")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/h/1/members"
    page = client.get(response.headers["Location"])
    assert 'action="/login?next=/h/1/members"' in page.text
    assert 'href="/signup?next=/h/1/members"' in page.text


def test_logout_forgets_the_session(client, db):
    user = accounts.create_user(db, "ann@example.org", "Ann", "right password", at=f.NOW)
    login(client, user["id"])
    assert client.get("/logout").status_code == 405
    response = client.post("/logout", data=CSRF)
    assert response.status_code == 303
    with client.session_transaction() as session:
        assert "sid" not in session
    assert "You have signed out." in client.get("/").text


def test_logout_without_csrf_keeps_the_session(client, db):
    user = accounts.create_user(db, "ann@example.org", "Ann", "right password", at=f.NOW)
    login(client, user["id"])
    assert client.post("/logout").status_code == 400
    with client.session_transaction() as session:
        assert sessions.user_for(db, session["sid"], at=f.NOW)["id"] == user["id"]
