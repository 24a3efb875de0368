"""Clinical facts: the physiotherapist's own page with the profile's preview; read-only for the
others, in the profile form too, once the household has a physiotherapist."""

from __future__ import annotations

import json

import pytest

from planner import tailoring
from planner.engine import build_plan
from planner.store import accounts, plans
from tests import factories as f
from tests.conftest import CSRF, login


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog)


FACTS = {"fracture_risk": "low", "weight_bearing": "none", "spinal_instability": "yes",
         "mobility_aid": "wheelchair"}


def test_physio_changes_facts_through_the_preview(client, db, h):
    login(client, h["physio"])
    form = client.get(f"/h/{h['id']}/facts").text
    assert "See the plan these facts give" in form and 'name="weight_bearing"' in form
    preview = client.post(f"/h/{h['id']}/facts", data={**CSRF, **FACTS})
    assert preview.status_code == 200 and "Check the new plan" in preview.text
    assert plans.get_profile(db, h["id"])["weight_bearing"] == "partial"  # nothing yet
    profile = json.loads(preview.text.split("name=\"profile_json\" value='")[1].split("'>")[0]
                         .replace("&#34;", '"'))
    assert profile["weight_bearing"] == "none" and profile["home"] == f.PROFILE["home"]
    client.post(f"/h/{h['id']}/profile/apply", data={**CSRF, "profile_json": json.dumps(profile)})
    stored = plans.get_profile(db, h["id"])
    assert stored["weight_bearing"] == "none" and stored["spinal_instability"] is True
    assert stored["mobility_aid"] == "wheelchair" and stored["fracture_risk"] == "low"


def test_bad_fact_is_refused(client, db, h):
    login(client, h["physio"])
    response = client.post(f"/h/{h['id']}/facts", data={**CSRF, "weight_bearing": "lots"})
    assert response.status_code == 422 and "Must be one of: full, partial, none" in response.text


@pytest.mark.parametrize("role", ["patient", "caregiver"])
def test_others_read_the_facts_and_cannot_post(client, h, role):
    login(client, h[role])
    page = client.get(f"/h/{h['id']}/facts").text
    assert "Your physiotherapist keeps these facts up to date" in page
    assert "Only weight on" not in page and "Only some weight" in page  # partial, in words
    assert client.post(f"/h/{h['id']}/facts", data={**CSRF, **FACTS}).status_code == 403


def test_profile_form_shows_clinical_facts_read_only_and_keeps_them(client, db, h):
    login(client, h["caregiver"])
    form = client.get(f"/h/{h['id']}/profile/edit").text
    assert form.count("Set by your physiotherapist. Only they can change it.") == 4
    assert 'name="fracture_risk"' not in form and 'name="mobility_aid"' not in form
    # A forged form, and a forged apply, cannot change them.
    preview = client.post(f"/h/{h['id']}/profile/edit", data={
        **CSRF, "lesion_sites": ["pelvis"], "fracture_risk": "low", "weight_bearing": "full"})
    assert preview.status_code == 200
    client.post(f"/h/{h['id']}/profile/apply", data={**CSRF, "profile_json": json.dumps(
        {"lesion_sites": ["pelvis"], "fracture_risk": "low", "weight_bearing": "full"})})
    stored = plans.get_profile(db, h["id"])
    assert stored["lesion_sites"] == ["pelvis"]
    assert stored["fracture_risk"] == "high" and stored["weight_bearing"] == "partial"
    assert stored["mobility_aid"] == "walker"


def test_without_a_physiotherapist_the_household_answers_them(client, db, app, catalog):
    household, anna = f.household(db)
    f.with_plan(db, catalog, household["id"], anna["id"])
    login(client, anna["id"])
    form = client.get(f"/h/{household['id']}/profile/edit").text
    assert 'name="fracture_risk"' in form and "Set by your physiotherapist" not in form
    accounts.add_member(db, household["id"], f.user(db, "Priya")["id"], "physio", at=f.NOW)
    form = client.get(f"/h/{household['id']}/profile/edit").text
    assert 'name="fracture_risk"' not in form


def test_the_preview_shows_the_physiotherapists_doses(client, db, catalog, h):
    """A change of facts keeps the tailoring; the preview shows each dose and note with it."""
    current = plans.current_plan(db, h["id"])
    first = next(i["id"] for i in current["plan"]["items"]
                 if i["domain"] == "exercise" and tailoring.takes_dose(i))  # not advice
    shown = tailoring.set_dose(tailoring.materialize(current["plan"], None), first,
                               dict(f.DOSE))
    plan = tailoring.apply_tailoring(build_plan(f.PROFILE, catalog, f.DAY), shown, f.PROFILE,
                                     catalog, f.DAY)
    plans.apply_plan(db, h["id"], plan, f.PROFILE, h["physio"], tailoring=shown, at=f.NOW)
    login(client, h["physio"])
    preview = client.post(f"/h/{h['id']}/facts", data={
        **CSRF, "fracture_risk": "low", "weight_bearing": "partial", "spinal_instability": "no",
        "mobility_aid": "none"}).text
    assert "<strong>Dose:</strong> 2 sets of 10, hold each for 5 seconds, 3 sessions a week" \
        in preview
    assert f.DOSE["note"] in preview
