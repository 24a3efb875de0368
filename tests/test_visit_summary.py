"""The visit summary: one page per household for the next clinic appointment, and the short list
of questions the household keeps for it."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.plans.engine import build_plan
from planner.store import plans, ticks, visits
from tests import factories as f
from tests.conftest import CSRF, login
from tests.dbstate import dump

LATER = f.DAY + dt.timedelta(days=6)


@pytest.fixture
def h(app, db, catalog):
    """Anna's household a week on: breathing put off twice, the bath seat waiting for help, and a
    new plan two days in (no pets any more)."""
    h = f.home(app, db, catalog)
    for n in (1, 3):
        ticks.set_state(
            db,
            h["id"],
            "belly-breathing",
            (f.DAY + dt.timedelta(days=n)).isoformat(),
            0,
            "not-today",
            h["patient"],
            at=f.NOW,
        )
    ticks.set_state(db, h["id"], "bath-seat", "once", 0, "needs-help", h["caregiver"], at=f.NOW)
    profile = {**f.PROFILE, "home": {**f.PROFILE["home"], "pets": False}}
    plans.apply_plan(
        db,
        h["id"],
        build_plan(profile, catalog, f.DAY),
        profile,
        h["physio"],
        at=f.NOW + dt.timedelta(days=2),
    )
    app.config["TODAY"] = LATER.isoformat()
    return h


def _client(app, who):
    client = app.test_client()
    login(client, who)
    return client


def _page(client, h) -> str:
    response = client.get(f"/h/{h['id']}/visit")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_summary_shows_each_part(app, h):
    page = _page(_client(app, h["physio"]), h)
    assert "Visit summary: Anna&#39;s home" in page
    assert "How the routine went, the last 4 weeks" in page
    assert '<th scope="row">Exercise</th>' in page
    assert "Breathe slowly into your belly: not today 2 times" in page
    assert "Use a bath seat or bench: needed help" in page
    # What waits for help comes first: that is what the team can act on.
    assert page.index("Use a bath seat or bench") < page.index("Breathe slowly into your belly")
    # No last visit given: changes of the last 4 weeks, both versions.
    assert "Plan changes in the last 4 weeks" in page
    assert "<strong>Wednesday 25 November</strong>, by Priya:" in page
    assert "taken off Keep pets&#39; bowls, beds and toys out of the walking path" in page
    assert "the first plan (" in page
    assert (
        "<strong>Saturday 19 December</strong>: Infusion day: zoledronic acid (Zometa); "
        "Have a kidney blood test before each drip" in page
    )
    assert "No questions yet." in page


def test_changes_since_the_last_visit_only(app, h):
    client = _client(app, h["caregiver"])
    response = client.post(
        f"/h/{h['id']}/visit/dates",
        data={"last_visit": "2026-11-23", "next_visit": "2026-12-07", **CSRF},
    )
    assert response.status_code == 303
    page = _page(client, h)
    assert "For the visit on Monday 7 December." in page
    assert "Plan changes since the last visit" in page
    assert "the first plan" not in page  # made on the day of the last visit
    assert "Wednesday 25 November" in page


def test_questions_are_kept_and_taken_off(app, db, h):
    client = _client(app, h["patient"])
    response = client.post(
        f"/h/{h['id']}/visit/questions", data={"text": "  Can I   swim yet? ", **CSRF}
    )
    assert response.status_code == 303
    page = _page(_client(app, h["caregiver"]), h)  # the household's list, not one person's
    assert "<span>Can I swim yet?</span>" in page
    (question,) = visits.questions(db, h["id"])
    client.post(f"/h/{h['id']}/visit/questions/{question['id']}/remove", data=CSRF)
    assert visits.questions(db, h["id"]) == []


@pytest.mark.parametrize(
    "text, message",
    [
        ("   ", "Write the question you want to ask."),
        ("x" * 201, "Keep the question to 200 characters (it has 201)"),
    ],
)
def test_a_bad_question_is_refused_and_nothing_stored(app, h, text, message):
    before = dump(app.config["DATABASE"])
    response = _client(app, h["patient"]).post(
        f"/h/{h['id']}/visit/questions", data={"text": text, **CSRF}
    )
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert dump(app.config["DATABASE"]) == before


def test_the_list_stays_short(app, db, h):
    for n in range(visits.MAX_QUESTIONS):
        visits.add_question(db, h["id"], f"Question {n}?", h["patient"], at=f.NOW)
    before = dump(app.config["DATABASE"])
    response = _client(app, h["patient"]).post(
        f"/h/{h['id']}/visit/questions", data={"text": "One more?", **CSRF}
    )
    assert response.status_code == 422
    assert "already has 8 questions" in response.get_data(as_text=True)
    assert dump(app.config["DATABASE"]) == before


@pytest.mark.parametrize(
    "form, message",
    [
        ({"last_visit": "2026-02-30"}, "The day of the last visit is not a date"),
        ({"last_visit": "2026-12-01"}, "The last visit cannot be after today."),
        ({"next_visit": "2026-11-01"}, "The next visit cannot be before today."),
        ({"next_visit": "soon"}, "The day of the next visit is not a date"),
    ],
)
def test_bad_visit_days_are_refused_and_nothing_stored(app, h, form, message):
    before = dump(app.config["DATABASE"])
    response = _client(app, h["patient"]).post(f"/h/{h['id']}/visit/dates", data={**form, **CSRF})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert dump(app.config["DATABASE"]) == before


def test_a_household_without_a_plan_gets_a_summary_too(app, db, catalog):
    h = f.home(app, db, catalog, plan=False)
    page = _page(_client(app, h["patient"]), h)
    assert "there is no plan yet" in page and "No changes to the plan." in page
