"""On a phone, in Chromium: sharing a new link (copy, the system share sheet, the QR code, and
the selectable link without JavaScript), the care team's numbers (stored, checked, one tap to
call), and the accessibility of the pages at 200% text: no sideways scroll, targets of 24 px
or more, focus on what went wrong; the household menu on one row at 1280 px. On the demo
household and on a new household with every answer "Not sure"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from planner.store import contacts
from planner.store.sql import run_alone
from planner.web.db import get_db
from tests.browser.conftest import at_width
from tests.browser.helpers import (
    DEMO_PASSWORD,
    live_demo,
    live_not_sure,
    sign_in,
    sign_in_as,
    sign_in_by_cookie,
    until,
)
from tests.browser.layout import sideways, small_targets, text_at, wide_elements
from tests.conftest import LOOKS

# A stand-in for the system share sheet, which headless Chromium on Linux does not have.
FAKE_SHARE = (
    "window.__shared = null; Object.defineProperty(navigator, 'share', {value:"
    " d => { window.__shared = d; return Promise.resolve(); }});"
)


def _new_invite(page, base, household_id):
    page.goto(f"{base}/h/{household_id}/share")
    page.locator("#invite").get_by_role("button", name="Make an invite link").click()
    url = page.locator("#new-link-url")
    expect(url).to_be_visible()
    return url


def test_share_a_new_link_by_copy_share_sheet_or_code(live_app, browser, catalog):
    app, base = live_app
    h = live_demo(app, catalog)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    context.add_init_script(FAKE_SHARE)
    page = context.new_page()
    sign_in_as(page, base, h["emails"]["patient"], DEMO_PASSWORD, f"/h/{h['id']}/share")
    url = _new_invite(page, base, h["id"]).inner_text()
    assert re.fullmatch(rf"{re.escape(base)}/join/\S+", url)
    expect(page.locator(".new-link svg.qr")).to_be_visible()
    assert page.locator(".new-link .qr-box").bounding_box()["width"] >= 150  # scannable

    page.get_by_role("button", name="Copy the link").click()
    expect(page.locator("#copy-status")).to_have_text(
        "Copied. Paste it into a message or an email."
    )
    assert page.evaluate("navigator.clipboard.readText()") == url

    page.get_by_role("button", name="Share the link…").click()
    until(page, "window.__shared")  # polled from here: the CSP refuses wait_for_function's
    shared = page.evaluate("window.__shared")
    assert shared == {"title": "Join Maria's home", "url": url}
    assert sideways(page) == 0
    context.close()


def test_without_javascript_the_new_link_stays_selectable(live_app, browser, catalog):
    app, base = live_app
    h = live_not_sure(app, catalog)
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, base, h["emails"]["caregiver"], f"/h/{h['id']}/share")
    url = _new_invite(page, base, h["id"])
    expect(page.get_by_role("button", name="Copy the link")).to_be_hidden()
    expect(page.get_by_role("button", name="Share the link…")).to_be_hidden()
    assert url.evaluate("e => getComputedStyle(e).userSelect") == "all"
    expect(page.locator(".new-link svg.qr")).to_be_visible()
    context.close()


def test_without_a_share_sheet_only_copy_is_offered(live_app, page_factory, catalog):
    app, base = live_app
    h = live_not_sure(app, catalog)
    page = page_factory(390, 844)
    sign_in_by_cookie(page, app, base, h["emails"]["patient"], f"/h/{h['id']}/share")
    _new_invite(page, base, h["id"])
    has_share = page.evaluate("'share' in navigator")
    expect(page.get_by_role("button", name="Copy the link")).to_be_visible()
    assert page.get_by_role("button", name="Share the link…").is_visible() == has_share


def test_care_team_numbers_are_checked_then_one_tap_away(live_app, page_factory, catalog):
    app, base = live_app
    h = live_not_sure(app, catalog)
    page = page_factory(390, 844)
    sign_in_by_cookie(page, app, base, h["emails"]["caregiver"], f"/h/{h['id']}/today")
    page.get_by_role("link", name="Add your care team's numbers").click()
    page.get_by_label("Phone number: Emergency number").fill("01632 960 999")
    page.get_by_label("Phone number: Cancer team's line").fill("call the ward")
    page.get_by_role("button", name="Save the numbers").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()  # focus moves to what went wrong
    expect(summary).to_contain_text("Cancer team's line: “call the ward” is not a phone number.")
    with app.app_context():
        assert contacts.contacts(get_db(), h["id"]) == []  # nothing stored
    page.get_by_label("Phone number: Cancer team's line").fill("+44 (0)1632 960-111")
    page.get_by_role("button", name="Save the numbers").click()
    expect(page.get_by_text("The care team's numbers are saved.")).to_be_visible()

    page.get_by_role("link", name="Today", exact=True).click()
    strip = page.locator(".call-strip")
    expect(strip.locator("a[href='tel:01632960999']")).to_contain_text("Emergency 01632 960 999")
    expect(strip.locator("a[href='tel:+4401632960111']")).to_be_visible()
    # In Today's header: above the first task, on the first screen.
    assert strip.bounding_box()["y"] < page.locator(".task").first.bounding_box()["y"]
    expect(strip).to_be_in_viewport()
    page.get_by_role("link", name="Urgent symptoms", exact=True).click()
    expect(page.locator("#call a[href='tel:+4401632960111']")).to_be_visible()
    expect(page.locator(".write-line")).to_have_count(0)


def test_the_demo_household_calls_its_team_from_today(live_app, page_factory, catalog):
    app, base = live_app
    h = live_demo(app, catalog)
    page = page_factory(390, 844)
    sign_in_by_cookie(page, app, base, h["emails"]["patient"], f"/h/{h['id']}/today")
    links = page.locator(".call-strip a[href^='tel:']")
    expect(links).to_have_count(2)
    for link in links.all():
        expect(link).to_be_in_viewport()
    page.goto(f"{base}/red-flags")
    expect(page.locator("#call a[href^='tel:']")).to_have_count(5)


PAGES = (
    "/h/{id}/today",
    "/h/{id}/home",
    "/h/{id}/history",
    "/h/{id}/profile",
    "/h/{id}/profile/edit",
    "/red-flags",
    "/h/{id}/share",
    "/h/{id}/handout",
    "/h/{id}/contacts",
    "/h/{id}/members",
    "/h/{id}/exercises",
    "/h/{id}/facts",
    "/h/{id}/versions",
    "/",
)


# One case per household and person, so that the test run can share them out between cores.
@LOOKS
@pytest.mark.parametrize(
    "which, role",
    [("demo", "patient"), ("demo", "physio"), ("not-sure", "caregiver"), ("not-sure", "physio")],
)
def test_pages_reflow_at_200_percent_text_with_targets_of_24_px(
    live_app, page_factory, catalog, which, role
):
    app, base = live_app
    h = live_demo(app, catalog) if which == "demo" else live_not_sure(app, catalog)
    if which == "not-sure":
        # A long address, as some clinics give: it is on every page ("Signed in as ...").
        long_email = f"{role}.of.household.{h['id']}@community-hospital-physiotherapy.example.org"
        with app.app_context():
            run_alone(get_db(), "update users set email = ? where id = ?", [long_email, h[role]])
        h["emails"][role] = long_email
    page = page_factory(1280, 844)
    sign_in_by_cookie(page, app, base, h["emails"][role])
    for path in PAGES:
        # Each page loaded once, measured at 1280 px, then at 390 px (conftest.at_width).
        page.goto(base + path.format(id=h["id"]))
        where = f"{which} {role} {path} at"
        at_width(page, 1280)
        assert small_targets(page) == [], f"{where} 1280 px"
        at_width(page, 390)
        assert small_targets(page) == [], f"{where} 390 px"
        text_at(page, 200)
        # What opens in place (banners, questions, done groups) must fit open too.
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert sideways(page) == 0, f"{where} 390 px, 200% text: {wide_elements(page)}"
        assert small_targets(page) == [], f"{where} 390 px, 200% text"


@LOOKS
@pytest.mark.parametrize("which", ["demo", "not-sure"])
def test_household_menu_fits_one_row_at_1280(live_app, page_factory, catalog, which):
    """Every section in one row on a desktop; on a phone the everyday three and "More" in one
    row, the rest one tap away under More."""
    app, base = live_app
    h = live_demo(app, catalog) if which == "demo" else live_not_sure(app, catalog)
    page = page_factory(1280, 900)
    sign_in_by_cookie(page, app, base, h["emails"]["caregiver"], f"/h/{h['id']}/today")
    for width, shown in ((1280, 9), (390, 4)):  # one load, resized (conftest.at_width)
        at_width(page, width)
        items = page.locator(".household-nav > ul > li:visible").all()
        assert len(items) == shown, width
        tops = {round(li.bounding_box()["y"]) for li in items}
        assert len(tops) == 1, (width, tops)
    page.get_by_text("More", exact=True).click()
    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People", exact=False).first).to_be_visible()


def test_focus_moves_to_the_error_summary_of_the_questions(live_app, page_factory, catalog):
    app, base = live_app
    h = live_not_sure(app, catalog)
    page = page_factory(390, 844)
    sign_in_by_cookie(page, app, base, h["emails"]["patient"], f"/h/{h['id']}/profile/edit")
    page.get_by_label("How many times have you fallen in the past year?").fill("300")
    page.get_by_role("button", name="See the plan these answers give").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary")).to_be_in_viewport()
