"""Versions: who and when, read-only pages, Today's "what changed" until acknowledged, and
tailoring that survives a re-plan from the profile form."""

from __future__ import annotations

import json

import pytest

from planner.store import plans
from planner.store import tailoring as store
from tests import factories as f
from tests.conftest import CSRF, login

SAFE = "grip-squeeze"  # on f.PROFILE's plan: needs no clearance


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog)


def publish_dose(client, h, **dose):
    login(client, h["physio"])
    client.post(f"/h/{h['id']}/exercises/{SAFE}/dose", data={**CSRF, **dose})
    assert client.post(f"/h/{h['id']}/exercises/publish", data=CSRF).status_code == 303


def test_first_plan_shows_no_notice(client, h):
    login(client, h["patient"])
    assert "Your plan has changed" not in client.get(f"/h/{h['id']}/today").text


def test_today_shows_what_changed_until_someone_acknowledges(client, db, h):
    publish_dose(client, h, sets="2", reps="10", note="Keep breathing")
    for role in ("patient", "caregiver"):
        login(client, h[role])
        page = client.get(f"/h/{h['id']}/today").text
        assert "Your plan has changed" in page
        assert "by Priya (physiotherapist)" in page
        assert "Squeeze a soft ball in your hand" in page
        assert "dose: 2 sets of 10" in page
        assert "Note from your physiotherapist:</strong> Keep breathing" in page
    assert client.post(f"/h/{h['id']}/plan/seen", data={**CSRF, "version": "2"}).status_code == 303
    assert store.seen_version(db, h["id"]) == 2
    login(client, h["patient"])  # acknowledged for the whole household
    assert "Your plan has changed" not in client.get(f"/h/{h['id']}/today").text


def test_acknowledging_checks_the_version_and_membership(client, db, h):
    login(client, h["patient"])
    for bad in ("", "0", "7", "two"):
        assert (
            client.post(f"/h/{h['id']}/plan/seen", data={**CSRF, "version": bad}).status_code == 422
        )
    assert client.post(f"/h/{h['id']}/plan/seen", data={"version": "1"}).status_code == 400
    login(client, h["outsider"])
    assert client.post(f"/h/{h['id']}/plan/seen", data={**CSRF, "version": "1"}).status_code == 404


def test_versions_list_and_read_only_pages(client, h):
    publish_dose(client, h, sets="3")
    login(client, h["caregiver"])
    listing = client.get(f"/h/{h['id']}/versions").text
    assert "Version 2" in listing and "Version 1" in listing and "Current" in listing
    assert "by Priya (physiotherapist)" in listing and "by Anna (patient)" in listing
    old = client.get(f"/h/{h['id']}/versions/1")
    assert old.status_code == 200 and "An earlier plan, to read only" in old.text
    assert "<form" not in old.text.split("<main")[1].split("</main>")[0]
    new = client.get(f"/h/{h['id']}/versions/2").text
    assert "What changed from version 1" in new and "dose: 3 sets" in new
    assert client.get(f"/h/{h['id']}/versions/9").status_code == 404
    login(client, h["outsider"])
    assert client.get(f"/h/{h['id']}/versions").status_code == 404
    assert client.get(f"/h/{h['id']}/versions/1").status_code == 404


def test_tailoring_survives_a_replan_from_the_profile_form(client, db, h):
    publish_dose(client, h, sets="2", reps="8")
    login(client, h["patient"])
    profile = {**f.PROFILE, "dentures": True}
    response = client.post(
        f"/h/{h['id']}/profile/apply", data={**CSRF, "profile_json": json.dumps(profile)}
    )
    assert response.status_code == 303
    current = plans.current_plan(db, h["id"])
    assert current["version"] == 3 and current["profile"]["dentures"] is True
    item = next(i for i in current["plan"]["items"] if i["id"] == SAFE)
    assert item["prescription"]["sets"] == 2 and item["prescription"]["reps"] == 8
    assert current["tailoring"] == plans.get_version(db, h["id"], 2)["tailoring"]


def test_a_replan_that_rules_out_a_tailored_exercise_moves_it_to_left_out(client, db, h):
    login(client, h["physio"])
    # Gentle neck movement needs no clearance, so it is on the plan for f.PROFILE's high risk.
    client.post(f"/h/{h['id']}/exercises/neck-movements/dose", data={**CSRF, "sets": "2"})
    client.post(f"/h/{h['id']}/exercises/publish", data=CSRF)
    assert any(
        i["id"] == "neck-movements" for i in plans.current_plan(db, h["id"])["plan"]["items"]
    )
    profile = {**f.PROFILE, "lesion_sites": f.PROFILE["lesion_sites"] + ["spine-thoracic"]}
    preview = client.post(
        f"/h/{h['id']}/profile/edit",
        data={
            **CSRF,
            "lesion_sites": profile["lesion_sites"],
            "fracture_risk": "high",
            "weight_bearing": "partial",
            "mobility_aid": "walker",
        },
    )
    assert preview.status_code == 200
    removed = preview.text.split("<h3>Removed</h3>")[1].split("</ul>")[0]
    assert "Turn and tilt your head gently while sitting" in removed
    client.post(f"/h/{h['id']}/profile/apply", data={**CSRF, "profile_json": json.dumps(profile)})
    plan = plans.current_plan(db, h["id"])["plan"]
    assert "neck-movements" not in {i["id"] for i in plan["items"]}
    assert {e["id"]: e for e in plan["excluded"]}["neck-movements"]["tailored"]
