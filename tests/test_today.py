"""Today: due and overdue tasks by domain, one idempotent tap each, with and without htmx."""

from __future__ import annotations

import pytest

from planner.store import plans, ticks
from tests import factories as f
from tests.conftest import CSRF, login
from tests.dbstate import count

DAY = f.DAY.isoformat()


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog)


def url(h, item="belly-breathing"):
    return f"/h/{h['id']}/tasks/{item}/state"


def tap(client, h, item="belly-breathing", state="done", occurrence=DAY, slot=0, headers=None):
    return client.post(
        url(h, item),
        data={"occurrence": occurrence, "slot": slot, "state": state, **CSRF},
        headers=headers or {},
    )


@pytest.mark.parametrize("role", ["patient", "caregiver", "physio"])
def test_every_member_sees_today(client, h, role):
    login(client, h[role])
    page = client.get(f"/h/{h['id']}/today")
    assert page.status_code == 200
    text = page.text
    assert "Monday 23 November" in text
    # One-line banners first (warnings open in place), then progress, then now, later, week.
    assert text.index('class="banner banner-warning"') < text.index('id="progress"')
    assert (
        text.index('id="progress"')
        < text.index('id="group-now"')
        < text.index('id="group-later"')
        < text.index('id="group-week"')
    )
    assert "0 of " in text and "done today" in text and "<progress" in text
    assert 'aria-pressed="false"' in text
    assert "Breathe slowly into your belly</span>" in text
    assert ">This week</h2>" in text and "0 of 2 this week" in text
    assert 'hx-trigger="tasks-changed from:body"' in text
    assert "Open the home check" in text and "Dates ahead" in text and "When needed" in text


def test_task_button_names_the_task_and_the_state_to_become(client, h):
    login(client, h["patient"])
    text = client.get(f"/h/{h['id']}/today").text
    row = text[text.index('id="task-belly-breathing-2026-11-23"') :]
    row = row[: row.index("</li>")]
    assert 'name="state" value="done"' in row and 'aria-pressed="false"' in row
    assert 'name="occurrence" value="2026-11-23"' in row and 'name="slot" value="0"' in row
    assert 'value="not-today"' in row and '>Not today<span class="visually-hidden">' in row
    assert ">Breathe slowly into your belly</span>\n      </button>" in row  # the name: the title
    assert 'hx-target="this"' in text and 'hx-swap="outerHTML"' in text


def test_tap_without_htmx_redirects_back_to_the_row(client, db, h):
    login(client, h["patient"])
    response = tap(client, h)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/h/{h['id']}/today#task-belly-breathing-2026-11-23"
    )
    assert "HX-Request" in response.headers["Vary"]
    assert ticks.get_state(db, h["id"], "belly-breathing", DAY) == "done"
    page = client.get(f"/h/{h['id']}/today").text
    assert "1 of " in page and "Done by you" in page


def test_tap_with_htmx_returns_the_row_and_signals_progress(client, db, h, hx):
    login(client, h["patient"])
    response = tap(client, h, headers=hx)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "tasks-changed"
    assert "HX-Request" in response.headers["Vary"]
    body = response.text.strip()
    assert body.startswith("<li") and body.count('id="task-') == 1
    assert 'id="task-belly-breathing-2026-11-23"' in body
    assert 'aria-pressed="true"' in body and 'value="open"' in body
    assert "<html" not in body


def test_progress_region_alone_for_its_htmx_request(client, h, hx):
    login(client, h["patient"])
    tap(client, h)
    block = client.get(f"/h/{h['id']}/today", headers=hx).text
    assert "<html" not in block and "<progress" in block and "1 of " in block
    boosted = client.get(f"/h/{h['id']}/today", headers={**hx, "HX-Boosted": "true"}).text
    assert "<html" in boosted


