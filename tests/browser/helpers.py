"""Setting up a household in a live app and signing in through the real form."""

from __future__ import annotations

from planner.db import get_db
from tests import factories as f

from tests.factories import PASSWORD


def live_home(app, catalog) -> dict:
    """A household with a plan in the live app's database (see factories.home), with emails."""
    with app.app_context():
        db = get_db()
        h = f.home(app, db, catalog)
        h["emails"] = {role: db.execute("select email from users where id = ?",
                                        [h[role]]).fetchone()[0]
                       for role in ("patient", "caregiver", "physio", "outsider")}
    return h


def sign_in(page, base_url: str, email: str, next_path: str | None = None) -> None:
    """Sign in through the login form; land on `next_path` if given."""
    page.goto(f"{base_url}/login" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
