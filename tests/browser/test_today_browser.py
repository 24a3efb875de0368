"""Ticking a task in a real browser: done without a reload, still done after one, and seen
done by the caregiver in another browser."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.helpers import live_home, sign_in, sign_in_by_cookie

TITLE = "Breathe slowly into your belly"


def test_tick_without_reload_then_seen_by_the_caregiver(live_app, page_factory, catalog):
    app, base = live_app
    h = live_home(app, catalog)
    today = f"/h/{h['id']}/today"

    patient = page_factory(390, 844)
    sign_in(patient, base, h["emails"]["patient"], today)
    expect(patient.get_by_role("heading", name="Today")).to_be_visible()
    progress = patient.locator("#progress .progress-text")
    expect(progress).to_contain_text("0 of ")
    button = patient.get_by_role("button", name=TITLE, exact=True)
    expect(button).to_have_attribute("aria-pressed", "false")

    patient.evaluate("window.__stillHere = 'yes'")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(progress).to_contain_text("1 of ")  # the progress region listened for the event
    assert patient.evaluate("window.__stillHere") == "yes"  # no navigation happened
    expect(patient.locator(f"#task-belly-breathing-{app.config['TODAY']}")).to_contain_text(
        "Done by you"
    )

    # A second tap sets it back to open (the button now names that state), without reload.
    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(progress).to_contain_text("0 of ")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    assert patient.evaluate("window.__stillHere") == "yes"
    # The button shows the tap at once; who did it comes back with the server's row, once the
    # planner has the tap (a reload sooner may find it still on its way).
    row = patient.locator(f"#task-belly-breathing-{app.config['TODAY']}")
    expect(row.get_by_text("Done by you")).to_be_visible()

    patient.reload()
    expect(patient.get_by_role("button", name=TITLE, exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    assert patient.evaluate("window.__stillHere") is None  # the reload really happened

    caregiver = page_factory(1280, 900)
    sign_in_by_cookie(caregiver, app, base, h["emails"]["caregiver"], today)
    seen = caregiver.get_by_role("button", name=TITLE, exact=True)
    expect(seen).to_have_attribute("aria-pressed", "true")
    expect(caregiver.locator(f"#task-belly-breathing-{app.config['TODAY']}")).to_contain_text(
        "Done by Anna"
    )


def test_keyboard_focus_stays_on_the_task_after_the_swap(live_app, page_factory, catalog):
    """A keyboard or switch user keeps their place: the new row's button takes the focus."""
    app, base = live_app
    h = live_home(app, catalog)
    page = page_factory(390, 844)
    sign_in_by_cookie(page, app, base, h["emails"]["patient"], f"/h/{h['id']}/today")
    button = page.get_by_role("button", name=TITLE, exact=True)
    button.focus()
    page.keyboard.press("Enter")
    # htmx restores focus after it settles the swap, which a loaded 2-core machine can delay.
    expect(button).to_have_attribute("aria-pressed", "true", timeout=15_000)
    expect(button).to_be_focused(timeout=15_000)
    # Known issue: after a second swap of the same row the focus is sometimes lost; not yet
    # asserted here, so that this test stays deterministic.


def test_drinks_and_home_check_update_in_place(live_app, page_factory, catalog):
    app, base = live_app
    h = live_home(app, catalog)
    page = page_factory(390, 844)
    sign_in_by_cookie(page, app, base, h["emails"]["caregiver"], f"/h/{h['id']}/today")
    page.evaluate("window.__stillHere = 'yes'")
    page.get_by_role("button", name="Drink 1 of 8, 200 ml").click()
    # The next glass once the first is counted, as a person taps; htmx drops a tap on a row
    # whose request is still in flight (hx-sync), which a loaded machine can stretch out.
    expect(page.locator(".task .count").first).to_contain_text("1 of 8 drinks", timeout=15_000)
    page.get_by_role("button", name="Drink 2 of 8, 200 ml").click()
    expect(page.locator(".task .count").first).to_contain_text("2 of 8 drinks (400 of 1600 ml)")

    page.get_by_role("link", name="Home check").first.click()  # boosted: no new document
    room = page.locator("#section-now")  # the day's share of the home set-up
    expect(room).to_contain_text("0 of ")
    seat = page.locator("#check-entrance-steps-rail")
    seat.get_by_role("button", name="Needs help").click()
    expect(seat.get_by_role("button", name="Needs help")).to_have_attribute("aria-pressed", "true")
    expect(seat.get_by_role("button", name="Needs help")).to_be_focused()
    expect(page.locator("#section-now")).to_contain_text("1 needs help")
    assert page.evaluate("window.__stillHere") == "yes"  # boosted navigation, no reload


def test_without_javascript_the_form_posts_and_redirects(live_app, browser, catalog):
    app, base = live_app
    h = live_home(app, catalog)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        sign_in(page, base, h["emails"]["patient"], f"/h/{h['id']}/today")
        page.get_by_role("button", name=TITLE, exact=True).click()
        page.wait_for_load_state("load")
        assert page.url.endswith(f"/h/{h['id']}/today#task-belly-breathing-{app.config['TODAY']}")
        expect(page.get_by_role("button", name=TITLE, exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
    finally:
        context.close()


def test_a_refused_choice_s_message_goes_once_a_later_one_is_saved(live_app, page_factory, catalog):
    """The home check's choices are htmx round trips: the server's reason for a refused one
    shows in the page's alert, and goes away when the next choice is saved, since it no
    longer says anything true."""
    app, base = live_app
    h = live_home(app, catalog)
    page = page_factory(390, 844)
    sign_in_by_cookie(page, app, base, h["emails"]["caregiver"], f"/h/{h['id']}/home")
    done = page.locator("#home-bath-seat-done")
    alert = page.locator("#tick-error")

    done.evaluate("button => { button.value = 'maybe'; }")  # a state the planner does not know
    done.click()
    expect(alert).not_to_be_empty()
    expect(done).to_have_attribute("aria-pressed", "false")  # the row stays as it was

    done.evaluate("button => { button.value = 'done'; }")
    done.click()
    expect(page.locator("#home-bath-seat-done")).to_have_attribute("aria-pressed", "true")
    expect(alert).to_be_empty()
