"""In Chromium: the visit summary prints on one page, A4 and Letter, even at its fullest; the
History charts, the Calendar, Download and Visit pages pass axe at phone and desktop widths."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from planner.plans.engine import build_plan
from planner.store import plans, ticks, visits
from planner.web.db import get_db
from tests import factories as f
from tests.browser.conftest import WIDTHS, at_width, axe_by_width
from tests.browser.helpers import live_home, sign_in, sign_in_by_cookie
from tests.browser.test_accessibility import report
from tests.browser.test_print_browser import PAPERS, pdf_pages
from tests.conftest import LOOKS


@pytest.fixture
def full(live_app, catalog):
    """A household with everything the summary can hold at its most: 8 long questions, many
    tasks put off or waiting for help, several plan versions, a month of ticks."""
    app, base = live_app
    h = live_home(app, catalog)
    with app.app_context():
        db = get_db()
        items = plans.tasks(db, h["id"])
        for n in range(visits.MAX_QUESTIONS):
            visits.add_question(
                db, h["id"], f"Question {n}: " + "could you explain " * 11, h["patient"], at=f.NOW
            )
        for item in items:
            kind = item["schedule"]["kind"]
            if kind == "once":
                ticks.set_state(
                    db, h["id"], item["id"], "once", 0, "needs-help", h["caregiver"], at=f.NOW
                )
            elif kind in ("daily", "weekly"):
                ticks.set_state(
                    db,
                    h["id"],
                    item["id"],
                    f.DAY.isoformat(),
                    0,
                    "not-today",
                    h["patient"],
                    at=f.NOW,
                )
        for n, pets in enumerate((False, True, False, True, False)):
            profile = {**f.PROFILE, "home": {**f.PROFILE["home"], "pets": pets}}
            plans.apply_plan(
                db,
                h["id"],
                build_plan(profile, catalog, f.DAY),
                profile,
                h["physio"],
                at=f.NOW + dt.timedelta(hours=n + 1),
            )
    return app, base, h


@LOOKS
def test_visit_summary_prints_on_one_page(full, page_factory):
    _, base, h = full
    page = page_factory(1280, 900)
    sign_in(page, base, h["emails"]["caregiver"], f"/h/{h['id']}/visit")
    expect(page.get_by_role("heading", name="Our questions")).to_be_visible()
    for paper in PAPERS:
        assert pdf_pages(page.pdf(format=paper, print_background=True)) == 1, paper


@LOOKS
def test_take_away_pages_pass_axe(full, page_factory):
    app, base, h = full
    page = page_factory(390, 900, axe=True)
    sign_in_by_cookie(page, app, base, h["emails"]["patient"])
    home = f"{base}/h/{h['id']}"
    for path in ("/history", "/history?span=12", "/calendar", "/export", "/visit"):
        page.goto(home + path)
        found = axe_by_width(page)
        assert not found, f"{path}:\n{report(found)}"
    page.goto(home + "/calendar")
    page.get_by_label("Full names of tasks").check()
    page.get_by_role("button", name="Make my calendar address").click()
    page.locator("#new-feed-url").wait_for()
    found = axe_by_width(page)
    assert not found, f"new calendar address:\n{report(found)}"
    # The charts fit the phone's width (and the desktop's): nothing scrolls sideways.
    page.goto(home + "/history")
    for width in WIDTHS:
        at_width(page, width)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
