"""Printing in real Chromium: the handout prints one page per part it promises, on A4 and on
Letter, with its QR code to join; the red flags page prints on two sheets."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import live_scenario, live_tailored, sign_in, sign_in_by_cookie
from tests.conftest import LOOKS

PAPERS = ("A4", "Letter")
pytestmark = LOOKS


def pdf_pages(pdf: bytes) -> int:
    """The number of pages of a PDF: its page objects (Chromium writes them uncompressed)."""
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def test_page_counter_counts_pages():
    assert pdf_pages(b"<< /Type /Pages /Count 2 >> << /Type /Page >> << /Type/Page >>") == 2


@pytest.fixture
def tailored(live_app, catalog):
    """A tailored plan and the care team's five numbers: the fullest pages to print."""
    app, base = live_app
    return app, base, live_tailored(app, catalog)


def test_handout_prints_one_page_per_part_with_the_code(tailored, page_factory):
    _, base, h = tailored
    page = page_factory(1280, 900)
    sign_in(page, base, h["emails"]["patient"], f"/h/{h['id']}/handout")
    page.get_by_label("Physiotherapist").check()
    page.get_by_role("button", name="Add the code to the handout").click()
    expect(page.get_by_role("heading", name="The code to join is on page 1")).to_be_visible()
    expect(page.locator(".handout .handout-join svg.qr")).to_be_visible()
    promised = page.locator(".handout-parts li").all_inner_texts()  # the code's page is loaded
    assert promised == [
        "Urgent symptoms: what to do",
        "Symptoms to tell your team about soon",
        "Your exercises",
        "Movements to avoid in daily life",
    ]
    # Budget: one page per part, with every exercise's how-to and the care team's numbers.
    handout = page.locator(".handout")
    expect(handout.get_by_text("squeeze a soft ball or rolled-up sock")).to_be_visible()  # how-to
    expect(handout.locator(".handout-emergency a[href^='tel:']")).to_have_count(5)
    for paper in PAPERS:
        pdf = page.pdf(format=paper, print_background=True)
        assert pdf_pages(pdf) == len(promised), paper
    # The code's link works: a new person scans it (here: opens it) and joins as physio.
    url = page.locator(".join-url").inner_text()
    assert url.startswith(f"{base}/join/")
    visitor = page_factory(390, 844)
    visitor.goto(url)
    expect(visitor.get_by_role("heading", name=re.compile("Join Anna"))).to_be_visible()


@pytest.mark.parametrize(
    "scenario",
    ["profile-example.json", "femur-walker-zoledronic.json", "spine-denosumab-soon.json"],
)
def test_handout_of_other_plans_keeps_its_promise(live_app, page_factory, catalog, scenario):
    app, base = live_app
    h = live_scenario(app, catalog, scenario)
    page = page_factory(1280, 900)
    sign_in_by_cookie(page, app, base, h["emails"]["patient"], f"/h/{h['id']}/handout")
    # A long exercise list with every how-to runs onto a second page, and says so.
    promised = page.locator(".handout-parts li").all_inner_texts()
    assert promised[:3] == [
        "Urgent symptoms: what to do",
        "Symptoms to tell your team about soon",
        "Your exercises",
    ]
    assert promised[-1] == "Movements to avoid in daily life"
    assert set(promised[3:-1]) <= {"Your exercises (continued)"}
    for paper in PAPERS:
        assert pdf_pages(page.pdf(format=paper)) == len(promised), paper


def test_red_flags_page_prints_on_two_sheets(tailored, page_factory):
    app, base, h = tailored
    page = page_factory(1280, 900)
    page.goto(f"{base}/red-flags")
    for paper in PAPERS:
        assert pdf_pages(page.pdf(format=paper)) <= 2, paper
    sign_in_by_cookie(page, app, base, h["emails"]["patient"], f"/h/{h['id']}/today")
    expect(page.get_by_role("heading", name="Today")).to_be_visible()  # household opened
    page.goto(f"{base}/red-flags")  # with this household's signs marked and first
    expect(page.get_by_text("Most important for Anna's home").first).to_be_visible()
    for paper in PAPERS:
        assert pdf_pages(page.pdf(format=paper)) <= 2, paper
