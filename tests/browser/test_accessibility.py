"""axe-core on every main page, signed out and signed in, at phone and desktop width (each page
loaded once and resized, conftest.at_width): no serious or critical violation."""

from __future__ import annotations

from tests.browser.conftest import axe_by_width
from tests.browser.helpers import live_home, sign_in_by_cookie
from tests.conftest import LOOKS

pytestmark = LOOKS


def _report(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in violations
    )


def report(found: dict[int, list[dict]]) -> str:
    """axe_by_width's violations, width by width."""
    return "\n".join(f"at {width} px:\n{_report(v)}" for width, v in found.items())


def test_public_pages(live_app, page_factory):
    _, base = live_app
    page = page_factory(390, 900, axe=True)
    for path in ("/", "/login", "/signup", "/red-flags", "/reset"):
        page.goto(base + path)
        found = axe_by_width(page)
        assert not found, f"{path}:\n{report(found)}"


def test_household_pages(live_app, page_factory, catalog):
    app, base = live_app
    h = live_home(app, catalog)
    page = page_factory(390, 900, axe=True)
    sign_in_by_cookie(page, app, base, h["emails"]["caregiver"])
    home = f"/h/{h['id']}"
    for path in (
        "/",
        f"{home}/today",
        f"{home}/home",
        f"{home}/history",
        f"{home}/profile",
        f"{home}/profile/edit",
        "/red-flags",
        f"{home}/share",
        f"{home}/handout",
        "/account",
        "/account/delete",
    ):
        page.goto(base + path)
        found = axe_by_width(page)
        assert not found, f"{path}:\n{report(found)}"

    # A new link with its QR code, and the read-only view it opens.
    page.goto(f"{base}{home}/share")
    page.get_by_role("button", name="Make a link to see the plan").click()
    page.locator("#new-link-url").wait_for()
    found = axe_by_width(page)
    assert not found, f"new link:\n{report(found)}"
    page.goto(page.locator("#new-link-url").inner_text())
    assert page.get_by_role("heading", name="Exercise and safety plan").is_visible()
    found = axe_by_width(page)
    assert not found, f"view link:\n{report(found)}"

    # The preview, and the questions again with errors (422).
    page.goto(f"{base}{home}/profile/edit")
    page.get_by_role("button", name="See the plan these answers give").click()
    page.get_by_role("heading", name="Check the new plan").wait_for()
    found = axe_by_width(page)
    assert not found, f"preview:\n{report(found)}"

    page.goto(f"{base}{home}/profile/edit")
    page.get_by_label("How many times have you fallen in the past year?").fill("300")
    page.get_by_role("button", name="See the plan these answers give").click()
    page.get_by_role("heading", name="Please check 1 answer").wait_for()
    found = axe_by_width(page)
    assert not found, f"questions with errors:\n{report(found)}"


def test_trust_pages(live_app, page_factory, catalog):
    """Issue 13: a less careful change waits for the physiotherapist (the banner on Today, the
    facts page with its buttons), the People page with its changes, the activity log."""
    app, base = live_app
    h = live_home(app, catalog)
    home = f"/h/{h['id']}"
    page = page_factory(390, 900, axe=True)
    sign_in_by_cookie(page, app, base, h["emails"]["caregiver"])
    page.goto(f"{base}{home}/profile/edit")
    page.get_by_label("Left thigh bone").uncheck()
    page.get_by_role("button", name="See the plan these answers give").click()
    page.get_by_role("heading", name="This change waits for Priya").wait_for()
    page.get_by_role("button", name="Apply this plan").first.click()
    page.get_by_role("heading", name="Waiting for Priya to confirm").wait_for()
    for who, paths in (("patient", ("today", "members", "activity")), ("physio", ("facts",))):
        page.context.clear_cookies()
        sign_in_by_cookie(page, app, base, h["emails"][who])
        for path in paths:
            page.goto(f"{base}{home}/{path}")
            found = axe_by_width(page)
            assert not found, f"{path} as {who}:\n{report(found)}"
    page.get_by_role("button", name="Confirm and update the plan").wait_for()