def test_double_tap_stays_done_and_open_reopens(client, db, h, hx):
    login(client, h["patient"])
    tap(client, h, headers=hx)
    tap(client, h, headers=hx)
    assert ticks.get_state(db, h["id"], "belly-breathing", DAY) == "done"
    events = db.execute("select count(*) from tick_events").fetchone()[0]
    assert events == 1
    tap(client, h, state="open", headers=hx)
    assert ticks.get_state(db, h["id"], "belly-breathing", DAY) == "open"


def test_not_today_is_not_counted_as_a_failure(client, db, h, hx):
    login(client, h["patient"])
    before = client.get(f"/h/{h['id']}/today", headers=hx).text
    total = int(before.split(" of ")[1].split("<")[0])
    row = tap(client, h, state="not-today", headers=hx).text
    assert 'aria-pressed="true"' in row and "Not today: that is fine" in row
    after = client.get(f"/h/{h['id']}/today", headers=hx).text
    assert f"0 of {total - 1}</strong>" in after


def test_caregiver_ticks_on_the_patients_behalf(client, db, h, hx):
    login(client, h["caregiver"])
    row = tap(client, h, headers=hx).text
    assert "Done by you for Anna" in row
    (tick,) = ticks.states(db, h["id"], [DAY])
    assert tick["by_user"] == h["caregiver"] and tick["done_for"] == h["patient"]
    login(client, h["patient"])
    assert "Done by Ben for Anna" in client.get(f"/h/{h['id']}/today").text


def test_patient_ticking_records_no_done_for(client, db, h):
    login(client, h["patient"])
    tap(client, h)
    (tick,) = ticks.states(db, h["id"], [DAY])
    assert tick["by_user"] == h["patient"] and tick["done_for"] is None


def test_drinks_are_taps_up_to_the_target(client, db, h, hx):
    login(client, h["patient"])
    for slot in (0, 1, 2):
        row = tap(client, h, "daily-drinks", slot=slot, headers=hx).text
    assert "3 of 8 drinks (600 of 1600 ml)" in row
    assert row.count('aria-pressed="true"') == 3
    assert 'id="task-daily-drinks-2026-11-23"' in row


@pytest.mark.parametrize(
    "item,data,status",
    [
        ("no-such-task", {}, 422),
        ("belly-breathing", {"state": "toggle"}, 422),
        ("belly-breathing", {"state": "needs-help"}, 422),
        ("belly-breathing", {"occurrence": "2026-11-24"}, 422),
        ("belly-breathing", {"occurrence": "yesterday"}, 422),
        ("belly-breathing", {"occurrence": "once"}, 422),
        ("belly-breathing", {"slot": "1"}, 422),
        ("belly-breathing", {"slot": "first"}, 422),
        ("daily-drinks", {"slot": "8"}, 422),
        ("tell-every-dentist", {"occurrence": "once"}, 422),  # as needed: not ticked
    ],
)
def test_bad_taps_are_refused_and_store_nothing(client, db, h, hx, item, data, status):
    login(client, h["patient"])
    form = {"occurrence": DAY, "slot": "0", "state": "done", **data, **CSRF}
    response = client.post(url(h, item), data=form)
    assert response.status_code == status
    assert "Please check what you entered" in response.text
    htmx = client.post(url(h, item), data=form, headers=hx)
    assert htmx.status_code == status
    assert htmx.headers["HX-Retarget"] == "#tick-error"
    assert 'class="field-error"' in htmx.text and "<html" not in htmx.text
    assert count(db, "ticks") == 0 and count(db, "tick_events") == 0


def test_missing_csrf_is_refused(client, db, h):
    login(client, h["patient"])
    response = client.post(url(h), data={"occurrence": DAY, "slot": 0, "state": "done"})
    assert response.status_code == 400 and count(db, "ticks") == 0


def test_no_plan_yet_points_to_the_questions(app, client, db, catalog):
    h = f.home(app, db, catalog, plan=False)
    login(client, h["patient"])
    page = client.get(f"/h/{h['id']}/today")
    assert page.status_code == 200 and "No plan yet" in page.text
    assert f'href="/h/{h["id"]}/profile/edit"' in page.text


