"""The physiotherapist's exercise editor: who may see and change it, doses, order, removing,
adding from the library (with an override for a ruled-out one), custom exercises, publishing."""

from __future__ import annotations

import pytest

from planner.plans.tailoring import DONE_BY_PHYSIO
from planner.store import plans
from planner.store import tailoring as store
from tests import factories as f
from tests.conftest import CSRF, login

SAFE = "grip-squeeze"  # on the plan for f.PROFILE (needs no clearance, arms unaffected)
RULED_OUT = "sit-to-stand"  # hip load: ruled out by the pelvis lesion in f.PROFILE
POSTS = (
    "exercises/grip-squeeze/dose",
    "exercises/grip-squeeze/move",
    "exercises/grip-squeeze/remove",
    "exercises/add",
    "exercises/custom",
    "exercises/publish",
    "exercises/discard",
    "facts",
)


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog)


def url(h, path=""):
    return f"/h/{h['id']}/{path}"


def items(db, h):
    return {i["id"]: i for i in plans.current_plan(db, h["id"])["plan"]["items"]}


def test_anonymous_goes_to_login(client, h):
    for path in ("exercises", "facts"):
        response = client.get(url(h, path))
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_outsider_gets_404_everywhere(client, h):
    login(client, h["outsider"])
    assert client.get(url(h, "exercises")).status_code == 404
    assert client.get(url(h, "facts")).status_code == 404
    for path in POSTS:
        assert client.post(url(h, path), data={**CSRF, "direction": "up"}).status_code == 404


@pytest.mark.parametrize("role", ["patient", "caregiver"])
def test_patient_and_caregiver_read_only(client, db, h, role):
    login(client, h[role])
    page = client.get(url(h, "exercises"))
    assert page.status_code == 200
    assert "Squeeze a soft ball in your hand" in page.text
    assert "Only a physiotherapist in the household can change them" in page.text
    assert "Save the dose" not in page.text and "Add from the library" not in page.text
    for path in POSTS:
        response = client.post(
            url(h, path), data={**CSRF, "sets": "2", "item_id": SAFE, "direction": "up"}
        )
        assert response.status_code == 403, path
    assert store.get_draft(db, h["id"]) is None


def test_posts_need_csrf(client, h):
    login(client, h["physio"])
    assert client.post(url(h, "exercises/publish")).status_code == 400


def test_physio_sees_the_editor_with_the_library_greyed_with_reasons(client, h):
    login(client, h["physio"])
    page = client.get(url(h, "exercises")).text
    assert "Save the dose" in page and "Add from the library" in page
    assert 'id="lib-sit-to-stand"' in page and "is-ruled-out" in page
    assert (
        "Ruled out: No load on the left hip" in page and "There is a lesion in your pelvis" in page
    )
    assert "Why, and add anyway" in page


def test_dose_is_kept_in_the_draft_until_published(client, db, h):
    login(client, h["physio"])
    response = client.post(
        url(h, f"exercises/{SAFE}/dose"),
        data={
            **CSRF,
            "sets": "2",
            "reps": "10",
            "hold_seconds": "5",
            "sessions_per_week": "3",
            "note": "  Slowly,  please ",
        },
    )
    assert response.status_code == 303
    assert "prescription" not in items(db, h)[SAFE]  # not published yet
    page = client.get(url(h, "exercises")).text
    assert "Not published yet" in page and "2 sets of 10, hold each for 5 seconds" in page
    assert client.post(url(h, "exercises/publish"), data=CSRF).status_code == 303
    item = items(db, h)[SAFE]
    assert item["prescription"] == {
        "sets": 2,
        "reps": 10,
        "hold_seconds": 5,
        "sessions_per_week": 3,
        "note": "Slowly, please",
    }
    assert item["schedule"] == {"kind": "weekly", "times_per_week": 3}
    current = plans.current_plan(db, h["id"])
    assert current["version"] == 2 and current["created_by"] == h["physio"]
    assert store.get_draft(db, h["id"]) is None


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("sets", "0", "Write a whole number from 1 to 10"),
        ("reps", "51", "Write a whole number from 1 to 50"),
        ("hold_seconds", "2.5", "Write a whole number from 1 to 120"),
        ("sessions_per_week", "-1", "Write a whole number from 1 to 7"),
        ("sessions_per_week", "eight", "Write a whole number from 1 to 7"),
        ("note", "x" * 301, "Keep the note to 300 characters (it has 301)"),
    ],
)
def test_bad_dose_is_refused_with_a_message_and_nothing_stored(
    client, db, h, field, value, message
):
    login(client, h["physio"])
    response = client.post(url(h, f"exercises/{SAFE}/dose"), data={**CSRF, field: value})
    assert response.status_code == 422 and message in response.text
    assert "Nothing was changed" in response.text
    assert store.get_draft(db, h["id"]) is None


