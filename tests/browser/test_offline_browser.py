"""The planner installed and offline (issue 23), in real Chromium against the real server: the
install criteria met, Today and the urgent symptoms shown without a network, taps kept on the
phone and sent once each, in order, whatever happens to the network or the server, a refused
tap shown with why until dismissed, and nothing of one person's left for the next at sign-out.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from planner.store import accounts, contacts
from planner.store.sql import connect, fetch, fetch_value, run
from planner.web.db import get_db
from tests import factories as f
from tests.browser.conftest import ARGS, CHROMIUM
from tests.browser.helpers import live_home, sign_in, sign_in_by_cookie, until
from tests.server import Server, seed

TITLE = "Breathe slowly into your belly"
WAITING = "Saved on this phone, will send"
AS_OF = re.compile(r"Offline: shown as of \d\d:\d\d\.")
DAY = f.DAY.isoformat()

# Whether the service worker keeps `path` (under ROOT) for the signed-in account, as its text.
KEPT_TEXT = """async (path) => {
  for (const name of await caches.keys()) {
    if (!name.startsWith("planner-pages-")) continue;
    const found = await (await caches.open(name)).match(path);
    if (found) return await found.text();
  }
  return null;
}"""
PAGE_CACHES = "async () => (await caches.keys()).filter((n) => n.startsWith('planner-pages-'))"
CONTROLLED = "navigator.serviceWorker.controller !== null"  # the worker has taken the page


def ready(page, path: str, containing: str = "") -> None:
    """Wait until the worker controls the page and keeps `path` (with `containing` in it)."""
    until(page, CONTROLLED)
    until(page, f"async () => ((await ({KEPT_TEXT})({path!r})) || '').includes({containing!r})")


def events(db, household_id: int) -> list[tuple]:
    rows = fetch(
        db,
        "select item_id, slot, state, by_user from tick_events where household_id = ? order by id",
        [household_id],
    )
    return [(r["item_id"], r["slot"], r["state"], r["by_user"]) for r in rows]


def wait_for(condition, page, timeout_s: float = 60) -> None:
    """Poll `condition()` (a read of the database) while the page runs, until it holds."""
    for _ in range(int(timeout_s * 20)):
        if condition():
            return
        page.wait_for_timeout(50)
    assert condition()


@pytest.fixture
def home(live_app, catalog):
    app, base = live_app
    h = live_home(app, catalog)
    with app.app_context():
        contacts.set_contacts(
            get_db(),
            h["id"],
            {"cancer-team": {"name": "Oncology nurse line", "phone": "020 7946 0000"}},
            h["patient"],
            at=f.NOW,
        )
    return app, base, h


def _db(app):
    return connect(app.config["DATABASE"])


def test_the_install_criteria_are_met(home, browser, tmp_path):
    """Chromium parses the manifest, finds nothing missing to install the app, and the worker
    is active over the whole app. (A profile on disk: Chromium installs nothing from an
    incognito-like context, which a plain new context is.)"""
    app, base, h = home
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=ARGS,
        headless=True,
        viewport={"width": 390, "height": 844},
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        sign_in_by_cookie(
            page, app, base, h["emails"]["patient"], f"/h/{h['id']}/today", worker_first=True
        )
        until(page, CONTROLLED)
        worker = page.evaluate(
            "async () => { const r = await navigator.serviceWorker.ready;"
            " return {state: r.active.state, scope: r.scope, url: r.active.scriptURL}; }"
        )
        assert worker == {"state": "activated", "scope": f"{base}/", "url": f"{base}/sw.js"}
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"] == f"{base}/manifest.webmanifest"
        assert manifest["errors"] == []
        parsed = manifest["manifest"]  # the manifest as Chromium read it
        assert parsed["name"].startswith("Planner") and parsed["startUrl"] == f"{base}/today"
        assert parsed["display"] == "kStandalone" and parsed["scope"] == f"{base}/"
        assert {i["sizes"] for i in parsed["icons"]} == {"192x192", "512x512"}
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    finally:
        context.close()


def test_today_and_the_urgent_symptoms_open_offline_marked_as_of_when(home, page_factory):
    app, base, h = home
    page = page_factory(390, 844)
    today = f"/h/{h['id']}/today"
    sign_in_by_cookie(page, app, base, h["emails"]["patient"], today, worker_first=True)
    ready(page, today)
    page.get_by_role("link", name="Urgent symptoms").first.click()  # boosted: kept too
    expect(page.get_by_role("heading", name="Urgent symptoms: what to do now")).to_be_visible()
    ready(page, "/red-flags", "020 7946 0000")
    page.goto(base + today)

    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    expect(page.locator(".offline-note")).to_have_text(AS_OF)
    expect(page.get_by_role("button", name=TITLE, exact=True)).to_be_visible()
    page.get_by_role("link", name="Urgent symptoms").first.click()
    expect(page.get_by_role("heading", name="Urgent symptoms: what to do now")).to_be_visible()
    expect(page.locator(".offline-note")).to_have_text(AS_OF)
    expect(page.locator("#call")).to_contain_text("020 7946 0000")  # the care team's number
    page.goto(base + "/today")  # the installed app's start address: the last Today
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    expect(page.locator(".offline-note")).to_have_text(AS_OF)
    page.goto(base + f"/h/{h['id']}/history")  # not kept: says so, and where to go
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.get_by_role("link", name="Today, as last seen")).to_be_visible()


def test_a_tap_flips_its_button_before_the_next_frame(home, page_factory):
    """Optimistic: the button says the new state when click() returns, before any paint and
    whatever the network; the no-JavaScript form and the server's row are as before."""
    app, base, h = home
    page = page_factory(390, 844)
    sign_in_by_cookie(
        page, app, base, h["emails"]["patient"], f"/h/{h['id']}/today", worker_first=True
    )
    page.context.set_offline(True)  # nothing can come back from the server to flip it
    pressed = page.evaluate(
        """(name) => {
          const button = [...document.querySelectorAll('button.tick')]
            .find((b) => b.querySelector('.tick-title').textContent === name);
          button.click();
          return button.getAttribute('aria-pressed');
        }""",
        TITLE,
    )
    assert pressed == "true"
    row = page.locator(f"#task-belly-breathing-{DAY}")
    expect(row.locator(".tap-note")).to_have_text(WAITING)
    page.context.set_offline(False)
    expect(row.locator(".tap-note")).to_have_count(0)
    expect(row).to_contain_text("Done by you")  # the server's row, swapped in


