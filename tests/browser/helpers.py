"""Setting up a household in a live app and signing in through the real form."""

from __future__ import annotations

from planner.web.db import get_db
from tests import factories as f
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
