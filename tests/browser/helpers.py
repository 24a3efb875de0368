"""Setting up a household in a live app and signing in through the real form."""

from __future__ import annotations

import json

from planner.demo import CONTACTS
from planner.plans.engine import build_plan
from planner.store import contacts, plans
from planner.web.db import get_db
from tests import factories as f
from tests.conftest import SCENARIOS
from tests.factories import PASSWORD


def live_home(app, catalog) -> dict:
    """A household with a plan in the live app's database (see factories.home), with emails."""
    with app.app_context():
        db = get_db()
        h = f.home(app, db, catalog)
        h["emails"] = {
            role: db.execute("select email from users where id = ?", [h[role]]).fetchone()[0]
            for role in ("patient", "caregiver", "physio", "outsider")
        }
    return h


def live_tailored(app, catalog) -> dict:
    """A household (live_home) with a physiotherapist's tailored plan and the care team's five
    numbers: the fullest pages to print."""
    h = live_home(app, catalog)
    with app.app_context():
        f.with_tailored_plan(get_db(), catalog, h["id"], h["physio"])
        contacts.set_contacts(get_db(), h["id"], CONTACTS, h["patient"], at=f.NOW)
    return h


def live_scenario(app, catalog, scenario: str) -> dict:
    """A household (live_home) on the plan of one of tests/scenarios' example profiles."""
    h = live_home(app, catalog)
    data = json.loads((SCENARIOS / scenario).read_text())
    profile = data.get("profile", data)
    with app.app_context():
        plan = build_plan(profile, catalog, f.DAY)
        plans.apply_plan(get_db(), h["id"], plan, profile, h["patient"], at=f.NOW)
    return h


def sign_in(page, base_url: str, email: str, next_path: str | None = None) -> None:
    """Sign in through the login form; land on `next_path` if given."""
    page.goto(f"{base_url}/login" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


DEMO_PASSWORD = "demo-password"
NOT_SURE = {"lesion_sites": []}  # every question of the profile answered "Not sure"


def live_demo(app, catalog) -> dict:
    """The demo household (planner/demo.py) in the live app, on the pinned day f.DAY:
    {"id", "emails": {role: email}}; every demo account's password is DEMO_PASSWORD."""
    from planner import clock, demo

    app.config["TODAY"] = f.DAY.isoformat()
    with app.app_context():
        demo.seed(get_db(), catalog, clock.pinned(f.DAY))
    return {"id": 1, "emails": {role: email for email, _, role in demo.ACCOUNTS}}


def live_not_sure(app, catalog, name: str = "Nadia") -> dict:
    """A brand-new household whose profile answers every question "Not sure" (see
    factories.home for the people in it), with its plan."""
    with app.app_context():
        db = get_db()
        h = f.home(app, db, catalog, plan=False)
        f.with_plan(db, catalog, h["id"], h["patient"], NOT_SURE)
        h["emails"] = {
            role: db.execute("select email from users where id = ?", [h[role]]).fetchone()[0]
            for role in ("patient", "caregiver", "physio", "outsider")
        }
    return h


def sign_in_as(page, base_url: str, email: str, password: str, next_path: str) -> None:
    """Sign in with a given password (the demo's), landing on `next_path`."""
    page.goto(f"{base_url}/login?next={next_path}")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
