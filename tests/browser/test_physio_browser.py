"""A physiotherapist tailors the exercise plan in a real browser and publishes it; the patient
sees what changed and the new exercise with its sets and repetitions on Today, acknowledges,
and the notice is gone (for the caregiver too)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import axe_by_width
from tests.browser.helpers import live_home, sign_in, sign_in_by_cookie
from tests.conftest import LOOKS

# On f.PROFILE's plan: it needs no clearance and the arms hold no lesion.
THIGH = "Squeeze a soft ball in your hand"


def test_physio_tailors_and_publishes_and_the_patient_sees_it(live_app, page_factory, catalog):
    app, base = live_app
    h = live_home(app, catalog)

    physio = page_factory(1280, 900)
    sign_in(physio, base, h["emails"]["physio"], f"/h/{h['id']}/today")
    physio.get_by_role("link", name="Exercises", exact=True).click()
    expect(physio.get_by_role("heading", name="Exercise plan", exact=True)).to_be_visible()

    row = physio.locator("#x-grip-squeeze")
    row.get_by_text("Set the dose").click()
    row.get_by_label("Sets").fill("2")
    row.get_by_label("Repetitions").fill("10")
    row.get_by_label("Note for the household").fill("Breathe out as you squeeze.")
    row.get_by_role("button", name="Save the dose").click()
    expect(physio.get_by_role("heading", name="Not published yet")).to_be_visible()
    expect(physio.locator("#x-grip-squeeze .tag-dose")).to_have_text("2 sets of 10")
    expect(row).to_be_in_viewport()  # the page came back at the row, not at the top

    own = physio.locator("#own-exercise")
    own.get_by_text("Add your own exercise").click()
    own.get_by_label("Name of the exercise").fill("Seated marching")
    own.get_by_label("How to do it").fill("Sit tall and lift each knee in turn, slowly.")
    own.get_by_role("spinbutton", name="Sets").fill("3")
    own.get_by_role("spinbutton", name="Repetitions").fill("8")
    own.get_by_label("Sessions a week").fill("3")
    own.get_by_role("button", name="Add this exercise").click()
    expect(physio.locator(".exercise", has_text="Seated marching")).to_contain_text(
        "3 sets of 8, 3 sessions a week"
    )

    physio.get_by_role("button", name="Publish to the household").click()
    expect(physio.get_by_text("Published as version 2.")).to_be_visible()

    patient = page_factory(390, 844)
    sign_in_by_cookie(patient, app, base, h["emails"]["patient"], f"/h/{h['id']}/today")
    notice = patient.locator(".changes-notice")
    expect(notice).to_contain_text("Your plan has changed")
    expect(notice).to_contain_text("by Priya (physiotherapist)")
    expect(notice).to_contain_text("Seated marching: 3 sets of 8, 3 sessions a week")
    expect(notice).to_contain_text(f"{THIGH}: dose: 2 sets of 10")
    marching = patient.locator(".task", has_text="Seated marching")
    expect(marching).to_contain_text("3 sets of 8, 3 sessions a week")
    thigh = patient.locator(".task", has_text=THIGH)
    expect(thigh).to_contain_text("2 sets of 10")
    expect(thigh).to_contain_text("Note from your physiotherapist: Breathe out as you squeeze.")

    notice.locator("summary").click()  # a one-line banner that opens in place
    notice.get_by_role("button", name="Got it").click()
    expect(patient.locator(".changes-notice")).to_have_count(0)
    expect(patient.locator(".task", has_text="Seated marching")).to_be_visible()

    caregiver = page_factory(390, 844)
    sign_in_by_cookie(caregiver, app, base, h["emails"]["caregiver"], f"/h/{h['id']}/today")
    expect(caregiver.get_by_role("heading", name="Today")).to_be_visible()
    expect(caregiver.locator(".changes-notice")).to_have_count(0)


@LOOKS
def test_physio_pages_pass_axe(live_app, page_factory, catalog):
    """axe-core on every physiotherapist page, signed in as the physiotherapist (the editor,
    and a refused form) and as the caregiver (read-only), at 390 and 1280 px (each page loaded
    once, conftest.at_width)."""
    app, base = live_app
    h = live_home(app, catalog)
    home = f"{base}/h/{h['id']}"

    def problems(found: dict[int, list[dict]]) -> str:
        return "; ".join(
            f"{width} px {v['id']}: {v['nodes'][0]['target']}"
            for width, violations in found.items()
            for v in violations
        )

    for role in ("caregiver", "physio"):  # the physio's page goes on to a refused form
        page = page_factory(390, 900, axe=True)
        sign_in_by_cookie(page, app, base, h["emails"][role])
        paths = ["exercises", "facts", "versions", "versions/1"] + (
            ["templates"] if role == "physio" else []
        )
        for path in paths:
            page.goto(f"{home}/{path}")
            found = axe_by_width(page)
            assert not found, f"{role} {path}: {problems(found)}"
    page.goto(f"{home}/exercises")
    page.locator("#x-grip-squeeze").get_by_text("Set the dose").click()
    page.locator("#x-grip-squeeze").get_by_label("Sets").fill("40")
    page.locator("#x-grip-squeeze").get_by_role("button", name="Save the dose").click()
    expect(page.get_by_role("heading", name="Nothing was changed")).to_be_visible()
    found = axe_by_width(page)
    assert not found, f"refused dose: {problems(found)}"
