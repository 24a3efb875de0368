"""The profile page, the questions, the preview and applying a plan."""

from __future__ import annotations

import html
import json

import pytest

from planner.plans.profile import validate
from planner.plans.profile_form import QUESTIONS, describe, form_values, read_form
from planner.store import plans, ticks
from tests import factories as f
from tests.conftest import CSRF, login


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog, plan=False)


def edit(h):
    return f"/h/{h['id']}/profile/edit"


FULL_FORM = {
    "lesion_sites": ["femur-left", "pelvis"],
    "fracture_risk": "high",
    "weight_bearing": "partial",
    "spinal_instability": "no",
    "mobility_aid": "walker",
    "falls_past_year": "1",
    "bone_agent": "zoledronic-acid",
    "bone_agent_started": "yes",
    "bone_agent_start": "2026-08-01",
    "bone_agent_interval": "4-weekly",
    "bone_agent_past": "",
    "bone_agent_stopped": "",
    "last_dental_exam": "",
    "dentures": "",
    "home.stairs_inside": "",
    "home.entrance_steps": "yes",
    "home.bedroom_upstairs": "no",
    "home.bathtub": "yes",
    "home.walk_in_shower": "",
    "home.loose_rugs": "",
    "home.pets": "yes",
    "home.night_toilet_trips": "yes",
    "fluid_limit": "",
    "fluid_restriction_ml": "",
    "kidney_problems": "no",
    "dialysis": "",
    "heart_failure": "",
    "hypercalcaemia_history": "",
    "lives_alone": "",
}


# The form, as pure functions ------------------------------------------------------------------


def test_the_form_reads_every_answer_into_a_valid_profile():
    profile, problems = read_form(FULL_FORM)
    assert problems == [] and validate(profile) == []
    assert profile == {
        **f.PROFILE,
        "spinal_instability": False,
        "home": {**f.PROFILE["home"], "bedroom_upstairs": False},
    }


def test_not_sure_leaves_fields_out_or_sets_unknown():
    profile, problems = read_form({"fracture_risk": "unknown", "mobility_aid": "", "dentures": ""})
    assert problems == [] and profile == {"lesion_sites": [], "fracture_risk": "unknown"}


def test_fluid_limit_answers():
    assert read_form({"fluid_limit": "none"})[0]["fluid_restriction_ml"] is None
    assert (
        read_form({"fluid_limit": "yes", "fluid_restriction_ml": "1200"})[0]["fluid_restriction_ml"]
        == 1200
    )
    profile, problems = read_form({"fluid_limit": "yes"})
    assert "fluid_restriction_ml" not in profile
    assert problems[0].field == "fluid_restriction_ml"


def test_form_values_round_trip_every_question():
    profile = {**f.PROFILE, "fluid_restriction_ml": 1500, "last_dental_exam": "2026-01-05"}
    values = form_values(profile)
    again, problems = read_form({**values})
    assert problems == [] and again == profile
    assert set(QUESTIONS) <= set(values) | {"lesion_sites"}


def test_describe_says_every_answer_in_words():
    words = dict(row for _, rows in describe(f.PROFILE) for row in rows)
    assert words["Bone metastases"] == "Left thigh bone, Pelvis (hip bones)"
    assert words["Walking aid"] == "A walking frame"
    assert words["First dose"] == "1 August 2026"
    assert words["Dentures"] == "Not sure" and words["Pets"] == "Yes"
    assert words["Daily drinking limit"] == "Not sure"
    assert len(words) == len(QUESTIONS)


# Pages -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["patient", "caregiver", "physio"])
def test_every_member_may_view_and_edit(client, h, role):
    login(client, h[role])
    page = client.get(f"/h/{h['id']}/profile")
    assert page.status_code == 200 and "No plan yet" in page.text
    assert "Answer the questions" in page.text
    form = client.get(edit(h))
    assert form.status_code == 200


def test_form_asks_every_field_in_five_parts_with_not_sure(client, h):
    login(client, h["physio"])  # the others see the physiotherapist's clinical facts read-only
    text = client.get(edit(h)).text
    for part in (
        "Where are the bone metastases?",
        "Bones and movement",
        "Bone medicine and teeth",
        "Your home",
        "Your health",
    ):
        assert part in text
    assert text.count("Part ") >= 5
    for name in QUESTIONS:
        if name != "fluid_restriction_ml":
            assert f'name="{name}"' in text
    assert 'name="fluid_limit"' in text and 'name="fluid_restriction_ml"' in text
    choices = [q for q in QUESTIONS.values() if q.kind in ("choice", "yesno", "fluid")]
    assert text.count("> Not sure</label>") == len(choices) == 23
    assert text.count("Leave it empty if you") == 4  # the dates and the number of falls
    assert 'value="spine-thoracic"' in text and "Left thigh bone" in text


def test_errors_are_shown_by_field_with_422_and_nothing_is_stored(client, db, h):
    login(client, h["physio"])  # who may answer the clinical facts here
    bad = {
        **FULL_FORM,
        "falls_past_year": "lots",
        "bone_agent_start": "2026-02-30",
        "fluid_limit": "yes",
        "fracture_risk": "extreme",
        **CSRF,
    }
    response = client.post(edit(h), data=bad)
    assert response.status_code == 422
    text = response.text
    assert "Please check 4 answers" in text
    assert 'href="#f-falls-past-year"' in text and "whole number from 0 to 100" in text
    assert "is not a real date" in text and "millilitres" in text
    assert 'aria-invalid="true"' in text
    # Answers are kept in the form.
    assert 'value="lots"' in text and 'value="femur-left" checked' in text
    assert plans.get_profile(db, h["id"]) is None and plans.current_plan(db, h["id"]) is None


