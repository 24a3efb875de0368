"""Templates: saved by a physiotherapist, applied to another of their households after the
conflicts with that household's profile are listed and confirmed; all or nothing."""

from __future__ import annotations

import re

import pytest

from planner.store import accounts
from planner.store import tailoring as store
from tests import factories as f
from tests.conftest import CSRF, login

SPINE = {"lesion_sites": ["spine-thoracic"], "fracture_risk": "low", "weight_bearing": "full"}


@pytest.fixture
def two(app, db, catalog):
    """Priya is the physiotherapist of Anna's household and of Carl's (thoracic spine)."""
    h = f.home(app, db, catalog)
    other, carl = f.household(db, "patient", "Carl")
    f.with_plan(db, catalog, other["id"], carl["id"], SPINE)
    accounts.add_member(db, other["id"], h["physio"], "physio", at=f.NOW)
    return h, other["id"]


def saved(client, h, name="Hips, gentle"):
    login(client, h["physio"])
    # Anna's high fracture risk leaves the band row out until her physiotherapist clears it.
    client.post(
        f"/h/{h['id']}/exercises/add",
        data={**CSRF, "item_id": "seated-band-row", "override_reason": "Cleared"},
    )
    client.post(
        f"/h/{h['id']}/exercises/seated-band-row/dose", data={**CSRF, "sets": "2", "reps": "12"}
    )
    client.post(
        f"/h/{h['id']}/exercises/add",
        data={**CSRF, "item_id": "sit-to-stand", "override_reason": "Supervised"},
    )
    return client.post(f"/h/{h['id']}/templates", data={**CSRF, "name": name})


def test_only_the_physio_reaches_templates(client, two):
    h, _ = two
    for role in ("patient", "caregiver"):
        login(client, h[role])
        assert client.get(f"/h/{h['id']}/templates").status_code == 403
        assert client.post(f"/h/{h['id']}/templates", data={**CSRF, "name": "x"}).status_code == 403
    login(client, h["outsider"])
    assert client.get(f"/h/{h['id']}/templates").status_code == 404


def test_save_names_are_checked(client, db, two):
    h, _ = two
    assert saved(client, h).status_code == 303
    again = client.post(f"/h/{h['id']}/templates", data={**CSRF, "name": " Hips,  gentle "})
    assert again.status_code == 422 and "You already have a template called" in again.text
    assert client.post(f"/h/{h['id']}/templates", data={**CSRF, "name": "  "}).status_code == 422
    long = client.post(f"/h/{h['id']}/templates", data={**CSRF, "name": "n" * 81})
    assert long.status_code == 422 and "80 characters" in long.text
    assert len(store.templates(db, h["physio"])) == 1
    template = store.get_template(db, h["physio"], store.templates(db, h["physio"])[0]["id"])
    assert all("override_reason" not in e for e in template["tailoring"]["exercises"])


def test_apply_lists_conflicts_and_needs_confirmation(client, db, two):
    h, other = two
    saved(client, h)
    tid = store.templates(db, h["physio"])[0]["id"]
    check = client.get(f"/h/{other}/templates/{tid}")
    assert check.status_code == 200
    # Carl's thoracic spine rules out the band row (shoulder load); nothing applied yet.
    assert (
        "Pull a light exercise band towards you"
        in check.text.split('id="conflicts-h"')[1].split("result-h")[0]
    )
    assert store.get_draft(db, other) is None
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', check.text).group(1)
    unconfirmed = client.post(f"/h/{other}/templates/{tid}/apply", data={**CSRF, "seen": seen})
    assert unconfirmed.status_code == 422 and store.get_draft(db, other) is None
    stale = client.post(
        f"/h/{other}/templates/{tid}/apply", data={**CSRF, "seen": "0" * 64, "confirm": "yes"}
    )
    assert stale.status_code == 422 and "Something changed since you looked" in stale.text
    assert store.get_draft(db, other) is None
    done = client.post(
        f"/h/{other}/templates/{tid}/apply", data={**CSRF, "seen": seen, "confirm": "yes"}
    )
    assert done.status_code == 303
    draft = store.get_draft(db, other)
    assert [e["id"] for e in draft["exercises"]] == [
        e["id"] for e in store.get_template(db, h["physio"], tid)["tailoring"]["exercises"]
    ]
    editor = client.get(f"/h/{other}/exercises").text
    assert "Not published yet" in editor
    assert "Not on the plan: the profile rules it out." in editor  # the band row, greyed


def test_another_physios_template_is_not_found(client, db, two):
    h, other = two
    saved(client, h)
    tid = store.templates(db, h["physio"])[0]["id"]
    stranger = f.member(db, other, "physio", "Sam")
    login(client, stranger["id"])
    assert client.get(f"/h/{other}/templates/{tid}").status_code == 404
