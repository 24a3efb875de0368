"""The home walk-through: the set-up paced day by day, the biggest risks first, three choices
each, each task given to someone of the household, progress per day."""

from __future__ import annotations

import pytest

from planner.store import assignments, plans, ticks
from tests import factories as f
from tests.conftest import CSRF, login
from tests.dbstate import count


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog)


def choose(client, h, item="bath-seat", state="done", headers=None):
    return client.post(
        f"/h/{h['id']}/home/{item}/state", data={"state": state, **CSRF}, headers=headers or {}
    )


def give(client, h, item="bath-seat", who="", headers=None):
    return client.post(
        f"/h/{h['id']}/home/{item}/who", data={"user_id": who, **CSRF}, headers=headers or {}
    )


def section_of(db, h, item):
    due = plans.get_task(db, h["id"], item)["schedule"].get("due")
    return "now" if due and due <= f.DAY.isoformat() else (due or "keep")


@pytest.mark.parametrize("role", ["patient", "caregiver", "physio"])
def test_days_in_order_most_important_first_with_three_choices(client, db, h, role):
    login(client, h[role])
    text = client.get(f"/h/{h['id']}/home").text
    assert text.index(">Now</h2>") < text.index(">Tomorrow</h2>") < text.index(">Keep it up</h2>")
    now = text[text.index('id="section-now"') : text.index('id="section-2026-11-24"')]
    assert now.count('<li class="check') == 2 and now.count("Most important") == 2
    bath = text[text.index('id="check-bath-seat"') :]
    bath = bath[: bath.index("</li>")]
    for value, label in (
        ("done", "Done"),
        ("not-applicable", "Not needed"),
        ("needs-help", "Needs help"),
    ):
        assert f'value="{value}"' in bath and f">{label}</button>" in bath
    assert bath.count('aria-pressed="false"') == 3
    assert ">Who does it?</label>" in bath and ">Anna</option>" in bath and ">Ben</option>" in bath


def test_choice_with_htmx_returns_the_section_with_its_count(client, db, h, hx):
    login(client, h["caregiver"])
    key = section_of(db, h, "bath-seat")
    response = choose(client, h, headers=hx)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    body = response.text.strip()
    assert body.startswith(f'<section class="room" id="section-{key}"')
    assert "1 of " in body and "<html" not in body
    row = body[body.index('id="check-bath-seat"') :]
    assert 'value="open"\n                aria-pressed="true">Done' in row
    assert ticks.get_state(db, h["id"], "bath-seat", "once") == "done"
    other = next(
        t["id"]
        for t in plans.tasks(db, h["id"])
        if t["id"] != "bath-seat"
        and t["domain"] == "home-safety"
        and section_of(db, h, t["id"]) == key
    )
    needs = choose(client, h, other, "needs-help", headers=hx).text
    assert "2 of " in needs and "1 needs help" in needs and ">Who will help?</label>" in needs


def test_choice_without_htmx_redirects_to_the_section(client, db, h):
    login(client, h["patient"])
    response = choose(client, h, state="not-applicable")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/h/{h['id']}/home#section-{section_of(db, h, 'bath-seat')}"
    )
    assert ticks.get_state(db, h["id"], "bath-seat", "once") == "not-applicable"


def test_choices_are_sets_not_toggles(client, db, h, hx):
    login(client, h["caregiver"])
    choose(client, h, headers=hx)
    choose(client, h, headers=hx)
    assert ticks.get_state(db, h["id"], "bath-seat", "once") == "done"
    choose(client, h, state="open", headers=hx)
    assert ticks.get_state(db, h["id"], "bath-seat", "once") == "open"


def test_needs_help_goes_to_someone_by_name(client, db, h, hx):
    login(client, h["patient"])
    choose(client, h, "entrance-steps-rail", "needs-help")
    section = give(client, h, "entrance-steps-rail", str(h["caregiver"]), headers=hx).text
    row = section[section.index('id="check-entrance-steps-rail"') :]
    assert "Ben is asked to help" in row[: row.index("</li>")]
    assert assignments.of_household(db, h["id"])["entrance-steps-rail"]["name"] == "Ben"
    today = client.get(f"/h/{h['id']}/today").text  # due today: listed now, with the name
    row = today[today.index('id="task-entrance-steps-rail-once"') :]
    assert "Ben is asked to help" in row[: row.index("</li>")]
    login(client, h["caregiver"])
    assert "You are asked to help" in client.get(f"/h/{h['id']}/today").text
    give(client, h, "entrance-steps-rail", "")
    assert assignments.of_household(db, h["id"]) == {}


@pytest.mark.parametrize(
    "item,who",
    [
        ("bath-seat", "outsider"),
        ("bath-seat", "Ben"),
        ("belly-breathing", "caregiver"),
        ("no-such", "caregiver"),
    ],
)
def test_a_task_goes_only_to_a_member(client, db, h, hx, item, who):
    login(client, h["patient"])
    value = str(h[who]) if who in h else who
    assert give(client, h, item, value).status_code == 422
    response = give(client, h, item, value, headers=hx)
    assert response.status_code == 422 and response.headers["HX-Retarget"] == "#tick-error"
    assert count(db, "assignments") == 0


@pytest.mark.parametrize(
    "item,state",
    [
        ("bath-seat", "not-today"),
        ("bath-seat", "maybe"),
        ("belly-breathing", "done"),
        ("nothing-like-this", "done"),
    ],
)
def test_bad_choices_are_refused(client, db, h, hx, item, state):
    login(client, h["caregiver"])
    assert choose(client, h, item, state).status_code == 422
    response = choose(client, h, item, state, headers=hx)
    assert response.status_code == 422 and response.headers["HX-Retarget"] == "#tick-error"
    assert count(db, "ticks") == 0


def test_home_checks_feed_the_today_summary(client, h):
    login(client, h["patient"])
    choose(client, h, "floors-loose-rugs", "needs-help")
    today = client.get(f"/h/{h['id']}/today").text
    assert "1 needs help." in today and "Open the home check" in today


def test_no_plan_points_to_questions(app, client, db, catalog):
    h = f.home(app, db, catalog, plan=False)
    login(client, h["patient"])
    text = client.get(f"/h/{h['id']}/home").text
    assert "No plan yet" in text and f"/h/{h['id']}/profile/edit" in text
