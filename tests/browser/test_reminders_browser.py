"""The Reminders page in Chromium: the service worker registers under the strict CSP with scope
over the whole app, the push button appears only then, and the choices save."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.helpers import live_home, sign_in, sign_in_by_cookie
from tests.conftest import LOOKS


def test_the_service_worker_registers_and_the_choices_save(
    live_app, page_factory, catalog, tmp_path
):
    app, base = live_app
    app.config["VAPID_KEY_FILE"] = str(tmp_path / "vapid_private.pem")
    h = live_home(app, catalog)
    page = page_factory(390, 844)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, base, h["emails"]["caregiver"], f"/h/{h['id']}/reminders")
    expect(page.get_by_role("heading", name="Your reminders")).to_be_visible()
    expect(page.get_by_role("button", name="Turn on notifications on this device")).to_be_visible()
    expect(page.get_by_role("button", name="Stop notifications on this device")).to_be_hidden()
    scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    assert scope == f"{base}/"

    page.get_by_label("Help alerts").check()
    page.get_by_label("By email to").check()
    page.get_by_role("button", name="Save my reminders").click()
    expect(page.get_by_text("Your reminders are saved.")).to_be_visible()
    expect(page.get_by_label("Help alerts")).to_be_checked()
    assert problems == []


@LOOKS
def test_the_reminders_page_has_no_serious_accessibility_problems(
    live_app, page_factory, catalog, tmp_path
):
    from tests.browser.conftest import axe_by_width

    app, base = live_app
    app.config["VAPID_KEY_FILE"] = str(tmp_path / "vapid_private.pem")
    h = live_home(app, catalog)
    page = page_factory(390, 900, axe=True)
    sign_in_by_cookie(page, app, base, h["emails"]["patient"], f"/h/{h['id']}/reminders")
    expect(page.get_by_role("heading", name="Your reminders")).to_be_visible()
    # The push button, shown once the worker has registered, is on the page axe reads.
    expect(page.get_by_role("button", name="Turn on notifications on this device")).to_be_visible()
    assert axe_by_width(page) == {}