def test_overdue_once_task_is_marked(app, client, db, h):
    app.config["TODAY"] = "2026-12-10"
    login(client, h["patient"])
    text = client.get(f"/h/{h['id']}/today").text
    row = text[text.index('id="task-exercise-plan-physio-check-once"') :]
    assert "Was due 30 November" in row[: row.index("</li>")]


def test_removed_task_is_gone_from_today_but_history_remains(client, db, h, catalog):
    login(client, h["patient"])
    tap(client, h, "grip-squeeze")
    # A new lesion in the left upper arm, with a high fracture risk, leaves the squeeze out.
    f.with_plan(
        db,
        catalog,
        h["id"],
        h["patient"],
        {**f.PROFILE, "lesion_sites": [*f.PROFILE["lesion_sites"], "humerus-left"]},
    )
    assert plans.get_task(db, h["id"], "grip-squeeze") is None
    assert "task-grip-squeeze" not in client.get(f"/h/{h['id']}/today").text
    assert ticks.get_state(db, h["id"], "grip-squeeze", DAY) == "done"
    week = client.get(f"/h/{h['id']}/history").text
    assert "Squeeze a soft ball in your hand" in week and "by Anna" in week


def test_coming_up_tasks_can_be_done_early(client, db, h, hx):
    login(client, h["patient"])
    text = client.get(f"/h/{h['id']}/today").text
    soon = text[text.index('id="group-week"') :]
    assert 'id="task-exercise-plan-physio-check-once"' in soon
    assert "By Monday 30 November" in soon and "next on Saturday 19 December" in soon
    row = soon[soon.index('id="task-exercise-plan-physio-check-once"') :]
    assert "Not today" not in row[: row.index("</li>")]
    done = tap(client, h, "exercise-plan-physio-check", occurrence="once", headers=hx)
    assert done.status_code == 200 and 'aria-pressed="true"' in done.text
    assert ticks.get_state(db, h["id"], "exercise-plan-physio-check", "once") == "done"


def _group(text, key):
    part = text[text.index(f'id="group-{key}"') :]
    return part[: part.index("</ul>\n</details>")]


def test_counts_match_the_rows_of_each_group(client, h, hx):
    """Each group says how many of its own rows are done; the day's line adds now and later."""
    login(client, h["patient"])
    tap(client, h)  # belly breathing: later today
    tap(client, h, "grip-squeeze", state="not-today")
    text = client.get(f"/h/{h['id']}/today").text
    totals = []
    for key in ("now", "later", "week"):
        group = _group(text, key)
        rows, done = group.count('<li class="task'), group.count('<li class="task is-done')
        put_off = group.count('<li class="task is-skipped')
        words = group[group.index('class="group-count">') + 20 :].split("<")[0]
        expect = (
            f"All {rows - put_off} done"
            if done == rows - put_off
            else f"{done} of {rows - put_off} done"
        )
        assert words == expect + (f", {put_off} not today" if put_off else ""), key
        totals.append((done, rows - put_off))
    (d1, n1), (d2, n2), _ = totals
    assert f"<strong>{d1 + d2} of {n1 + n2}</strong> done today" in text
    # The progress region's refresh carries every group's count, swapped in place (htmx oob).
    block = client.get(f"/h/{h['id']}/today", headers=hx).text
    assert block.count('hx-swap-oob="true"') == 3 and 'id="count-later"' in block


def test_home_set_up_tasks_of_the_day_are_listed_now(client, db, h, hx):
    login(client, h["caregiver"])
    text = client.get(f"/h/{h['id']}/today").text
    now = _group(text, "now")
    due_today = [
        i
        for i in plans.tasks(db, h["id"])
        if i["domain"] == "home-safety" and i["schedule"].get("due") == DAY
    ]
    assert 0 < len(due_today) <= 3
    for item in due_today:
        assert f'id="task-{item["id"]}-once"' in now
    first = due_today[0]["id"]
    row = tap(client, h, first, occurrence="once", headers=hx).text
    assert f'id="task-{first}-once"' in row and 'aria-pressed="true"' in row
    assert ticks.get_state(db, h["id"], first, "once") == "done"


