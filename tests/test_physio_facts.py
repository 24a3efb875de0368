"""Clinical facts: the physiotherapist's own page with the profile's preview; read-only for the
others, in the profile form too, once the household has a physiotherapist."""

from __future__ import annotations

import json

import pytest

from planner.plans import tailoring
from planner.plans.engine import build_plan
from planner.store import accounts, plans
from tests import factories as f
from tests.conftest import CSRF, login
from tests.test_profile_views import FULL_FORM


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog)


FACTS = {
    "fracture_risk": "low",
    "weight_bearing": "none",
    "spinal_instability": "yes",
    "mobility_aid": "wheelchair",
}


def test_physio_changes_facts_through_the_preview(client, db, h):
    login(client, h["physio"])
    form = client.get(f"/h/{h['id']}/facts").text
    assert "See the plan these facts give" in form and 'name="weight_bearing"' in form
    preview = client.post(f"/h/{h['id']}/facts", data={**CSRF, **FACTS})
    assert preview.status_code == 200 and "Check the new plan" in preview.text
    assert plans.get_profile(db, h["id"])["weight_bearing"] == "partial"  # nothing yet
    profile = json.loads(
        preview.text.split('name="profile_json" value=\'')[1].split("'>")[0].replace("&#34;", '"')
    )
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


def _apply(client, h, profile):
    return client.post(
        f"/h/{h['id']}/profile/apply", data={**CSRF, "profile_json": json.dumps(profile)}
    )


def test_a_less_careful_change_waits_for_the_physiotherapist(client, db, h):
    """Point 2 of issue 13: the caregiver's lower fracture risk, better weight bearing and
    removed lesion site wait as a proposal everybody sees; Priya confirms it."""
    login(client, h["caregiver"])
    form = client.get(f"/h/{h['id']}/profile/edit").text
    assert form.count("Priya looks after this answer.") == 5 and "Priya looks after these." in form
    wanted = {
        **f.PROFILE,
        "lesion_sites": ["pelvis"],
        "fracture_risk": "low",
        "weight_bearing": "full",
    }
    preview = client.post(
        f"/h/{h['id']}/profile/edit",
        data={
            **CSRF,
            **FULL_FORM,
            "lesion_sites": ["pelvis"],
            "fracture_risk": "low",
            "weight_bearing": "full",
        },
    )
    assert "These changes wait for Priya" in preview.text
    response = _apply(client, h, wanted)
    assert response.headers["Location"] == f"/h/{h['id']}/profile"
    stored = plans.get_profile(db, h["id"])
    assert stored["lesion_sites"] == ["femur-left", "pelvis"]
    assert stored["fracture_risk"] == "high" and stored["weight_bearing"] == "partial"
    for who in ("patient", "caregiver", "physio"):
        login(client, h[who])
        page = client.get(f"/h/{h['id']}/profile").text
        assert (
            "Waiting for you to confirm" if who == "physio" else "Waiting for Priya to confirm"
        ) in page
        assert "Risk of a bone breaking from high to low" in page
        assert "Remove bone metastases: left thigh bone" in page
        assert "Weight on the legs from only some weight to full weight" in page
        assert ("Confirm and update the plan" in page) == (who == "physio")
    proposal_id = db.execute("select id from proposals").fetchone()[0]
    response = client.post(f"/h/{h['id']}/proposals/{proposal_id}/confirm", data=CSRF)
    assert response.status_code == 303
    stored = plans.get_profile(db, h["id"])
    assert stored["lesion_sites"] == ["pelvis"] and stored["fracture_risk"] == "low"
    assert stored["weight_bearing"] == "full"
    assert "Waiting for Priya" not in client.get(f"/h/{h['id']}/profile").text
    login(client, h["patient"])
    log = client.get(f"/h/{h['id']}/activity").text
    asked = log.split("Ben asked the physiotherapist to confirm: ")[1].split("</span>")[0]
    assert "remove bone metastases: left thigh bone" in asked
    assert "risk of a bone breaking from high to low" in asked
    confirmed = log.split("Priya confirmed: ")[1].split("</span>")[0]
    assert "risk of a bone breaking from high to low" in confirmed


