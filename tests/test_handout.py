"""The printable handout: its parts, the physio's dose, and the QR code to join on page 1."""

from __future__ import annotations

import re

import pytest
import segno

from planner.store import accounts
from tests import factories as f
from tests.conftest import CSRF, login
from tests.dbstate import count


@pytest.fixture
def h(app, db, catalog):
    home = f.home(app, db, catalog, plan=False)
    f.with_tailored_plan(db, catalog, home["id"], home["physio"])
    return home


@pytest.mark.parametrize("role", ["patient", "caregiver", "physio"])
def test_handout_has_its_four_pages_red_flags_first(client, h, role):
    login(client, h[role])
    page = client.get(f"/h/{h['id']}/handout").text
    assert "The handout prints on 4 pages:" in page
    # The red flags come first, as in every output of a plan.
    for n, title in enumerate(
        (
            "Urgent symptoms: what to do",
            "Symptoms to tell your team about soon",
            "Your exercises",
            "Movements to avoid in daily life",
        ),
        1,
    ):
        assert f"Page {n} of 4" in page
        assert f">{title}</h2>" in page
    assert "3 sessions a week" in page and "2 sets of 10" in page
    assert (
        f"Allowed by your physiotherapist: {f.OVERRIDE}"
        f'<span class="override-rules">The rule it overrides: {f.RULED_OUT}</span>'
    ) in page
    assert "There is a lesion in your pelvis." in page  # why a movement is avoided
    assert "What to do now: call your cancer team" in page
    assert "Your cancer team’s emergency number" in page
    assert 'class="qr"' not in page  # no code until asked for


def test_handout_code_joins_with_the_chosen_role(app, client, db, h):
    login(client, h["patient"])
    response = client.post(
        f"/h/{h['id']}/handout", data={"role": "physio", "expires": "30", **CSRF}
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    url = re.search(r'class="join-url">([^<]+)</span>', page).group(1)
    qr = segno.make(url, error="m").svg_inline(
        scale=1, border=4, light="#fff", omitsize=True, svgclass="qr", title="QR code of the link"
    )
    assert qr in page
    assert "as a physiotherapist" in page and "Works once" in page
    assert 'class="qr"' not in client.get(response.headers["Location"]).text  # shown once
    joiner = app.test_client()
    login(joiner, h["outsider"])
    assert joiner.post(url.removeprefix("http://localhost"), data=CSRF).status_code == 303
    assert accounts.get_membership(db, h["id"], h["outsider"])["role"] == "physio"


def test_handout_form_errors_store_nothing(client, db, h):
    login(client, h["caregiver"])
    response = client.post(f"/h/{h['id']}/handout", data={"role": "", "expires": "2", **CSRF})
    assert response.status_code == 422
    assert "Choose the role of the person you are inviting." in response.text
    assert "Choose how long the link works." in response.text
    assert count(db, "invites") == 0


def test_handout_without_a_plan(client, h):
    login(client, h["outsider"])
    page = client.get(f"/h/{h['other']}/handout").text
    assert "There is no plan to print yet." in page
    assert "Page 1 of" not in page


def test_handout_gives_each_exercises_how_to(client, db, h):
    login(client, h["patient"])
    page = client.get(f"/h/{h['id']}/handout").text
    handout = page[page.index('class="handout"') :]
    from planner.store import plans

    exercises = [
        i for i in plans.current_plan(db, h["id"])["plan"]["items"] if i["domain"] == "exercise"
    ]
    for item in exercises:
        assert item["detail"].replace("'", "&#39;") in handout, item["id"]
    assert "the movements to avoid in daily life are on page 4" in handout
    assert "How to do each one, and why, is in the Planner" not in handout


def test_a_long_exercise_list_runs_onto_pages_within_the_budget():
    from planner.web.views.share import EXERCISE_PAGE, _weight, exercise_pages

    items = [{"title": f"Exercise {n}", "detail": "x" * 400} for n in range(17)]
    pages = exercise_pages(items)
    assert [i for page in pages for i in page] == items  # all, in order
    assert len(pages) == 3
    assert all(sum(_weight(i) for i in page) <= EXERCISE_PAGE for page in pages)
    assert exercise_pages([]) == []