def test_dose_for_an_exercise_not_listed_is_404(client, db, h):
    login(client, h["physio"])
    response = client.post(url(h, "exercises/no-such/dose"), data={**CSRF, "sets": "2"})
    assert response.status_code == 404 and store.get_draft(db, h["id"]) is None


def test_move_and_remove(client, db, h):
    login(client, h["physio"])
    before = [e["id"] for e in _draft_list(client, db, h)]
    second = before[1]
    client.post(url(h, f"exercises/{second}/move"), data={**CSRF, "direction": "up"})
    after = [e["id"] for e in store.get_draft(db, h["id"])["exercises"]]
    assert after[:2] == [second, before[0]]
    assert (
        client.post(
            url(h, f"exercises/{second}/move"), data={**CSRF, "direction": "sideways"}
        ).status_code
        == 422
    )
    client.post(url(h, f"exercises/{SAFE}/remove"), data=CSRF)
    client.post(url(h, "exercises/publish"), data=CSRF)
    assert SAFE not in items(db, h)
    plan_ids = [
        i["id"]
        for i in plans.current_plan(db, h["id"])["plan"]["items"]
        if i["domain"] == "exercise"
    ]
    assert plan_ids[0] == second


def _draft_list(client, db, h):
    client.post(url(h, f"exercises/{SAFE}/dose"), data={**CSRF, "sets": "1"})
    return store.get_draft(db, h["id"])["exercises"]


def test_adding_a_ruled_out_exercise_needs_a_written_reason(client, db, h):
    login(client, h["physio"])
    refused = client.post(
        url(h, "exercises/add"), data={**CSRF, "item_id": RULED_OUT, "override_reason": "   "}
    )
    assert refused.status_code == 422
    assert "Write why you are adding it although the profile rules it out" in refused.text
    assert store.get_draft(db, h["id"]) is None
    too_long = client.post(
        url(h, "exercises/add"), data={**CSRF, "item_id": RULED_OUT, "override_reason": "y" * 301}
    )
    assert too_long.status_code == 422 and "300 characters" in too_long.text
    ok = client.post(
        url(h, "exercises/add"),
        data={
            **CSRF,
            "item_id": RULED_OUT,
            "override_reason": " Supervised in clinic, chair behind ",
        },
    )
    assert ok.status_code == 303
    client.post(url(h, "exercises/publish"), data=CSRF)
    item = items(db, h)[RULED_OUT]
    assert item["override_reason"] == "Supervised in clinic, chair behind"
    assert item["ruled_out"].startswith("No load on the left hip")
    excluded = {e["id"] for e in plans.current_plan(db, h["id"])["plan"]["excluded"]}
    assert RULED_OUT not in excluded


def test_adding_a_safe_exercise_needs_no_reason_and_unknown_ids_are_refused(client, db, h):
    login(client, h["physio"])
    client.post(url(h, f"exercises/{SAFE}/remove"), data=CSRF)
    assert client.post(url(h, "exercises/add"), data={**CSRF, "item_id": SAFE}).status_code == 303
    assert store.get_draft(db, h["id"])["exercises"][-1] == {"id": SAFE}
    refused = client.post(url(h, "exercises/add"), data={**CSRF, "item_id": "made-up"})
    assert refused.status_code == 422 and "not in the library" in refused.text


CUSTOM = {
    "title": "Seated marching",
    "detail": "Sit tall and lift each knee in turn.",
    "sessions_per_week": "3",
    "reps": "10",
}


def test_custom_exercise_passes_the_same_safety_filter(client, db, h):
    login(client, h["physio"])
    safe = client.post(url(h, "exercises/custom"), data={**CSRF, **CUSTOM})
    assert safe.status_code == 303
    risky = {**CUSTOM, "title": "Standing march", "movements": ["hip-load-left", "standing"]}
    refused = client.post(url(h, "exercises/custom"), data={**CSRF, **risky})
    assert refused.status_code == 422
    assert "The profile rules this out. No load on the left hip" in refused.text
    # The draft lists every exercise of the plan (but the "have a physiotherapist check this
    # plan" item, which a physiotherapist's plan no longer needs) and the one safe custom one.
    assert (
        len(store.get_draft(db, h["id"])["exercises"])
        == len(
            [
                i
                for i in items(db, h).values()
                if i["domain"] == "exercise" and i["id"] not in DONE_BY_PHYSIO
            ]
        )
        + 1
    )
    kept = client.post(
        url(h, "exercises/custom"),
        data={**CSRF, **risky, "override_reason": "With the frame in front"},
    )
    assert kept.status_code == 303
    client.post(url(h, "exercises/publish"), data=CSRF)
    customs = [i for i in items(db, h).values() if i.get("custom")]
    assert {c["title"] for c in customs} == {"Seated marching", "Standing march"}
    march = next(c for c in customs if c["title"] == "Standing march")
    assert march["override_reason"] == "With the frame in front"
    assert march["prescription"]["reps"] == 10 and march["schedule"]["times_per_week"] == 3