def test_a_change_towards_caution_applies_at_once(client, db, h):
    login(client, h["caregiver"])
    wanted = {
        **f.PROFILE,
        "lesion_sites": ["femur-left", "pelvis", "ribs"],
        "weight_bearing": "none",
        "spinal_instability": True,
    }
    assert _apply(client, h, wanted).headers["Location"] == f"/h/{h['id']}/today"
    stored = plans.get_profile(db, h["id"])
    assert stored == wanted
    assert db.execute("select count(*) from proposals").fetchone()[0] == 0
    login(client, h["patient"])
    assert "Ben changed: add bone metastases: ribs" in client.get(f"/h/{h['id']}/activity").text


def test_the_physiotherapist_declines_and_the_plan_stays(client, db, h):
    login(client, h["patient"])
    _apply(client, h, {**f.PROFILE, "bone_agent": "none"})
    assert plans.get_profile(db, h["id"])["bone_agent"] == "zoledronic-acid"
    proposal_id = db.execute("select id from proposals").fetchone()[0]
    login(client, h["physio"])
    assert (
        "Bone medicine from zoledronic acid (Zometa) to none"
        in client.get(f"/h/{h['id']}/facts").text
    )
    client.post(f"/h/{h['id']}/proposals/{proposal_id}/decline", data=CSRF)
    assert plans.get_profile(db, h["id"])["bone_agent"] == "zoledronic-acid"
    response = client.post(
        f"/h/{h['id']}/proposals/{proposal_id}/confirm", data=CSRF, follow_redirects=True
    )
    assert "already decided" in response.text
    assert plans.get_profile(db, h["id"])["bone_agent"] == "zoledronic-acid"


def test_without_a_physiotherapist_the_household_answers_them(client, db, app, catalog):
    household, anna = f.household(db)
    f.with_plan(db, catalog, household["id"], anna["id"])
    login(client, anna["id"])
    form = client.get(f"/h/{household['id']}/profile/edit").text
    assert 'name="fracture_risk"' in form and "looks after this answer" not in form
    client.post(
        f"/h/{household['id']}/profile/apply",
        data={**CSRF, "profile_json": json.dumps({**f.PROFILE, "fracture_risk": "low"})},
    )
    assert plans.get_profile(db, household["id"])["fracture_risk"] == "low"
    accounts.add_member(db, household["id"], f.user(db, "Priya")["id"], "physio", at=f.NOW)
    form = client.get(f"/h/{household['id']}/profile/edit").text
    assert 'name="fracture_risk"' in form and "Priya looks after this answer" in form


def test_the_preview_shows_the_physiotherapists_doses(client, db, catalog, h):
    """A change of facts keeps the tailoring; the preview shows each dose and note with it."""
    current = plans.current_plan(db, h["id"])
    first = next(
        i["id"]
        for i in current["plan"]["items"]
        if i["domain"] == "exercise" and tailoring.takes_dose(i)
    )  # not advice
    shown = tailoring.set_dose(tailoring.materialize(current["plan"], None), first, dict(f.DOSE))
    plan = tailoring.apply_tailoring(
        build_plan(f.PROFILE, catalog, f.DAY), shown, f.PROFILE, catalog, f.DAY
    )
    plans.apply_plan(db, h["id"], plan, f.PROFILE, h["physio"], tailoring=shown, at=f.NOW)
    login(client, h["physio"])
    preview = client.post(
        f"/h/{h['id']}/facts",
        data={
            **CSRF,
            "fracture_risk": "low",
            "weight_bearing": "partial",
            "spinal_instability": "no",
            "mobility_aid": "none",
        },
    ).text
    assert (
        "<strong>Dose:</strong> 2 sets of 10, hold each for 5 seconds, 3 sessions a week" in preview
    )
    assert f.DOSE["note"] in preview


def test_a_waiting_change_lapses_when_the_last_physiotherapist_leaves(client, db, h):
    login(client, h["caregiver"])
    _apply(client, h, {**f.PROFILE, "fracture_risk": "low"})
    assert "Waiting for Priya" in client.get(f"/h/{h['id']}/today").text
    login(client, h["physio"])
    client.post(f"/h/{h['id']}/members/{h['physio']}/remove", data=CSRF)
    login(client, h["caregiver"])
    assert "Waiting for" not in client.get(f"/h/{h['id']}/today").text
    _apply(client, h, {**f.PROFILE, "fracture_risk": "low"})
    assert plans.get_profile(db, h["id"])["fracture_risk"] == "low"