def test_twenty_taps_offline_arrive_once_each_in_order(home, page_factory):
    app, base, h = home
    page = page_factory(390, 844)
    sign_in_by_cookie(
        page, app, base, h["emails"]["patient"], f"/h/{h['id']}/today", worker_first=True
    )
    until(page, CONTROLLED)
    page.context.set_offline(True)
    button = page.get_by_role("button", name=TITLE, exact=True)
    row = page.locator(f"#task-belly-breathing-{DAY}")
    for n in range(20):
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true" if n % 2 == 0 else "false")
    expect(row.locator(".tap-note")).to_have_text(WAITING)
    db = _db(app)
    try:
        assert events(db, h["id"]) == []
        page.context.set_offline(False)
        wait_for(lambda: fetch_value(db, "select count(*) from tap_keys") == 20, page)
        states = [state for item, _, state, _ in events(db, h["id"]) if item == "belly-breathing"]
        assert states == ["done", "open"] * 10  # every tap once, in the order it was made
    finally:
        db.close()
    expect(row.locator(".tap-note")).to_have_count(0)
    expect(button).to_have_attribute("aria-pressed", "false")


def test_taps_waiting_while_the_server_is_killed_arrive_when_it_is_back(browser, tmp_path, catalog):
    path = tmp_path / "planner.db"
    w = seed(path)
    server = Server(path, tmp_path)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        today = f"/h/{w['id']}/today"
        sign_in(page, server.url, w["patient"]["email"], today, worker_first=True)
        ready(page, today)
        row = page.locator(f"#task-belly-breathing-{DAY}")
        page.get_by_role("button", name=TITLE, exact=True).click()
        expect(row).to_contain_text("Done by you")
        ready(page, today, "Done by you")  # the kept copy follows what was sent

        server.kill()  # SIGKILL: no goodbye
        drinks = page.locator(f"#task-daily-drinks-{DAY}")
        drinks.get_by_role("button", name=re.compile(r"^Drink 1 of")).click()
        drinks.get_by_role("button", name=re.compile(r"^Drink 2 of")).click()
        page.get_by_role("button", name=TITLE, exact=True).click()  # back to not done
        expect(drinks.locator(".tap-note")).to_have_text(WAITING)
        expect(row.locator(".tap-note")).to_have_text(WAITING)

        page.reload()  # the server is still gone: the kept page, and the taps still waiting
        expect(page.locator(".offline-note")).to_have_text(AS_OF)
        drink_2 = drinks.get_by_role("button", name=re.compile(r"^Drink 2 of"))
        expect(drink_2).to_have_attribute("aria-pressed", "true")
        expect(drinks.locator(".tap-note")).to_have_text(WAITING)
        expect(page.get_by_role("button", name=TITLE, exact=True)).to_have_attribute(
            "aria-pressed", "false"
        )

        server = Server(path, tmp_path, port=server.port)  # back, at the same address
        db = connect(path)
        try:
            wait_for(lambda: fetch_value(db, "select count(*) from tap_keys") == 4, page)
            assert [e[:3] for e in events(db, w["id"])] == [
                ("belly-breathing", 0, "done"),
                ("daily-drinks", 0, "done"),
                ("daily-drinks", 1, "done"),
                ("belly-breathing", 0, "open"),
            ]
        finally:
            db.close()
        expect(drinks.locator(".tap-note")).to_have_count(0)
    finally:
        context.close()
        server.stop()


