"""A new release of the advice and the households' plans (issue 25): each stored version records
the content version it was made from; a plan made from other content follows the new one when
a page of the household opens, at once without a physiotherapist or towards caution, and
waiting for the physiotherapist when it would be less careful; the physiotherapist sees which
plans would change, and how, before they do; the household sees what changed, item by item."""

from __future__ import annotations

import copy

import pytest

from planner import planning
from planner.plans.engine import build_plan
from planner.store import activity, plans
from planner.store import tailoring as drafts
from tests import factories as f
from tests.conftest import CSRF, login
from tests.dbstate import dump

OLD = ("1.0", "0" * 64)  # a content version the app no longer runs


def made_from_old_content(db, catalog, h, change) -> dict:
    """Replace the household's plan by one "made from release 1.0", the one they last saw: the
    plan the app's content gives, changed by `change` as the old content would have had it."""
    plan = copy.deepcopy(build_plan(f.PROFILE, catalog, f.DAY))
    change(plan)
    version = plans.apply_plan(db, h["id"], plan, f.PROFILE, h["patient"], at=f.NOW, content=OLD)
    drafts.mark_seen(db, h["id"], version, h["patient"], at=f.NOW)  # what they last saw
    return plan


def lacked_breathing(plan):
    """The old content had no breathing exercise: the new one adds it (more care)."""
    plan["items"] = [i for i in plan["items"] if i["id"] != "belly-breathing"]


def had_retired_advice(plan):
    """The old content gave a task the new one no longer gives (less care)."""
    retired = copy.deepcopy(next(i for i in plan["items"] if i["domain"] == "home-safety"))
    plan["items"].append(retired | {"id": "retired-advice", "title": "A task no longer advised"})


def avoided_more(plan):
    """The old content's rule for partial weight-bearing also named a movement to avoid in daily
    life that the new one no longer names (less care, though the rule still applies)."""
    rule = next(a for a in plan["avoid_in_daily_life"] if a["id"] == "weight-bearing-partial")
    rule["movements"].append("carrying a heavy bag")


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog)


@pytest.fixture
def alone(app, db, catalog):
    """A household without a physiotherapist."""
    household, anna = f.household(db)
    f.with_plan(db, catalog, household["id"], anna["id"])
    return {"id": household["id"], "patient": anna["id"]}


def test_every_version_records_the_content_it_was_made_from(db, catalog, h):
    current = plans.current_plan(db, h["id"])
    assert current["content_release"] == catalog.release == "1.1"
    assert current["content_hash"] == catalog.content_hash
    assert plans.versions(db, h["id"])[0]["content_release"] == "1.1"


def test_without_a_physiotherapist_the_plan_follows_at_once_and_says_what_changed(
    client, db, catalog, alone
):
    made_from_old_content(db, catalog, alone, had_retired_advice)
    login(client, alone["patient"])
    today = client.get(f"/h/{alone['id']}/today").text
    current = plans.current_plan(db, alone["id"])
    assert current["version"] == 3 and current["content_hash"] == catalog.content_hash
    assert current["created_by"] is None  # the planner made it, not a person
    assert "The planner's advice was updated to release 1.1" in today
    assert "Taken off</span> <strong>A task no longer advised</strong>" in today
    version = client.get(f"/h/{alone['id']}/versions/3").text
    assert "by the planner, to follow release 1.1 of its advice" in version
    [entry] = activity.entries(db, alone["id"], kinds=("content_updated",))
    assert entry["detail"] == {
        "release": "1.1",
        "content_hash": catalog.content_hash,
        "version": 3,
    }
    # Once is enough: the next page changes nothing.
    client.get(f"/h/{alone['id']}/profile")
    assert plans.current_plan(db, alone["id"])["version"] == 3


def test_towards_caution_it_follows_at_once_even_with_a_physiotherapist(client, db, catalog, h):
    made_from_old_content(db, catalog, h, lacked_breathing)
    login(client, h["caregiver"])
    client.get(f"/h/{h['id']}/today")
    current = plans.current_plan(db, h["id"])
    assert current["content_hash"] == catalog.content_hash
    assert "belly-breathing" in {t["id"] for t in plans.tasks(db, h["id"])}


def test_a_less_careful_update_waits_and_the_physiotherapist_sees_it_first(
    app, client, db, catalog, h
):
    made_from_old_content(db, catalog, h, had_retired_advice)
    login(client, h["caregiver"])
    client.get(f"/h/{h['id']}/today")
    assert plans.current_plan(db, h["id"])["content_hash"] == OLD[1]  # it waits
    waiting = client.get(f"/h/{h['id']}/advice").text
    assert "This update waits for Priya" in waiting and "Update the plan" not in waiting
    before = dump(app.config["DATABASE"])
    assert client.post(f"/h/{h['id']}/advice", data=CSRF).status_code == 403
    assert dump(app.config["DATABASE"]) == before
    # The physiotherapist's caseload names the plan, and its page says what would change.
    login(client, h["physio"])
    caseload = client.get("/").text
    assert "Release 1.1 of the planner's advice would change these plans" in caseload
    assert "Anna&#39;s home</a> (Anna): 1 change, <strong>waits for you</strong>" in caseload
    page = client.get(f"/h/{h['id']}/advice").text
    assert "A task no longer advised: taken off" in page
    assert "Taken off</span> <strong>A task no longer advised</strong>" in page
    assert client.post(f"/h/{h['id']}/advice", data=CSRF).status_code == 303
    current = plans.current_plan(db, h["id"])
    assert current["content_hash"] == catalog.content_hash
    assert current["created_by"] == h["physio"]
    assert "retired-advice" not in {t["id"] for t in plans.tasks(db, h["id"])}
    login(client, h["patient"])
    today = client.get(f"/h/{h['id']}/today").text
    assert "The planner's advice was updated to release 1.1" in today
    assert "release 1.1 of the planner's advice would change" not in client.get("/").text


def test_the_same_plan_from_new_content_is_marked_not_made_again(db, catalog, h):
    made_from_old_content(db, catalog, h, lambda plan: None)
    outcome = planning.update_content(db, h["id"], catalog, f.DAY, at=f.NOW)
    current = plans.current_plan(db, h["id"])
    assert outcome == "same" and current["version"] == 2
    assert current["content_hash"] == catalog.content_hash


def test_a_movement_no_longer_to_avoid_waits_though_its_rule_stays(client, db, catalog, h):
    made_from_old_content(db, catalog, h, avoided_more)
    login(client, h["caregiver"])
    client.get(f"/h/{h['id']}/today")
    assert plans.current_plan(db, h["id"])["content_hash"] == OLD[1]  # it waits
    login(client, h["physio"])
    page = client.get(f"/h/{h['id']}/advice").text
    assert "carrying a heavy bag: no longer to avoid in daily life" in page
