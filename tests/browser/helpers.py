"""Setting up a household in a live app, and signing in: through the real form, or with the
session the form would have started (sign_in_by_cookie)."""

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


def sign_in(
    page, base_url: str, email: str, next_path: str | None = None, worker_first: bool = False
) -> None:
    """Sign in through the login form; land on `next_path` if given. For tests about signing
    in and out, and one per major flow; elsewhere sign_in_by_cookie does the same faster.
    `worker_first`: as in sign_in_by_cookie."""
    page.goto(f"{base_url}/login" + (f"?next={next_path}" if next_path else ""))
    if worker_first:
        until(page, WORKER_ACTIVE)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


DEMO_PASSWORD = "demo-password"
WORKER_ACTIVE = "async () => !!(await navigator.serviceWorker.getRegistration())?.active"
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


def sign_in_by_cookie(
    page, app, base_url: str, email: str, next_path: str | None = None, worker_first: bool = False
) -> None:
    """Sign in without the form and land on `next_path` (else the start page), as sign_in does:
    the server does what a right password leads to (planner.web.views.auth.password_accepted:
    the "signed in" entry in the activity, a new server-side session, its id in Flask's signed
    cookie), and the browser is given that cookie as the server would set it. About half a
    second less than the form (scrypt, the post and its redirect), for tests whose subject is
    not signing in.

    `worker_first`: open the sign-in page first, as a phone does, and stay there until the
    service worker it registers is active, as it is by the time a person has typed their
    password: the page landed on is then the worker's from its first load (for the offline
    tests). A page that loads while the worker activates stays out of its hands until the next
    page, and the form's post and redirect, quicker than typing, can land there under load.

    On the real form still, on purpose, the tests of signing in and out and the first sign-in
    of each major flow: offline, sign-out and an ended session emptying the kept pages (each
    with the next person on the same phone) and the taps sent once the killed server is back;
    the demo's Today typed in (test_today_first_browser); the physiotherapist's publish flow;
    the patient's tick seen by the caregiver; the pages without JavaScript (a tick, a new
    link); the share sheet and the desktop caseload (the demo's password); the Spanish reader's
    own-language Today; the printed handout and visit summary; the reminders' service worker.
    """
    from flask import session

    from planner.store import accounts
    from planner.web.views.auth import password_accepted

    if worker_first:
        page.goto(f"{base_url}/login")
        until(page, WORKER_ACTIVE)
    with app.test_request_context(base_url=base_url):
        password_accepted(accounts.user_by_email(get_db(), email)["id"])
        cookies = app.session_interface
        page.context.add_cookies(
            [
                {
                    "name": cookies.get_cookie_name(app),
                    "value": cookies.get_signing_serializer(app).dumps(dict(session)),
                    "url": base_url,
                    "expires": cookies.get_expiration_time(app, session).timestamp(),
                    "httpOnly": cookies.get_cookie_httponly(app),
                    "sameSite": cookies.get_cookie_samesite(app),
                }
            ]
        )
    page.goto(base_url + (next_path or "/"))


def until(page, condition: str, timeout_s: float = 30) -> None:
    """Wait until `condition` (JavaScript: an expression, or a function, async or not), run in
    the page, is truthy. Polled from here, each try one page.evaluate: Playwright's own
    wait_for_function evaluates a string predicate again from inside the page, which our
    Content-Security-Policy (no eval) refuses as soon as the first try did not already hold."""
    for _ in range(int(timeout_s * 40)):
        if page.evaluate(condition):
            return
        page.wait_for_timeout(25)
    assert page.evaluate(condition), condition