def test_a_refused_tap_is_shown_with_why_until_dismissed(home, page_factory):
    app, base, h = home
    page = page_factory(390, 844)
    today = f"/h/{h['id']}/today"
    sign_in_by_cookie(page, app, base, h["emails"]["caregiver"], today, worker_first=True)
    until(page, CONTROLLED)
    page.context.set_offline(True)
    button = page.get_by_role("button", name=TITLE, exact=True)
    button.click()
    expect(page.locator(f"#task-belly-breathing-{DAY} .tap-note")).to_have_text(WAITING)
    with app.app_context():  # meanwhile Ben leaves the household (from another phone)
        accounts.remove_member(get_db(), h["id"], h["caregiver"], by=h["caregiver"], at=f.NOW)
    page.context.set_offline(False)

    box = page.get_by_role("region", name="Taps not saved")
    expect(box).to_contain_text(f"Not saved: {TITLE} (marked done, tapped at ")
    expect(box).to_contain_text("You are no longer in this household.")
    expect(button).to_have_attribute("aria-pressed", "false")  # as the server has it
    expect(page.locator(f"#task-belly-breathing-{DAY} .tap-note")).to_have_text(
        "Not saved: You are no longer in this household."
    )
    page.reload()  # kept until dismissed: Today is not Ben's any more, the refusal stays
    expect(box).to_contain_text(TITLE)
    box.get_by_role("button", name=f"Dismiss: {TITLE}").click()
    expect(box).to_have_count(0)
    page.reload()
    expect(page.locator("#tap-queue")).to_have_count(0)
    db = _db(app)
    try:
        assert events(db, h["id"]) == [] and fetch_value(db, "select count(*) from tap_keys") == 0
    finally:
        db.close()


