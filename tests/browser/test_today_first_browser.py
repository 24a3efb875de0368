"""Today, tasks first, and the paced home set-up, in Chromium on a 390x844 phone (issue 14,
points 1 and 2): on the demo household and on a brand-new household that answers "Not sure"
everywhere through the real form."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from planner import demo
from planner.web.db import get_db
from tests import factories as f
from tests.browser.helpers import live_demo, live_home, sign_in_by_cookie

PHONE = (390, 844)


def first_tick_top(page) -> float:
    """Where the first tick button starts, from the top of the page."""
    return page.evaluate(
        "(() => { const b = document.querySelector('button.tick, button.slot');"
        " return b.getBoundingClientRect().top + window.scrollY; })()"
    )


def assert_counts_match(page) -> None:
    """Each group says how many of its own rows are done; the day's line adds now and later."""
    groups = page.evaluate("""() => [...document.querySelectorAll('details.group')].map(g => ({
        key: g.id, rows: g.querySelectorAll('li.task').length,
        done: g.querySelectorAll('li.task.is-done').length,
        off: g.querySelectorAll('li.task.is-skipped').length,
        }))""")
    assert groups, "no task groups on Today"
    day_total = day_done = 0
    for g in groups:
        total = g["rows"] - g["off"]
        expect_words = f"All {total} done" if g["done"] == total else f"{g['done']} of {total} done"
        if g["off"]:
            expect_words += f", {g['off']} not today"
        # The counts are refreshed after the row (htmx out-of-band swap): wait for them.
        expect(page.locator(f"#{g['key']} .group-count")).to_have_text(expect_words)
        if g["key"] != "group-week":
            day_total, day_done = day_total + total, day_done + g["done"]
    expect(page.locator("#progress .progress-text")).to_have_text(
        f"{day_done} of {day_total} done today" + (". Well done." if day_done == day_total else "")
    )


def test_demo_household_tasks_first(live_app, page_factory, catalog):
    app, base = live_app
    household = live_demo(app, catalog)["id"]
    page = page_factory(*PHONE)
    page.goto(f"{base}/login")
    page.get_by_label("Email address").fill("patient@example.org")
    page.get_by_label("Password").fill(demo.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{base}/h/{household}/today")
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    assert first_tick_top(page) + 56 <= PHONE[1]  # the whole first tick button, no scrolling
    # Warnings and what changed are one line each, and open in place.
    for banner in page.locator("details.banner").all():
        assert banner.bounding_box()["height"] < 60
    notice = page.locator(".changes-notice")
    expect(notice.get_by_role("button", name="Got it")).to_be_hidden()
    notice.locator("summary").click()
    expect(notice.get_by_role("button", name="Got it")).to_be_visible()
    expect(page.get_by_role("link", name="Urgent symptoms", exact=True)).to_be_in_viewport()
    assert_counts_match(page)
    # A tick updates the group's count and the day's line in place.
    later = page.locator("#group-later")
    ident = later.locator("button.tick[aria-pressed='false']").first.get_attribute("id")
    button = page.locator(f"#{ident}")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#count-later")).to_contain_text(re.compile(r"\d+ of \d+ done|All"))
    # The server's row, and with it (out of band, in the same swap) every count, is in.
    expect(page.locator(f"li.task:has(#{ident})")).to_contain_text("Done by you")
    assert_counts_match(page)


def test_new_not_sure_household_is_asked_instead_of_given_every_task(
    live_app, page_factory, catalog
):
    app, base = live_app
    h = live_home(app, catalog)
    with app.app_context():  # a brand-new household: no plan yet, Anna alone with Ben
        db = get_db()
        household, anna = f.household(db, "patient", "Nina")
        f.member(db, household["id"], "caregiver", "Tom")
        email = db.execute("select email from users where id = ?", [anna["id"]]).fetchone()[0]
    hid = household["id"]
    page = page_factory(*PHONE)
    sign_in_by_cookie(page, app, base, email, f"/h/{hid}/profile/edit")
    page.get_by_role("button", name="See the plan these answers give").click()  # all "Not sure"
    expect(page.get_by_role("heading", name="Check the new plan")).to_be_visible()
    # The preview starts with the plan in short, and Apply is on the first screen.
    expect(page.locator(".plan-summary")).to_contain_text("2 a day at most")
    apply = page.locator("#apply-top")
    assert apply.bounding_box()["y"] + apply.bounding_box()["height"] <= PHONE[1]
    apply.click()
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    assert first_tick_top(page) + 56 <= PHONE[1]
    assert_counts_match(page)
    # Only the day's share of the home set-up is on Today.
    home_rows = page.locator("#group-now li.task").filter(
        has=page.locator("[id^='tick-bedroom-'], [id^='tick-bathroom-']")
    )
    expect(home_rows).to_have_count(2)

    questions = page.locator("#questions")
    expect(questions).to_contain_text("Answer 8 questions")
    questions.locator("summary").click()
    bath = page.locator("#question-home-bathtub")
    expect(bath).to_contain_text("Do you use a bath tub to wash? Answer to drop 3 tasks.")
    bath.get_by_role("button", name="No").click()  # takes tasks off: the preview first
    expect(page.get_by_role("heading", name="Check the new plan")).to_be_visible()
    expect(page.locator(".plan-summary")).to_contain_text("removes 3")
    page.locator("#apply-top").click()
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    page.goto(f"{base}/h/{hid}/home")
    expect(page.get_by_text("Fit grab bars inside and next to the bath")).to_have_count(0)
    expect(page.get_by_text("Put a non-slip mat or strips in the bath")).to_have_count(0)
    expect(page.get_by_text("Use a bath seat or bench")).to_have_count(0)
    page.goto(f"{base}/h/{hid}/today")
    page.locator("#questions summary").click()
    expect(page.locator("#question-home-bathtub")).to_have_count(0)
    expect(page.locator("#questions")).to_contain_text("Answer 7 questions")

    # A "Yes" is towards caution: it applies at once and keeps every task.
    page.locator("#question-home-pets").get_by_role("button", name="Yes").click()
    expect(page.get_by_text("Saved: Pets: Yes.")).to_be_visible()
    assert h  # the other household is there too, untouched by this one's answers
