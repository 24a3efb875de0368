"""Accounts people control (issue 13, point 4): name, email and password; a reset by email
through a real SMTP server; signing out everywhere; deleting the account or, for the patient,
the household; downloading one's data."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from planner.store import accounts, resets, ticks
from tests import factories as f
from tests.conftest import CSRF, login

PASSWORD = "pw-123456789"  # factories.user's


def _signed_in_as(client) -> str | None:
    text = client.get("/").text
    marker = "Signed in as "
    return text.split(marker, 1)[1].split("<", 1)[0] if marker in text else None


def _csrf(client) -> None:
    with client.session_transaction() as session:
        session["csrf"] = CSRF["csrf_token"]


def _post(client, url: str, **data):
    return client.post(url, data={**data, **CSRF})


def _sign_in(client, email: str, password: str):
    _csrf(client)
    return _post(client, "/login", email=email, password=password)


@pytest.fixture
def ann(app, client, db):
    user = f.user(db, "Ann")
    login(client, user["id"])
    return user


def test_the_account_page_shows_each_setting(client, ann):
    page = client.get("/account")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    for words in (
        "Your name",
        "Email address",
        "Change the password",
        "Sign out everywhere",
        "Download my data",
        "Delete my account",
    ):
        assert words in page.text
    assert "signed in on 1 browser" in page.text


def test_a_name_can_be_changed_and_an_empty_one_is_refused(client, db, ann):
    assert _post(client, "/account/name", name="  Ann Lee ").status_code == 303
    assert accounts.get_user(db, ann["id"])["name"] == "Ann Lee"
    refused = _post(client, "/account/name", name="   ")
    assert refused.status_code == 422 and "Enter your name" in refused.text
    assert accounts.get_user(db, ann["id"])["name"] == "Ann Lee"


def test_the_email_changes_only_with_the_current_password(app, client, db, ann):
    wrong = _post(client, "/account/email", email="new@example.org", email_password="guess")
    assert wrong.status_code == 422 and "not your current password" in wrong.text
    assert accounts.get_user(db, ann["id"])["email"] == ann["email"]
    taken = f.user(db, "Bob")
    clash = _post(client, "/account/email", email=taken["email"], email_password=PASSWORD)
    assert clash.status_code == 422 and "Another account uses this email" in clash.text
    done = _post(client, "/account/email", email="New@Example.org", email_password=PASSWORD)
    assert done.status_code == 303
    assert _sign_in(app.test_client(), "new@example.org", PASSWORD).status_code == 303


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, client, db, ann):
    phone = app.test_client()
    assert _sign_in(phone, ann["email"], PASSWORD).status_code == 303
    assert _signed_in_as(phone) == ann["email"]
    short = _post(client, "/account/password", current_password=PASSWORD, new_password="short")
    assert short.status_code == 422 and "at least 8 characters" in short.text
    wrong = _post(
        client, "/account/password", current_password="guess", new_password="a new long password"
    )
    assert wrong.status_code == 422 and "not your current password" in wrong.text
    assert _signed_in_as(phone) == ann["email"]
    done = _post(
        client, "/account/password", current_password=PASSWORD, new_password="a new long password"
    )
    assert done.status_code == 303
    assert "signed out on 1 other browser" in client.get("/account").text
    assert _signed_in_as(phone) is None
    assert _signed_in_as(client) == ann["email"]
    assert _sign_in(app.test_client(), ann["email"], PASSWORD).status_code == 422
    assert _sign_in(app.test_client(), ann["email"], "a new long password").status_code == 303


def test_sign_out_everywhere_ends_every_session(app, client, ann):
    phone = app.test_client()
    _sign_in(phone, ann["email"], PASSWORD)
    response = _post(client, "/account/sign-out-everywhere")
    assert response.status_code == 303 and response.location.startswith("/login")
    assert _signed_in_as(phone) is None
    assert _signed_in_as(client) is None


# Password reset by mail -------------------------------------------------------------------------


def _reset_link(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://localhost(/reset/\S+)", text).group(1)


def test_a_reset_by_mail_sets_a_new_password_once(app, client, db, smtp_sink):
    app.config.update(SMTP_URL=smtp_sink.url, MAIL_FROM="planner@example.org")
    ann = f.user(db, "Ann")
    phone = app.test_client()
    _sign_in(phone, ann["email"], PASSWORD)
    _csrf(client)
    asked = _post(client, "/reset", email=ann["email"].upper())
    assert asked.status_code == 200 and "If an account uses" in asked.text
    [message] = smtp_sink.messages
    assert message["To"] == ann["email"] and message["From"] == "planner@example.org"
    link = _reset_link(message)
    page = client.get(link)
    assert page.status_code == 200 and "Choose a new password" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert _post(client, link, password="short").status_code == 422
    done = _post(client, link, password="my new password")
    assert done.status_code == 303
    assert _signed_in_as(client) == ann["email"]
    assert _signed_in_as(phone) is None  # every other session ended
    other = app.test_client()
    _csrf(other)
    again = _post(other, link, password="someone else's")
    assert again.status_code == 410  # used once: gone
    assert _signed_in_as(other) is None
    gone = client.get(link)
    assert gone.status_code == 410 and "does not work any more" in gone.text
    assert _sign_in(app.test_client(), ann["email"], "my new password").status_code == 303


def test_reset_answers_alike_for_an_unknown_email_and_mails_nobody(app, client, db, smtp_sink):
    app.config.update(SMTP_URL=smtp_sink.url)
    ann = f.user(db, "Ann")
    _csrf(client)
    known = _post(client, "/reset", email=ann["email"])
    unknown = _post(client, "/reset", email="nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace(ann["email"], "X") == unknown.text.replace("nobody@example.org", "X")
    assert [m["To"] for m in smtp_sink.messages] == [ann["email"]]


def test_a_reset_link_expires_after_an_hour(app, client, db):
    ann = f.user(db, "Ann")
    token = resets.create(db, ann["id"], at=f.NOW - resets.LIFETIME)
    assert client.get(f"/reset/{token}").status_code == 410
    assert client.get("/reset/not-a-token").status_code == 410


def test_a_newer_reset_link_cancels_the_older(db):
    ann = f.user(db, "Ann")
    old = resets.create(db, ann["id"], at=f.NOW)
    new = resets.create(db, ann["id"], at=f.NOW)
    assert resets.user_for(db, old, at=f.NOW) is None
    assert resets.use(db, new, at=f.NOW) == ann["id"]
    assert resets.use(db, new, at=f.NOW) is None


def test_without_mail_the_reset_page_says_how_to_get_help(app, client, db):
    page = client.get("/reset")
    assert page.status_code == 200
    assert "cannot send email" in page.text and "ask the person who runs" in page.text
    _csrf(client)
    assert _post(client, "/reset", email="ann@example.org").status_code == 200
    app.config["HELP_CONTACT"] = "the clinic desk, 01632 960 000"
    assert "the clinic desk, 01632 960 000" in client.get("/reset").text


def test_reset_requests_are_limited_per_address(app, client, smtp_sink):
    app.config.update(SMTP_URL=smtp_sink.url, RESET_LIMIT=2)
    _csrf(client)
    for n in range(2):
        assert _post(client, "/reset", email=f"n{n}@example.org").status_code == 200
    paused = _post(client, "/reset", email="n3@example.org")
    assert paused.status_code == 429 and "wait an hour" in paused.text


# Deleting ---------------------------------------------------------------------------------------


def test_deleting_an_account_erases_who_it_was_and_keeps_the_ticks(app, catalog, db):
    h = f.home(app, db, catalog)
    ben = accounts.get_user(db, h["caregiver"])
    item = db.execute(
        "select item_id from tasks where household_id = ? limit 1", [h["id"]]
    ).fetchone()[0]
    ticks.set_state(db, h["id"], item, f.DAY.isoformat(), 0, "done", ben["id"], at=f.NOW)
    client = app.test_client()
    login(client, ben["id"])
    page = client.get("/account/delete")
    assert "cannot be undone" in page.text
    assert _post(client, "/account/delete", password="guess").status_code == 422
    done = _post(client, "/account/delete", password=PASSWORD)
    assert done.status_code == 303
    assert _signed_in_as(client) is None
    row = db.execute(
        "select name, email, password_hash, deleted_at from users where id = ?", [ben["id"]]
    ).fetchone()
    assert row[0] == "A former member" and "@" not in row[1] and row[2] == "!" and row[3]
    assert ben["email"] not in json.dumps(db.execute("select * from users").fetchall())
    assert accounts.get_membership(db, h["id"], ben["id"]) is None
    assert (
        db.execute(
            "select by_user from ticks where household_id = ? and item_id = ?", [h["id"], item]
        ).fetchone()[0]
        == ben["id"]
    )
    anna = app.test_client()
    login(anna, h["patient"])
    assert "by A former member" in anna.get(f"/h/{h['id']}/history").text
    assert _sign_in(app.test_client(), ben["email"], PASSWORD).status_code == 422


def test_the_patient_decides_about_the_household_before_deleting_the_account(app, catalog, db):
    h = f.home(app, db, catalog)
    client = app.test_client()
    login(client, h["patient"])
    page = client.get("/account/delete")
    assert "you are its patient" in page.text and "Delete my account" not in page.text
    assert _post(client, "/account/delete", password=PASSWORD).status_code == 200
    assert accounts.get_user(db, h["patient"])["name"] == "Anna"


def test_the_patient_deletes_the_household_after_typing_its_name(app, catalog, db):
    h = f.home(app, db, catalog)
    name = accounts.get_household(db, h["id"])["name"]
    caregiver = app.test_client()
    login(caregiver, h["caregiver"])
    assert caregiver.get(f"/h/{h['id']}/delete").status_code == 403
    patient = app.test_client()
    login(patient, h["patient"])
    page = patient.get(f"/h/{h['id']}/delete")
    assert page.status_code == 200 and f"Delete {name}" in unescape(page.text)
    wrong = _post(patient, f"/h/{h['id']}/delete", confirm_name="yes")
    assert wrong.status_code == 422 and "exactly as shown" in wrong.text
    assert accounts.get_household(db, h["id"]) is not None
    assert _post(patient, f"/h/{h['id']}/delete", confirm_name=name).status_code == 303
    assert accounts.get_household(db, h["id"]) is None
    for table in ("members", "tasks", "plans", "profiles", "ticks", "tick_events", "invites"):
        assert (
            db.execute(
                f"select count(*) from {table} where household_id = ?", [h["id"]]
            ).fetchone()[0]
            == 0
        ), table
    assert caregiver.get(f"/h/{h['id']}/today").status_code == 404
    assert accounts.get_household(db, h["other"]) is not None
    # Now the patient may delete the account.
    assert _post(patient, "/account/delete", password=PASSWORD).status_code == 303


def test_download_my_data_is_the_export_of_each_household(app, catalog, db):
    h = f.home(app, db, catalog)
    client = app.test_client()
    login(client, h["patient"])
    response = client.get("/account/data")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["account"]["id"] == h["patient"]
    [household] = data["households"]
    assert household["format"] == "planner-household-export"
    assert household["household"]["id"] == h["id"] and household["plans"]
    assert "password" not in response.text
    assert app.test_client().get("/account/data").status_code == 302
