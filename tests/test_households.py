"""The start page, creating households, the people page, removing members and leaving."""

from __future__ import annotations

import pytest

from planner.store import accounts
from tests import factories as f
from tests.conftest import CSRF, login
from tests.dbstate import count


@pytest.fixture
def people(db):
    """A household with a patient, a caregiver and a physio, and an outsider with their own."""
    made = {
        role: f.user(db, role.title()) for role in ("patient", "caregiver", "physio", "outsider")
    }
    home = accounts.create_household(db, "Maria's home", made["patient"]["id"], "patient", at=f.NOW)
    accounts.add_member(db, home["id"], made["caregiver"]["id"], "caregiver", at=f.NOW)
    accounts.add_member(db, home["id"], made["physio"]["id"], "physio", at=f.NOW)
    other = accounts.create_household(
        db, "Elsewhere", made["outsider"]["id"], "caregiver", at=f.NOW
    )
    return {
        **{role: user["id"] for role, user in made.items()},
        "home": home["id"],
        "other": other["id"],
    }


def test_anonymous_start_page_welcomes_and_offers_both_ways_in(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "Your care plan at home, shared" in page.text
    assert 'href="/login"' in page.text and "Sign in" in page.text
    assert 'href="/signup"' in page.text and "Create an account" in page.text


def test_start_page_lists_households_with_role_and_today_link(client, people):
    login(client, people["caregiver"])
    page = client.get("/").text
    assert "Maria&#39;s home" in page
    assert "You are a caregiver here." in page
    assert f'href="/h/{people["home"]}/members"' in page
    assert "Open today’s tasks" in page
    assert "button big" in page  # the only household: one big way in
    assert "Elsewhere" not in page


def test_start_page_with_no_household_says_what_to_do(client, db):
    user = f.user(db, "New")
    login(client, user["id"])
    page = client.get("/").text
    assert "You are not in a household yet." in page
    assert "Create a household" in page


def test_create_household_makes_the_creator_a_member_with_their_role(client, db):
    user = f.user(db, "New")
    login(client, user["id"])
    response = client.post("/households", data={"name": " Our flat ", "role": "physio", **CSRF})
    assert response.status_code == 303
    [household] = accounts.households_for(db, user["id"])
    assert household["name"] == "Our flat"
    assert household["role"] == "physio"
    assert response.headers["Location"].endswith(f"/h/{household['id']}/profile")


@pytest.mark.parametrize(
    "data, error_id, message",
    [
        ({"name": "", "role": "patient"}, "f-name-error", "Give the household a name"),
        ({"name": "Home", "role": "doctor"}, "role-error", "Choose your role in this household."),
        ({"name": "x" * 81, "role": "patient"}, "f-name-error", "Use at most 80 characters."),
    ],
)
def test_create_household_errors_show_by_the_field_and_store_nothing(
    client, db, data, error_id, message
):
    user = f.user(db, "New")
    login(client, user["id"])
    response = client.post("/households", data={**data, **CSRF})
    assert response.status_code == 422
    assert f'<p class="field-error" id="{error_id}">{message}' in response.text
    assert count(db, "households") == 0


def test_create_household_without_csrf_stores_nothing(client, db):
    user = f.user(db, "New")
    login(client, user["id"])
    response = client.post("/households", data={"name": "Home", "role": "patient"})
    assert response.status_code == 400
    assert count(db, "households") == 0


def test_members_page_lists_people_with_roles_and_marks_its_nav_link(client, people):
    login(client, people["physio"])
    page = client.get(f"/h/{people['home']}/members").text
    for name, role in (
        ("Patient", "Patient"),
        ("Caregiver", "Caregiver"),
        ("Physio", "Physiotherapist"),
    ):
        assert f"<strong>{name}</strong>" in page
        assert f'<span class="role-badge">{role}</span>' in page
    assert "<strong>Physio</strong> (you)" in page
    assert f'<a href="/h/{people["home"]}/members" aria-current="page">People</a>' in page
    assert 'href="/">Switch household</a>' in page


def test_the_caregiver_the_patient_names_removes_the_physio(client, db, people):
    login(client, people["caregiver"])
    page = client.get(f"/h/{people['home']}/members").text
    assert "Remove<span" not in page and "Who helps you manage" not in page
    login(client, people["patient"])
    assert (
        client.post(
            f"/h/{people['home']}/manager", data={**CSRF, "user_id": people["caregiver"]}
        ).status_code
        == 303
    )
    page = client.get(f"/h/{people['home']}/members").text
    assert "Patient named Caregiver to help manage the household." in page
    login(client, people["caregiver"])
    response = client.post(f"/h/{people['home']}/members/{people['physio']}/remove", data=CSRF)
    assert response.status_code == 303
    assert accounts.get_membership(db, people["home"], people["physio"]) is None
    page = client.get(response.headers["Location"]).text
    assert "Physio was removed from Maria&#39;s home." in page
    # Everyone in the household sees it.
    login(client, people["patient"])
    page = client.get(f"/h/{people['home']}/members").text
    assert "Caregiver removed Physio (physiotherapist)." in page


def test_the_patient_names_only_a_caregiver_of_the_household(client, db, people):
    login(client, people["patient"])
    for chosen in (people["physio"], people["outsider"], "x"):
        response = client.post(f"/h/{people['home']}/manager", data={**CSRF, "user_id": chosen})
        assert response.status_code == 422
        assert "Choose one of the caregivers listed, or nobody." in response.text
    assert accounts.get_household(db, people["home"])["manager_id"] is None


def test_physio_cannot_remove_others(client, db, people):
    login(client, people["physio"])
    page = client.get(f"/h/{people['home']}/members").text
    assert "Remove<span" not in page
    response = client.post(f"/h/{people['home']}/members/{people['caregiver']}/remove", data=CSRF)
    assert response.status_code == 403
    assert accounts.get_membership(db, people["home"], people["caregiver"]) is not None


def test_remove_without_csrf_removes_nobody(client, db, people):
    login(client, people["patient"])
    response = client.post(f"/h/{people['home']}/members/{people['physio']}/remove")
    assert response.status_code == 400
    assert accounts.get_membership(db, people["home"], people["physio"]) is not None


def test_anyone_may_leave(client, db, people):
    login(client, people["physio"])
    response = client.post(f"/h/{people['home']}/members/{people['physio']}/remove", data=CSRF)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "You have left Maria&#39;s home." in client.get("/").text
    assert client.get(f"/h/{people['home']}/members").status_code == 404


def test_the_last_patient_or_caregiver_cannot_be_removed(client, db, people):
    login(client, people["patient"])
    client.post(f"/h/{people['home']}/members/{people['caregiver']}/remove", data=CSRF)
    response = client.post(
        f"/h/{people['home']}/members/{people['patient']}/remove", data=CSRF, follow_redirects=True
    )
    assert "needs at least one patient or caregiver" in response.text
    assert accounts.get_membership(db, people["home"], people["patient"]) is not None


def test_store_refuses_to_empty_a_household_but_removes_a_physio(db, people):
    accounts.remove_member(db, people["home"], people["physio"])
    accounts.remove_member(db, people["home"], people["caregiver"])
    with pytest.raises(accounts.LastManager, match="last member"):
        accounts.remove_member(db, people["home"], people["patient"])
    with pytest.raises(accounts.NotMember):
        accounts.remove_member(db, people["home"], people["outsider"])


def test_household_and_first_member_are_written_together(db, monkeypatch):
    user = f.user(db, "New")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(accounts, "add_member", broken)
    with pytest.raises(RuntimeError):
        accounts.create_household(db, "Home", user["id"], "patient", at=f.NOW)
    assert count(db, "households") == 0
