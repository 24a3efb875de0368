"""Issue 25 in Chromium: the public "How your plan is made" pages, the physiotherapist's movement
rules, the advice page and the reviewer's page are axe-clean at phone and desktop width; a link
to one item opens it."""

from __future__ import annotations

from playwright.sync_api import expect

from planner.plans.catalog import DOMAINS
from planner.store import reviewers
from planner.web.db import get_db
from tests import factories as f
from tests.browser.conftest import axe_by_width
from tests.browser.helpers import live_home, sign_in_by_cookie
from tests.browser.test_accessibility import report
from tests.conftest import LOOKS

BASE = "/how-plans-are-made"


@LOOKS
def test_the_public_pages_are_axe_clean(live_app, page_factory):
    _, base = live_app
    page = page_factory(390, 900, axe=True)
    for path in (
        BASE,
        f"{BASE}/changes",
        f"{BASE}/safety-matrix",
        *(f"{BASE}/{d}" for d in DOMAINS),
    ):
        page.goto(base + path)
        found = axe_by_width(page)
        assert not found, f"{path}:\n{report(found)}"


def test_a_link_to_one_item_opens_it(live_app, page_factory):
    _, base = live_app
    page = page_factory(390, 844)
    page.goto(f"{base}{BASE}/exercise#item-squats")
    squats = page.locator("#item-squats")
    squats.get_by_text("When it is on a plan").wait_for()
    assert squats.get_attribute("open") is not None
    assert page.locator("#item-lunges").get_attribute("open") is None
    page.get_by_role(
        "link", name="Lesion in the pelvis: no load on the hips, no standing on one leg"
    ).first.click()
    # Opened by content.js on the hashchange, which may come after click() returns.
    expect(page.locator("#rule-pelvis")).to_have_js_property("open", True)


@LOOKS
def test_the_signed_in_pages_are_axe_clean(live_app, page_factory, catalog):
    app, base = live_app
    h = live_home(app, catalog)
    with app.app_context():
        meera = f.user(get_db(), "Meera")
        reviewers.grant(get_db(), meera["id"], at=f.NOW)
    home = f"/h/{h['id']}"
    page = page_factory(390, 900, axe=True)
    sign_in_by_cookie(page, app, base, h["emails"]["physio"], f"{home}/exercises")
    rule = page.locator("#rule-pelvis")
    rule.get_by_text("Lift this rule for this person").click()
    rule.get_by_label("Why you lift it for this person").fill("Stable on the scan.")
    rule.get_by_role("button", name="Lift the rule").click()
    page.get_by_role("button", name="Publish to the household").click()
    page.get_by_text("Published as version 2").wait_for()
    for path in (f"{home}/exercises", f"{home}/advice", f"{home}/profile", "/"):
        page.goto(base + path)
        found = axe_by_width(page)
        assert not found, f"{path}:\n{report(found)}"
    page.context.clear_cookies()
    sign_in_by_cookie(page, app, base, meera["email"], "/review")
    found = axe_by_width(page)
    assert not found, f"/review:\n{report(found)}"
