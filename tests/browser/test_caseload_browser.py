"""The physiotherapist in Chromium: their caseload of 30 households on one desktop screen and
on a phone, searched as they type and sorted; the exercise editor's publish bar that stays in
view and confirms each save at the row; no dose on advice; no "have a physiotherapist check
this plan" once they have published. On the demo household and on new "Not sure" ones."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from planner.store import accounts, ticks
from planner.web.db import get_db
from tests import factories as f
from tests.browser.helpers import (
    DEMO_PASSWORD,
    NOT_SURE,
    live_demo,
    live_not_sure,
    sign_in_as,
    sign_in_by_cookie,
)
from tests.browser.layout import sideways

NAMES = (
    "Ahmed",
    "Beatriz",
    "Chen",
    "Dara",
    "Elif",
    "Fatima",
    "Giorgio",
    "Hana",
    "Ivan",
    "Julia",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Paula",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Xavier",
    "Yusuf",
    "Zoe",
    "Amir",
    "Bea",
    "Cleo",
)


def _caseload_of_30(app, catalog) -> dict:
    """The demo physiotherapist also looks after 29 new households (every third one answered
    "Not sure" throughout), each with some drinks ticked yesterday."""
    h = live_demo(app, catalog)
    with app.app_context():
        db = get_db()
        physio = accounts.user_by_email(db, h["emails"]["physio"])["id"]
        for n, name in enumerate(NAMES):
            home, person = f.household(db, "patient", name)
            accounts.add_member(db, home["id"], physio, "physio", at=f.NOW)
            f.with_plan(db, catalog, home["id"], person["id"], NOT_SURE if n % 3 == 0 else None)
            for slot in range(n % 8):
                ticks.set_state(
                    db,
                    home["id"],
                    "daily-drinks",
                    (f.DAY - dt.timedelta(days=1)).isoformat(),
                    slot,
                    "done",
                    by_user=person["id"],
                    at=f.NOW - dt.timedelta(days=1),
                )
    return h


def test_thirty_households_on_one_desktop_screen_searched_and_sorted(
    live_app, page_factory, catalog
):
    app, base = live_app
    h = _caseload_of_30(app, catalog)
    page = page_factory(1280, 1000)
    sign_in_as(page, base, h["emails"]["physio"], DEMO_PASSWORD, "/")
    expect(page.get_by_role("heading", name="Your caseload")).to_be_visible()
    rows = page.locator("table.caseload tbody tr")
    expect(rows).to_have_count(30)
    table = page.locator("table.caseload").bounding_box()
    assert table["height"] <= 1000 - 100, table  # all 30 in view at once, header included
    maria = page.locator("#household-1")
    expect(maria).to_contain_text("Maria Santos")
    expect(maria.locator("td").first).to_have_text(re.compile(r"\d+% ·, 28 days: \d+%"))

    # Active search: the list narrows as one types, and the address says so.
    page.get_by_label("Find a household or a patient").press_sequentially("mari")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Maria's home")
    expect(page).to_have_url(re.compile(r"q=mari"))
    page.get_by_label("Find a household or a patient").fill("")
    page.get_by_label("Find a household or a patient").press("Enter")
    expect(rows).to_have_count(30)

    page.get_by_role("link", name="Household", exact=True).click()
    expect(page.locator("th[aria-sort='ascending']")).to_have_text("Household")
    names = [n.lower() for n in page.locator("tbody th.who a").all_inner_texts()]
    assert names == sorted(names)


def test_the_caseload_on_a_phone(live_app, page_factory, catalog):
    app, base = live_app
    h = _caseload_of_30(app, catalog)
    page = page_factory(390, 844)
    sign_in_by_cookie(page, app, base, h["emails"]["physio"])
    assert sideways(page) == 0
    card = page.locator("#household-1")
    expect(card).to_be_visible()
    assert card.bounding_box()["width"] <= 390
    # The demo's stair rails need help: shown, and a way to them.
    expect(card.get_by_role("link", name=re.compile("tasks need help"))).to_be_visible()
    page.get_by_label("Order").select_option("name")
    expect(page).to_have_url(re.compile(r"sort=name"))
    expect(page.locator("tbody tr").first).to_contain_text("Ahmed's home")


def test_the_publish_bar_stays_in_view_and_confirms_each_save(live_app, page_factory, catalog):
    app, base = live_app
    h = live_demo(app, catalog)
    page = page_factory(390, 844)
    sign_in_by_cookie(page, app, base, h["emails"]["physio"], f"/h/{h['id']}/exercises")
    bar = page.locator("#publish-bar")
    expect(bar).to_contain_text("No changes to publish: version 2")

    advice = page.locator("#x-ease-off-with-pain")
    expect(advice).to_contain_text("Advice, not an exercise: it takes no dose.")
    expect(advice.get_by_text("Set the dose")).to_have_count(0)

    row = page.locator(".exercise", has=page.locator("summary", has_text="Set the dose")).nth(3)
    row_id = row.get_attribute("id")
    row.get_by_text("Set the dose").click()
    row.get_by_label("Sets").fill("2")
    row.get_by_label("Repetitions").fill("6")
    row.get_by_role("button", name="Save the dose").click()
    saved = page.locator(f"#{row_id}")
    expect(saved).to_have_class(re.compile("is-saved"))
    expect(bar).to_contain_text("is saved.")
    expect(bar).to_contain_text("Not published yet: 1 change")
    expect(bar).to_be_in_viewport()
    expect(saved).to_be_in_viewport()  # the place is kept
    assert page.evaluate("window.scrollY") > 300

    page.mouse.wheel(0, 5000)  # down the list: the bar stays in view
    expect(bar).to_be_in_viewport()
    bar.get_by_role("button", name="Publish to the household").click()
    expect(page.get_by_text("Published as version 3.")).to_be_visible()


def test_after_the_physio_publishes_the_household_is_not_asked_for_one(
    live_app, page_factory, catalog
):
    app, base = live_app
    h = live_not_sure(app, catalog)
    patient = page_factory(390, 844)
    sign_in_by_cookie(patient, app, base, h["emails"]["patient"], f"/h/{h['id']}/today")
    ask = patient.locator("#task-exercise-plan-physio-check-once")
    expect(ask).to_have_count(1)

    physio = page_factory(1280, 900)
    sign_in_by_cookie(physio, app, base, h["emails"]["physio"], f"/h/{h['id']}/exercises")
    expect(physio.locator("#x-exercise-plan-physio-check")).to_have_count(0)
    physio.locator(".exercise").first.get_by_role("button", name=re.compile("Down")).click()
    expect(physio.locator("#publish-bar")).to_contain_text("Not published yet")
    physio.get_by_role("button", name="Publish to the household").click()
    expect(physio.get_by_text("Published as version 2.")).to_be_visible()

    patient.reload()
    expect(ask).to_have_count(0)
