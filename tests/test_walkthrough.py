"""The home walk-through: rooms in walking order, three choices each, progress per room."""

from __future__ import annotations

import pytest

from planner.store import ticks
from tests import factories as f
from tests.conftest import CSRF, login


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog)


def choose(client, h, item="bath-seat", state="done", headers=None):
    return client.post(f"/h/{h['id']}/home/{item}/state", data={"state": state, **CSRF},
                       headers=headers or {})



@pytest.mark.parametrize("role", ["patient", "caregiver", "physio"])
def test_rooms_in_walking_order_with_three_choices(client, h, role):
    login(client, h[role])
    text = client.get(f"/h/{h['id']}/home").text
    order = ["Entrance and outside", "Floors", "Stairs", "Kitchen", "Bathroom", "Bedroom",
             "Everywhere else"]
    positions = [text.index(f">{room}</h2>") for room in order]
    assert positions == sorted(positions)
    assert "0 of 4</strong> checked" in text  # the entrance
    bath = text[text.index('id="check-bath-seat"'):]
    bath = bath[:bath.index("</li>")]
    for value, label in (("done", "Done"), ("not-applicable", "Not needed"),
                         ("needs-help", "Needs help")):
        assert f'value="{value}"' in bath and f">{label}</button>" in bath
    assert bath.count('aria-pressed="false"') == 3


def test_choice_with_htmx_returns_the_room_with_its_count(client, db, h, hx):
    login(client, h["caregiver"])
    response = choose(client, h, headers=hx)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    body = response.text.strip()
    assert body.startswith('<section class="room" id="room-bathroom"')
    assert "1 of " in body and "<html" not in body
    assert 'id="home-bath-seat-done"' in body
    row = body[body.index('id="check-bath-seat"'):]
    assert 'value="open"\n                aria-pressed="true">Done' in row
    assert ticks.get_state(db, h["id"], "bath-seat", "once") == "done"
    needs = choose(client, h, "bath-grab-bars", "needs-help", headers=hx).text
    assert "2 of " in needs and "1 needs help" in needs


def test_choice_without_htmx_redirects_to_the_room(client, db, h):
    login(client, h["patient"])
    response = choose(client, h, state="not-applicable")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/h/{h['id']}/home#room-bathroom")
    assert ticks.get_state(db, h["id"], "bath-seat", "once") == "not-applicable"


def test_choices_are_sets_not_toggles(client, db, h, hx):
    login(client, h["caregiver"])
    choose(client, h, headers=hx)
    choose(client, h, headers=hx)
    assert ticks.get_state(db, h["id"], "bath-seat", "once") == "done"
    choose(client, h, state="open", headers=hx)
    assert ticks.get_state(db, h["id"], "bath-seat", "once") == "open"


@pytest.mark.parametrize("item,state", [
    ("bath-seat", "not-today"), ("bath-seat", "maybe"), ("belly-breathing", "done"),
    ("nothing-like-this", "done"),
])
def test_bad_choices_are_refused(client, db, h, hx, item, state):
    login(client, h["caregiver"])
    assert choose(client, h, item, state).status_code == 422
    response = choose(client, h, item, state, headers=hx)
    assert response.status_code == 422 and response.headers["HX-Retarget"] == "#tick-error"
    assert db["ticks"].count == 0


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