@pytest.mark.parametrize(
    "form, message",
    [
        ({**CUSTOM, "title": "ab"}, "Give the exercise a name of 3 to 100 characters"),
        ({**CUSTOM, "detail": " "}, "Say how to do the exercise"),
        ({**CUSTOM, "movements": ["flying"]}, "Not a known movement: flying"),
        ({**CUSTOM, "sessions_per_week": ""}, "Say how many sessions a week"),
        ({**CUSTOM, "sets": "11"}, "Write a whole number from 1 to 10"),
    ],
)
def test_bad_custom_exercise_is_refused(client, db, h, form, message):
    login(client, h["physio"])
    response = client.post(url(h, "exercises/custom"), data={**CSRF, **form})
    assert response.status_code == 422 and message in response.text
    assert store.get_draft(db, h["id"]) is None


def test_discard_forgets_the_draft(client, db, h):
    login(client, h["physio"])
    client.post(url(h, f"exercises/{SAFE}/dose"), data={**CSRF, "sets": "2"})
    client.post(url(h, "exercises/discard"), data=CSRF)
    assert store.get_draft(db, h["id"]) is None
    assert plans.current_plan(db, h["id"])["version"] == 1


def test_publish_without_a_draft_makes_no_version(client, db, h):
    login(client, h["physio"])
    response = client.post(url(h, "exercises/publish"), data=CSRF, follow_redirects=True)
    assert "There are no changes to publish" in response.text
    assert plans.current_plan(db, h["id"])["version"] == 1


def test_no_plan_yet(client, app, db, catalog):
    h = f.home(app, db, catalog, plan=False)
    login(client, h["physio"])
    assert "No plan yet" in client.get(url(h, "exercises")).text
    assert (
        client.post(url(h, f"exercises/{SAFE}/dose"), data={**CSRF, "sets": "2"}).status_code == 404
    )


def test_advice_items_take_no_dose(client, db, h):
    """The bug of issue 14: a dose given to "use a lighter weight, or stop, when an exercise
    hurts" turned it into a task three times a week."""
    login(client, h["physio"])
    page = client.get(url(h, "exercises")).text
    row = page[page.index('id="x-ease-off-with-pain"') :]
    row = row[: row.index("</li>")]
    assert "Set the dose" not in row and "Advice, not an exercise" in row
    refused = client.post(
        url(h, "exercises/ease-off-with-pain/dose"),
        data={**CSRF, "sets": "2", "sessions_per_week": "3"},
    )
    assert refused.status_code == 422
    assert "is advice, not an exercise: it takes no dose." in refused.text
    assert store.get_draft(db, h["id"]) is None


def test_each_save_is_confirmed_in_the_publish_bar_at_the_row(client, h):
    login(client, h["physio"])
    page = client.get(url(h, "exercises")).text
    assert "No changes to publish: version 1 is what the household sees." in page
    saved = client.post(url(h, f"exercises/{SAFE}/dose"), data={**CSRF, "sets": "2"})
    assert saved.headers["Location"].endswith(f"#x-{SAFE}")
    page = client.get(url(h, "exercises")).text
    bar = page[page.index('id="publish-bar"') : page.index('aria-labelledby="on-plan"')]
    assert "is saved." in bar and "Not published yet: " in bar
    assert "Publish to the household" in bar
    assert f'is-saved" id="x-{SAFE}"' in page
    assert "is saved." not in client.get(url(h, "exercises")).text  # said once


def test_after_a_physio_publishes_the_plan_stops_asking_for_one(client, db, h):
    assert "exercise-plan-physio-check" in items(db, h)
    login(client, h["physio"])
    client.post(url(h, f"exercises/{SAFE}/dose"), data={**CSRF, "sets": "2"})
    client.post(url(h, "exercises/publish"), data=CSRF)
    assert "exercise-plan-physio-check" not in items(db, h)
    login(client, h["patient"])
    assert "task-exercise-plan-physio-check" not in client.get(url(h, "today")).text