def test_preview_then_apply(client, db, h):
    login(client, h["physio"])  # who may answer the clinical facts here
    preview = client.post(edit(h), data={**FULL_FORM, **CSRF})
    assert preview.status_code == 200
    text = preview.text
    assert "Check the new plan" in text and "this is the first plan" in text
    assert "Why:" in text and "Left out, and why" in text and "Movements to avoid" in text
    assert "Apply this plan" in text and 'name="profile_json"' in text
    assert plans.current_plan(db, h["id"]) is None  # nothing applied yet
    start = text.index('name="profile_json" value=\'') + len('name="profile_json" value=\'')
    raw = text[start : text.index("'", start)]
    profile = json.loads(html.unescape(raw))
    applied = client.post(
        f"/h/{h['id']}/profile/apply", data={"profile_json": json.dumps(profile), **CSRF}
    )
    assert applied.status_code == 303
    assert applied.headers["Location"].endswith(f"/h/{h['id']}/today")
    current = plans.current_plan(db, h["id"])
    assert current["version"] == 1 and current["created_by"] == h["physio"]
    assert plans.get_profile(db, h["id"])["mobility_aid"] == "walker"
    today = client.get(f"/h/{h['id']}/today").text
    assert "The new plan is in place" in today
    page = client.get(f"/h/{h['id']}/profile").text
    assert "Version 1" in page and "by Priya" in page and "A walking frame" in page
    assert "Left out, and why" in page and "Change the answers" in page


def test_second_preview_shows_what_is_added_removed_and_changed(client, db, h, catalog):
    f.with_plan(db, catalog, h["id"], h["patient"])
    ticks.set_state(
        db, h["id"], "belly-breathing", f.DAY.isoformat(), 0, "done", h["patient"], at=f.NOW
    )
    login(client, h["physio"])  # who may answer the clinical facts here
    form = client.get(edit(h)).text
    assert 'value="walker" checked' in form  # the stored answers are filled in
    preview = client.post(edit(h), data={**FULL_FORM, "home.bathtub": "no", **CSRF}).text
    removed = preview[preview.index("<h3>Removed</h3>") :]
    assert "Use a bath seat or bench" in removed[: removed.index("</ul>")]
    assert "adds 0, removes 3, changes" in preview
    new_profile = {
        **f.PROFILE,
        "home": {**f.PROFILE["home"], "bathtub": False},
        "spinal_instability": False,
    }
    client.post(
        f"/h/{h['id']}/profile/apply", data={"profile_json": json.dumps(new_profile), **CSRF}
    )
    assert plans.current_plan(db, h["id"])["version"] == 2
    assert plans.get_task(db, h["id"], "bath-seat") is None
    assert ticks.get_state(db, h["id"], "belly-breathing", f.DAY.isoformat()) == "done"


def test_apply_revalidates_and_stores_nothing_on_error(client, db, h):
    login(client, h["patient"])
    for raw in ("not json", json.dumps({"lesion_sites": ["tail"]}), json.dumps([1])):
        response = client.post(f"/h/{h['id']}/profile/apply", data={"profile_json": raw, **CSRF})
        assert response.status_code == 422
        assert "Please check" in response.text
    assert plans.current_plan(db, h["id"]) is None and plans.get_profile(db, h["id"]) is None


def test_preview_with_htmx_boost_is_a_whole_page_and_422_swaps(client, h, hx):
    login(client, h["patient"])
    boosted = {**hx, "HX-Boosted": "true"}
    response = client.post(edit(h), data={**FULL_FORM, **CSRF}, headers=boosted)
    assert response.status_code == 200 and "<html" in response.text
    bad = client.post(edit(h), data={**FULL_FORM, "falls_past_year": "-3", **CSRF}, headers=boosted)
    assert bad.status_code == 422 and "must be from 0 to 100" in bad.text.lower()


def test_back_from_the_preview_keeps_the_answers_just_given(client, db, h):
    login(client, h["physio"])  # who may answer the clinical facts here
    preview = client.post(edit(h), data={**FULL_FORM, **CSRF}).text
    assert "Change these answers" in preview
    back = client.post(edit(h), data={"back": "1", "profile_json": json.dumps(f.PROFILE), **CSRF})
    assert back.status_code == 200
    assert 'value="walker" checked' in back.text and 'value="femur-left" checked' in back.text
    broken = client.post(edit(h), data={"back": "1", "profile_json": "{", **CSRF})
    assert broken.status_code == 200 and 'value="walker" checked' not in broken.text
    assert plans.get_profile(db, h["id"]) is None


def test_preview_starts_with_the_plan_in_short(client, db, h):
    """A new household answering "Not sure" everywhere: the summary comes first, the list of
    every task after it (folded parts), and it says how the home set-up is paced."""
    login(client, h["patient"])
    text = client.post(edit(h), data={**CSRF}).text
    summary = text[text.index('id="summary"') : text.index("Everything in the new plan")]
    assert "this is the first plan." in summary and 'id="apply-top"' in summary
    assert "2 a day at most, most important first; 14 this week" in summary
    assert '8 "Not sure" answers</strong> asked again on Today' in summary
