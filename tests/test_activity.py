"""The activity log (store/activity.py): what is logged, in words, and who reads it."""

from __future__ import annotations

import pytest

from planner.store import accounts, activity, proposals
from tests import factories as f
from tests.conftest import CSRF, login


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog)


def test_a_sign_in_is_logged_in_each_household_of_the_person(client, db, h):
    ben = accounts.get_user(db, h["caregiver"])
    second, _ = f.household(db, "caregiver", "Cleo")
    accounts.add_member(db, second["id"], ben["id"], "caregiver", at=f.NOW)
    with client.session_transaction() as session:
        session["csrf"] = CSRF["csrf_token"]
    response = client.post(
        "/login", data={"email": ben["email"], "password": "pw-123456789", **CSRF}
    )
    assert response.status_code == 303
    for household_id in (h["id"], second["id"]):
        kinds = [(e["kind"], e["actor_name"]) for e in activity.entries(db, household_id)]
        assert ("signed_in", "Ben") in kinds
    # A wrong password is not a sign-in.
    with client.session_transaction() as session:
        session["csrf"] = CSRF["csrf_token"]
    client.post("/login", data={"email": ben["email"], "password": "wrong-password", **CSRF})
    assert len([e for e in activity.entries(db, h["id"]) if e["kind"] == "signed_in"]) == 1


def test_the_log_reads_in_words_and_only_the_patient_reads_it(client, db, h):
    login(client, h["patient"])
    client.post(
        f"/h/{h['id']}/share/links",
        data={"kind": "member", "role": "caregiver", "expires": "7", **CSRF},
    )
    link_id = db.execute("select max(id) from invites").fetchone()[0]
    client.post(f"/h/{h['id']}/share/links/{link_id}/revoke", data=CSRF)
    client.post(f"/h/{h['id']}/members/{h['physio']}/remove", data=CSRF)
    page = client.get(f"/h/{h['id']}/activity").text
    assert "Anna made an invite to join as caregiver." in page
    assert "Anna cancelled an invite to join as caregiver." in page
    assert "Anna removed Priya (physiotherapist)." in page
    for other in ("caregiver", "outsider"):
        login(client, h[other])
        assert client.get(f"/h/{h['id']}/activity").status_code in (403, 404)


def test_an_unknown_kind_is_refused(db, h):
    with pytest.raises(ValueError):
        activity.record(db, h["id"], "made_up", at=f.NOW)


def test_a_proposal_of_another_household_cannot_be_decided(client, db, h):
    other, olga = f.household(db, "patient", "Olga")
    change = {"field": "fracture_risk", "from": "high", "to": "low", "words": "x"}
    theirs = proposals.propose(db, other["id"], [change], olga["id"], at=f.NOW)
    login(client, h["physio"])
    response = client.post(
        f"/h/{h['id']}/proposals/{theirs}/confirm", data=CSRF, follow_redirects=True
    )
    assert "already decided" in response.text
    assert proposals.waiting(db, other["id"])["id"] == theirs
