"""The care team's numbers: stored per household by any member, checked (a bad number is named
and nothing is stored), and shown as tap-to-call links where a frightened person looks."""

from __future__ import annotations

import pytest

from planner import clock, demo
from planner.store import contacts
from tests import factories as f
from tests.conftest import CSRF, login
from tests.dbstate import dump

GOOD = {
    "emergency-phone": "01632 960 999",
    "emergency-name": "",
    "cancer-team-phone": "+44 (0)1632 960-111",
    "cancer-team-name": "Acute oncology line",
    "gp-phone": "020 7946 0444",
    "gp-name": "Dr Okafor",
}


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog)


def _save(client, h, form):
    return client.post(f"/h/{h['id']}/contacts", data={**form, **CSRF})


@pytest.mark.parametrize("role", ["patient", "caregiver", "physio"])
def test_every_member_stores_the_numbers(client, db, h, role):
    login(client, h[role])
    response = _save(client, h, GOOD)
    assert response.status_code == 303
    stored = {c["kind"]: (c["name"], c["phone"]) for c in contacts.contacts(db, h["id"])}
    assert stored == {
        "emergency": (None, "01632 960 999"),
        "cancer-team": ("Acute oncology line", "+44 (0)1632 960-111"),
        "gp": ("Dr Okafor", "020 7946 0444"),
    }
    page = client.get(f"/h/{h['id']}/contacts").text
    assert 'value="+44 (0)1632 960-111"' in page


@pytest.mark.parametrize(
    "phone, words",
    [
        ("call Tom", "is not a phone number"),
        ("0161 496 0000 ext. 5", "is not a phone number"),
        ("12", "3 to 20 digits"),
        ("+44 0161 496 0000 0000 0000 000", "is not a phone number"),
        ("01632#960", "is not a phone number"),
    ],
)
def test_a_bad_number_is_named_and_nothing_is_stored(app, client, h, phone, words):
    login(client, h["patient"])
    _save(client, h, GOOD)
    before = dump(app.config["DATABASE"])
    response = _save(client, h, {**GOOD, "dentist-phone": phone})
    assert response.status_code == 422
    assert "Nothing was saved" in response.text
    assert '<li><a href="#c-dentist-phone">Dentist: ' in response.text
    assert words in response.text
    assert 'aria-invalid="true"' in response.text
    assert dump(app.config["DATABASE"]) == before


def test_a_name_without_a_number_is_refused(client, h):
    login(client, h["patient"])
    response = _save(client, h, {"dentist-name": "Riverside Dental"})
    assert response.status_code == 422
    assert "Dentist: add the phone number, or clear the name." in response.text


def test_clearing_a_number_removes_it(client, db, h):
    login(client, h["patient"])
    _save(client, h, GOOD)
    _save(client, h, {**GOOD, "gp-phone": "", "gp-name": ""})
    assert [c["kind"] for c in contacts.contacts(db, h["id"])] == ["emergency", "cancer-team"]


def test_numbers_are_tap_to_call_on_the_urgent_page_today_and_the_handout(client, h):
    login(client, h["patient"])
    _save(client, h, GOOD)
    today = client.get(f"/h/{h['id']}/today").text  # also opens the household
    assert 'href="tel:01632960999"' in today and 'href="tel:+4401632960111"' in today
    assert "tel:02079460444" not in today  # Today's header carries the urgent ones only
    urgent = client.get("/red-flags").text
    for target in ("tel:01632960999", "tel:+4401632960111", "tel:02079460444"):
        assert f'href="{target}"' in urgent
    assert "write-line" not in urgent
    handout = client.get(f"/h/{h['id']}/handout").text
    assert 'href="tel:+4401632960111"' in handout and "Dr Okafor" in handout


def test_without_numbers_the_pages_offer_to_add_them(client, h):
    login(client, h["caregiver"])
    assert "Add your care team's numbers" in client.get(f"/h/{h['id']}/today").text
    urgent = client.get("/red-flags").text
    assert "write-line" in urgent and f"/h/{h['id']}/contacts" in urgent
    assert "tel:" not in client.get("/red-flags").text


def test_anonymous_urgent_page_keeps_the_line_to_write_on(client):
    text = client.get("/red-flags").text
    assert "write-line" in text and "tel:" not in text


def test_saving_numbers_refreshes_a_kept_today_page(client, h):
    login(client, h["patient"])
    assert "tel:" not in client.get(f"/h/{h['id']}/today").text
    _save(client, h, GOOD)
    assert "tel:01632960999" in client.get(f"/h/{h['id']}/today").text


def test_the_demo_household_has_its_numbers(db, catalog):
    assert demo.seed(db, catalog, clock.pinned(f.DAY)) == "created"
    kinds = [c["kind"] for c in contacts.contacts(db, 1)]
    assert kinds == list(contacts.KINDS)
    assert all(c["phone"].startswith(("01632 960", "020 7946 0")) for c in contacts.contacts(db, 1))