def test_two_people_one_offline_end_as_the_server_s_rules_say(home, page_factory):
    """Anna ticks offline; Ben puts the task off meanwhile; Anna's tap arrives last and a tap
    names the state it asks for, so the task ends done, by Anna, and both see that."""
    app, base, h = home
    anna, ben = page_factory(390, 844), page_factory(390, 844)
    today = f"/h/{h['id']}/today"
    sign_in_by_cookie(anna, app, base, h["emails"]["patient"], today, worker_first=True)
    sign_in_by_cookie(ben, app, base, h["emails"]["caregiver"], today, worker_first=True)
    until(anna, CONTROLLED)
    anna.context.set_offline(True)
    anna.get_by_role("button", name=TITLE, exact=True).click()
    ben_row = ben.locator(f"#task-belly-breathing-{DAY}")
    put_off = ben.locator(f"#skip-belly-breathing-{DAY}")
    put_off.click()
    expect(put_off).to_have_attribute("aria-pressed", "true")  # at once, on Ben's phone
    expect(ben_row).to_contain_text("Set by you")  # and the server has it: his row came back
    anna.context.set_offline(False)
    anna_row = anna.locator(f"#task-belly-breathing-{DAY}")
    expect(anna_row).to_contain_text("Done by you")
    expect(anna_row.locator(".tap-note")).to_have_count(0)
    ben.reload()
    expect(ben_row).to_contain_text("Done by Anna")
    expect(ben.get_by_role("button", name=TITLE, exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    db = _db(app)
    try:
        assert [e[2:] for e in events(db, h["id"])] == [
            ("not-today", h["caregiver"]),
            ("done", h["patient"]),
        ]
    finally:
        db.close()


def test_sign_out_empties_the_kept_pages_and_the_next_person_sees_nothing(home, page_factory):
    app, base, h = home
    page = page_factory(390, 844)
    today = f"/h/{h['id']}/today"
    sign_in(page, base, h["emails"]["patient"], today, worker_first=True)
    ready(page, today)
    page.get_by_role("link", name="History").first.click()  # htmx keeps Today for "Back"
    page.wait_for_url(f"{base}/h/{h['id']}/history")
    until(page, f"(sessionStorage.getItem('htmx-history-cache') || '').includes({TITLE!r})")
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".flash")).to_contain_text("You have signed out.")
    until(page, f"async () => ({PAGE_CACHES})().then((names) => !names.length)")
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None
    page.go_back()  # Back, to Anna's pages: the server asks who is there
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    # Olga, of another household, on the same phone.
    sign_in(page, base, h["emails"]["outsider"], f"/h/{h['other']}/today")
    ready(page, f"/h/{h['other']}/today")
    page.context.set_offline(True)
    page.goto(base + today)  # Anna's Today: not on this phone any more
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    page.goto(base + "/today")
    expect(page.locator(".offline-note")).to_have_text(AS_OF)
    expect(page.locator("main")).not_to_contain_text(TITLE)  # Anna's plan, not Olga's
    expect(page.locator("main")).not_to_contain_text("Anna")


def test_an_ended_session_empties_the_kept_pages_and_keeps_the_tap_for_its_owner(
    home, page_factory
):
    """ "Sign out everywhere" from another device while a tap waits: the server says the
    session ended, the kept pages go, the tap stays for Anna alone and goes once she is back."""
    app, base, h = home
    page = page_factory(390, 844)
    today = f"/h/{h['id']}/today"
    sign_in(page, base, h["emails"]["patient"], today, worker_first=True)
    ready(page, today)
    page.context.set_offline(True)
    page.get_by_role("button", name=TITLE, exact=True).click()
    with app.app_context():
        run(get_db(), "delete from sessions where user_id = ?", [h["patient"]])
    page.context.set_offline(False)
    box = page.get_by_role("region", name="Taps not saved")
    expect(box).to_contain_text(
        "1 tap is saved on this phone but not sent. Your session has ended: sign in again to "
        "send this."
    )
    until(page, f"async () => ({PAGE_CACHES})().then((names) => !names.length)")

    sign_in(page, base, h["emails"]["outsider"], f"/h/{h['other']}/today")
    expect(page.locator("#tap-queue")).to_have_count(0)  # not Olga's to see, nor to send
    expect(page.locator("main")).not_to_contain_text(TITLE)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, base, h["emails"]["patient"], today)
    expect(page.get_by_role("button", name=TITLE, exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    db = _db(app)
    try:
        wait_for(
            lambda: events(db, h["id"]) == [("belly-breathing", 0, "done", h["patient"])], page
        )
    finally:
        db.close()
    expect(page.locator("#tap-queue")).to_have_count(0)


def test_sign_out_everywhere_empties_the_kept_pages(home, page_factory):
    app, base, h = home
    page = page_factory(390, 844)
    today = f"/h/{h['id']}/today"
    sign_in(page, base, h["emails"]["patient"], today, worker_first=True)
    ready(page, today)
    page.goto(base + "/account")
    page.get_by_role("button", name="Sign out everywhere").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.evaluate(PAGE_CACHES) == []
