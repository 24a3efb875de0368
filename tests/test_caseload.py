"""The physiotherapist's caseload: their start page lists the households they look after with
adherence per part of the plan, last activity, drafts, needs-help and overdue key tasks;
searchable and sortable through the query string."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.store import accounts, ticks
from planner.store import tailoring as drafts
from planner.web.views import caseload as caseload_view
from tests import factories as f
from tests.conftest import login

D = dt.date(2026, 11, 23)
DAILY = {"id": "walk", "domain": "exercise", "schedule": {"kind": "daily", "times_per_day": 1}}
ONCE = {"id": "rail", "domain": "home-safety", "schedule": {"kind": "once", "due": "2026-11-20"}}


def test_overdue_one_off_tasks_and_which_are_key():
    late = caseload_view.overdue([ONCE, DAILY], {}, D)
    assert [i["id"] for i in late] == ["rail"]
    assert caseload_view.overdue([ONCE], {"rail": "done"}, D) == []
    assert caseload_view.overdue([ONCE], {"rail": "needs-help"}, D) == late
    assert not caseload_view.is_key(ONCE) and caseload_view.is_key({**ONCE, "emphasis": True})


@pytest.fixture
def caseload(app, db, catalog):
    """The physio Priya of Anna's home (f.home) also looks after Carla's home; she is a
    caregiver elsewhere too. Anna's home has drinks ticked over the past days and a task
    marked needs-help; Carla's home has a draft and nothing ticked."""
    w = f.home(app, db, catalog)
    carla_home, carla = f.household(db, "patient", "Carla")
    accounts.add_member(db, carla_home["id"], w["physio"], "physio", at=f.NOW)
    f.with_plan(db, catalog, carla_home["id"], carla["id"])
    other, _ = f.household(db, "patient", "Dora")
    accounts.add_member(db, other["id"], w["physio"], "caregiver", at=f.NOW)
    earlier = f.NOW - dt.timedelta(days=10)
    db.execute(
        "update plans set created_at = ? where household_id = ?", [earlier.isoformat(), w["id"]]
    )
    for back in range(1, 8):
        day = (f.DAY - dt.timedelta(days=back)).isoformat()
        for slot in range(4):
            ticks.set_state(
                db,
                w["id"],
                "daily-drinks",
                day,
                slot,
                "done",
                by_user=w["patient"],
                at=f.NOW - dt.timedelta(days=back),
            )
    ticks.set_state(
        db, w["id"], "bath-seat", "once", 0, "needs-help", by_user=w["caregiver"], at=f.NOW
    )
    drafts.save_draft(db, carla_home["id"], {"exercises": [], "removed": []}, w["physio"], at=f.NOW)
    return {**w, "carla_home": carla_home["id"], "dora_home": other["id"]}


def _row(page: str, household_id: int) -> str:
    row = page[page.index(f'id="household-{household_id}"') :]
    return row[: row.index("</tr>")]


def test_the_physiotherapists_start_page_is_the_caseload(client, caseload):
    login(client, caseload["physio"])
    page = client.get("/").text
    assert "Your caseload" in page and "The 2 households you look after" in page
    anna = _row(page, caseload["id"])
    # Drinks: 4 of 8 a day on each of the 7 days before today, none yet today; the plan is
    # 10 days old: over the last 7 days (today included) 24 of 56 done.
    assert 'data-label="Drinks, 7 d · 28 d"><span><span class="rate rate-low">43%</span>' in anna
    assert "Today" in anna  # a tick today (the needs-help mark)
    assert '1<span class="visually-hidden"> tasks need help' in anna
    carla = _row(page, caseload["carla_home"])
    assert "Unpublished" in carla and "Never" in carla
    assert f'id="household-{caseload["dora_home"]}"' not in page  # not hers as physio
    assert "Dora&#39;s home" in page  # but listed among her other households


@pytest.mark.parametrize("role", ["patient", "caregiver"])
def test_other_roles_keep_their_household_list(client, caseload, role):
    login(client, caseload[role])
    page = client.get("/").text
    assert "Your caseload" not in page and "Open today’s tasks" in page


def test_search_narrows_and_says_when_nothing_matches(client, caseload, hx):
    login(client, caseload["physio"])
    page = client.get("/?q=carla").text
    assert f'id="household-{caseload["carla_home"]}"' in page
    assert f'id="household-{caseload["id"]}"' not in page
    assert "1 of 2 households matching “carla”" in page
    none = client.get("/?q=zzz").text
    assert "No household or patient matches “zzz”" in none
    assert client.get("/?q=" + "x" * 5000).status_code == 200


def test_sorting_by_name_by_attention_and_by_a_domain(client, caseload):
    login(client, caseload["physio"])
    anna, carla = f'id="household-{caseload["id"]}"', f'id="household-{caseload["carla_home"]}"'
    by_name = client.get("/?sort=name").text
    assert by_name.index(anna) < by_name.index(carla)
    # Anna's needs-help task weighs more than Carla's draft and silence.
    attention = client.get("/").text
    assert attention.index(anna) < attention.index(carla)
    quiet = client.get("/?sort=activity").text
    assert quiet.index(carla) < quiet.index(anna)  # never ticked comes first
    assert 'aria-sort="descending"' in quiet
    assert client.get("/?sort=nonsense").status_code == 200


def test_the_plain_list_is_one_link_away(client, caseload):
    login(client, caseload["physio"])
    page = client.get("/?list=all").text
    assert "Your households" in page and "Add another household" in page


def test_htmx_search_gets_the_list_alone(client, caseload, hx):
    login(client, caseload["physio"])
    response = client.get("/?q=anna&sort=name", headers=hx)
    assert response.status_code == 200
    assert '<div id="caseload">' in response.text and "<html" not in response.text
    assert f'id="household-{caseload["id"]}"' in response.text