def test_a_group_all_done_is_folded(client, db, h):
    login(client, h["patient"])
    text = client.get(f"/h/{h['id']}/today").text
    assert '<details class="group" id="group-now" open>' in text
    for row in _group(text, "now").split('id="task-')[1:]:
        item_id, occurrence = row.split('"')[0].rsplit("-", 1)
        ticks.set_state(db, h["id"], item_id, occurrence, 0, "done", by_user=h["patient"], at=f.NOW)
    text = client.get(f"/h/{h['id']}/today").text
    assert '<details class="group" id="group-now">' in text and "All " in _group(text, "now")


NOT_SURE = {"lesion_sites": []}


@pytest.fixture
def unsure(app, db, catalog):
    """A household whose every answer is "Not sure"."""
    h = f.home(app, db, catalog, plan=False)
    f.with_plan(db, catalog, h["id"], h["patient"], NOT_SURE)
    return h


def test_not_sure_answers_are_asked_on_today(client, unsure):
    login(client, unsure["patient"])
    text = client.get(f"/h/{unsure['id']}/today").text
    assert 'id="questions"' in text
    assert "Do you use a bath tub to wash?</strong> Answer to drop 3 tasks." in text
    assert f'action="/h/{unsure["id"]}/questions/home.bathtub"' in text


def test_a_no_shows_the_preview_then_applying_drops_the_tasks(client, db, unsure):
    login(client, unsure["patient"])
    preview = client.post(
        f"/h/{unsure['id']}/questions/home.bathtub", data={"answer": "no", **CSRF}
    )
    assert preview.status_code == 200 and "Check the new plan" in preview.text
    assert "Put a non-slip mat or strips in the bath" in preview.text
    assert plans.get_task(db, unsure["id"], "bath-seat") is not None  # nothing changed yet
    profile_json = preview.text.split('name="profile_json" value=\'')[1].split("'")[0]
    import html

    applied = client.post(
        f"/h/{unsure['id']}/profile/apply",
        data={"profile_json": html.unescape(profile_json), **CSRF},
    )
    assert applied.status_code == 303
    for gone in ("bath-grab-bars", "bath-non-slip-mat", "bath-seat"):
        assert plans.get_task(db, unsure["id"], gone) is None
    assert plans.get_profile(db, unsure["id"])["home"] == {"bathtub": False}
    assert "bath tub" not in client.get(f"/h/{unsure['id']}/today").text


def test_a_yes_applies_at_once_and_keeps_every_task(client, db, unsure):
    login(client, unsure["patient"])
    before = {t["id"]: t["schedule"] for t in plans.tasks(db, unsure["id"])}
    response = client.post(
        f"/h/{unsure['id']}/questions/home.bathtub", data={"answer": "yes", **CSRF}
    )
    assert response.status_code == 303
    assert plans.get_profile(db, unsure["id"])["home"] == {"bathtub": True}
    after = {t["id"]: t["schedule"] for t in plans.tasks(db, unsure["id"])}
    assert set(after) == set(before)
    assert all(
        after[i].get("due", "") <= (before[i].get("due") or "") or "due" not in before[i]
        for i in after
    )  # deadlines kept, never pushed back
    page = client.get(f"/h/{unsure['id']}/today").text
    assert "Saved: Bath tub: Yes." in page and "Do you use a bath tub" not in page


@pytest.mark.parametrize(
    "field,answer,status",
    [
        ("home.bathtub", "maybe", 422),
        ("fracture_risk", "no", 404),
        ("nothing", "yes", 404),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(client, db, unsure, field, answer, status):
    login(client, unsure["patient"])
    response = client.post(f"/h/{unsure['id']}/questions/{field}", data={"answer": answer, **CSRF})
    assert response.status_code == status
    assert plans.get_profile(db, unsure["id"]) == NOT_SURE
    assert (
        db.execute("select count(*) from plans where household_id = ?", [unsure["id"]]).fetchone()[
            0
        ]
        == 1
    )
