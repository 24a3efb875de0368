"""Invite links: shown once, stored as a hash, single use, expiring, revocable, kind when not."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest

from planner.store import accounts, links
from planner.store.sql import close_thread_dbs, thread_db
from tests import factories as f
from tests.conftest import CSRF, login
from tests.dbstate import count

LATER = f.NOW + dt.timedelta(days=7)


@pytest.fixture
def home(db):
    """A household with its caregiver, and two people who are not in it yet."""
    carer, joiner, late = f.user(db, "Carer"), f.user(db, "Joiner"), f.user(db, "Late")
    household = accounts.create_household(db, "Maria's home", carer["id"], "caregiver", at=f.NOW)
    return {"id": household["id"], "carer": carer["id"], "joiner": joiner["id"], "late": late["id"]}


def _make_link(client, home, role="physio", expires="7") -> str:
    login(client, home["carer"])
    response = client.post(
        f"/h/{home['id']}/share/links",
        data={"kind": "member", "role": role, "expires": expires, **CSRF},
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "Your invite link is ready" in page
    return re.search(r'id="new-link-url">http://localhost(/join/[^<]+)</p>', page).group(1)


def test_link_is_shown_once_and_only_its_hash_is_stored(client, db, home):
    path = _make_link(client, home)
    token = path.rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes
    stored = db.execute("select token_hash, role, expires_at from invites").fetchone()
    assert stored[0] == links.hash_token(token) and token not in stored[0]
    assert stored[1] == "physio"
    assert dt.datetime.fromisoformat(stored[2]) - f.NOW > dt.timedelta(days=6)
    page = client.get(f"/h/{home['id']}/share").text
    assert token not in page
    assert "Not used yet; works until" in page
    assert "Cancel this link" in page


def test_invite_form_errors_are_shown_and_nothing_is_stored(client, db, home):
    login(client, home["carer"])
    response = client.post(
        f"/h/{home['id']}/share/links",
        data={"kind": "member", "role": "surgeon", "expires": "365", **CSRF},
    )
    assert response.status_code == 422
    assert "Choose the role of the person you are inviting." in response.text
    assert "Choose how long the link works." in response.text
    assert count(db, "invites") == 0


def test_invite_without_csrf_stores_nothing(client, db, home):
    login(client, home["carer"])
    response = client.post(
        f"/h/{home['id']}/share/links", data={"kind": "member", "role": "physio", "expires": "7"}
    )
    assert response.status_code == 400
    assert count(db, "invites") == 0


def test_link_joins_once_with_its_role(client, app, db, home):
    path = _make_link(client, home, role="physio")
    joiner = app.test_client()
    login(joiner, home["joiner"])
    page = joiner.get(path)
    assert page.status_code == 200
    assert "Carer invited you" in page.text
    assert "as a <strong>physiotherapist</strong>" in page.text
    response = joiner.post(path, data=CSRF)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/h/{home['id']}/today"
    assert accounts.get_membership(db, home["id"], home["joiner"])["role"] == "physio"

    late = app.test_client()
    login(late, home["late"])
    again = late.post(path, data=CSRF)
    assert again.status_code == 410
    assert "This invite link has already been used." in again.text
    assert accounts.get_membership(db, home["id"], home["late"]) is None
    assert "Used by Joiner" in client.get(f"/h/{home['id']}/share").text


def test_a_member_opening_a_link_does_not_use_it_up(client, db, home):
    path = _make_link(client, home)
    page = client.get(path).text
    assert "You are already a member of this household." in page
    token = path.rsplit("/", 1)[1]
    links.redeem_invite(db, token, home["carer"], at=f.NOW)
    assert accounts.get_membership(db, home["id"], home["carer"])["role"] == "caregiver"
    assert links.link_for_token(db, token, links.MEMBER, at=f.NOW)["status"] == "active"


def test_expired_link_grants_nothing_and_says_so(client, db, home):
    token = links.create_link(
        db, home["id"], links.MEMBER, home["carer"], LATER, "caregiver", at=f.NOW
    )
    later = LATER + dt.timedelta(seconds=1)
    with pytest.raises(links.LinkInvalid) as caught:
        links.redeem_invite(db, token, home["joiner"], at=later)
    assert caught.value.reason == "expired"
    past = links.create_link(
        db,
        home["id"],
        links.MEMBER,
        home["carer"],
        f.NOW - dt.timedelta(minutes=1),
        "caregiver",
        at=f.NOW,
    )
    login(client, home["joiner"])
    response = client.post(f"/join/{past}", data=CSRF)
    assert response.status_code == 410
    assert "This invite link has expired." in response.text
    assert accounts.get_membership(db, home["id"], home["joiner"]) is None
    login(client, home["carer"])
    assert "Expired on" in client.get(f"/h/{home['id']}/share").text


def test_revoked_link_grants_nothing(client, db, home):
    path = _make_link(client, home)
    invite_id = db.execute("select id from invites").fetchone()[0]
    response = client.post(f"/h/{home['id']}/share/links/{invite_id}/revoke", data=CSRF)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "The link was cancelled." in page
    assert "Cancelled on" in page
    login(client, home["joiner"])
    response = client.get(path)
    assert response.status_code == 410
    assert "This invite link was cancelled." in response.text
    assert client.post(path, data=CSRF).status_code == 410
    assert accounts.get_membership(db, home["id"], home["joiner"]) is None


def test_revoking_a_used_link_or_another_households_link_does_nothing(db, home):
    token = links.create_link(
        db, home["id"], links.MEMBER, home["carer"], LATER, "caregiver", at=f.NOW
    )
    invite_id = links.link_for_token(db, token, links.MEMBER, at=f.NOW)["id"]
    other = accounts.create_household(db, "Other", home["late"], "patient", at=f.NOW)
    assert not links.revoke_link(db, other["id"], invite_id, at=f.NOW)
    links.redeem_invite(db, token, home["joiner"], at=f.NOW)
    assert not links.revoke_link(db, home["id"], invite_id, at=f.NOW)
    assert links.link_for_token(db, token, links.MEMBER, at=f.NOW)["status"] == "used"


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 43, "%00"])
def test_wrong_token_gets_a_clear_page(client, home, token):
    response = client.get(f"/join/{token}")
    assert response.status_code == 404
    assert "This invite link is not valid." in response.text
    login(client, home["joiner"])
    assert client.post(f"/join/{token}", data=CSRF).status_code == 404


def test_anonymous_visitor_signs_up_through_the_link_and_comes_back(client, app, db, home):
    path = _make_link(client, home, role="caregiver")
    visitor = app.test_client()
    page = visitor.get(path).text
    assert "Join Maria&#39;s home" in page
    assert f'href="/signup?next={path}"' in page
    assert f'href="/login?next={path}"' in page
    with visitor.session_transaction() as session:
        session["csrf"] = CSRF["csrf_token"]
    response = visitor.post(
        f"/signup?next={path}",
        data={"name": "Sam", "email": "sam@example.org", "password": "password1", **CSRF},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == path
    page = visitor.get(path).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert visitor.post(path, data={"csrf_token": token}).status_code == 303
    sam = accounts.user_by_email(db, "sam@example.org")
    assert accounts.get_membership(db, home["id"], sam["id"])["role"] == "caregiver"


def test_two_people_racing_for_one_link_only_one_joins(app, db, home):
    token = links.create_link(
        db, home["id"], links.MEMBER, home["carer"], LATER, "caregiver", at=f.NOW
    )
    results = {}
    barrier = threading.Barrier(2)

    def attempt(user_id):
        own = thread_db(app.config["DATABASE"])
        barrier.wait()
        try:
            links.redeem_invite(own, token, user_id, at=f.NOW)
            results[user_id] = "joined"
        except links.LinkInvalid as exc:
            results[user_id] = exc.reason
        finally:
            close_thread_dbs()

    threads = [
        threading.Thread(target=attempt, args=(uid,)) for uid in (home["joiner"], home["late"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == ["joined", "used"]
    assert db.execute("select count(*) from members").fetchone()[0] == 2
