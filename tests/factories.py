"""Users, households and plans for tests, made through the real store functions."""

from __future__ import annotations

import datetime as dt
import itertools

from werkzeug.security import generate_password_hash

from planner import clock, planning
from planner.plans.engine import build_plan
from planner.store import accounts, plans

_n = itertools.count(1)
DAY = dt.date(2026, 11, 23)  # a Monday
NOW = clock.pinned(DAY).now()  # the app's moment on DAY (noon, UTC households)
PROFILE = {
    "lesion_sites": ["femur-left", "pelvis"],
    "fracture_risk": "high",
    "weight_bearing": "partial",
    "mobility_aid": "walker",
    "bone_agent": "zoledronic-acid",
    "bone_agent_started": True,
    "bone_agent_start": "2026-08-01",
    "bone_agent_interval": "4-weekly",
    "kidney_problems": False,
    "falls_past_year": 1,
    "home": {"entrance_steps": True, "pets": True, "night_toilet_trips": True, "bathtub": True},
}


PASSWORD = "pw-123456789"
# Hashed once with the app's own scrypt, not once per user: each hash takes ~0.1 s by design,
# and the suite makes thousands of users. Signing in still checks a real scrypt hash.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt")


def user(db, name: str = "Anna") -> dict:
    """A new user with a unique email and the password PASSWORD."""
    [user_id] = accounts.import_users(
        db, [(f"{name.lower()}{next(_n)}@example.org", name)], PASSWORD_HASH, at=NOW
    )
    return accounts.get_user(db, user_id)


def household(db, role: str = "patient", name: str = "Anna") -> tuple[dict, dict]:
    """A new household and its first member (with `role`): (household, user)."""
    person = user(db, name)
    return accounts.create_household(db, f"{name}'s home", person["id"], role, at=NOW), person


def member(db, household_id: int, role: str = "caregiver", name: str = "Ben") -> dict:
    """A new user who joins the household with `role`."""
    person = user(db, name)
    accounts.add_member(db, household_id, person["id"], role, at=NOW)
    return person


def with_plan(
    db, catalog, household_id: int, user_id: int, profile: dict | None = None, day: dt.date = DAY
) -> dict:
    """Apply the plan for `profile` (default PROFILE) on `day`, through the planning pipeline
    as the pages do; return the plan."""
    profile = profile or PROFILE
    planning.replan(db, household_id, profile, catalog, day, user_id, at=clock.pinned(day).now())
    return plans.current_plan(db, household_id)["plan"]


def home(app, db, catalog, plan: bool = True) -> dict:
    """A household on the pinned day DAY: patient Anna, caregiver Ben, physio Priya, and an
    outsider Olga with a household of her own. Returns their ids (and the household's)."""
    app.config["TODAY"] = DAY.isoformat()
    household, anna = household_(db)
    ben = member(db, household["id"], "caregiver", "Ben")
    priya = member(db, household["id"], "physio", "Priya")
    other, olga = household_(db, "caregiver", "Olga")
    if plan:
        with_plan(db, catalog, household["id"], anna["id"])
    return {
        "id": household["id"],
        "patient": anna["id"],
        "caregiver": ben["id"],
        "physio": priya["id"],
        "outsider": olga["id"],
        "other": other["id"],
    }


household_ = household


DOSE = {
    "sets": 2,
    "reps": 10,
    "hold_seconds": 5,
    "sessions_per_week": 3,
    "note": "Keep the movement slow; rest a minute between sets.",
}
OVERRIDE = "the pelvic lesion, stable after radiotherapy"
RULED_OUT = "No load on the left hip"


def with_tailored_plan(db, catalog, household_id: int, user_id: int) -> dict:
    """Apply the plan for PROFILE as a physiotherapist might leave it: the first exercise with
    a dose (DOSE) and the second added despite a rule (RULED_OUT) for a reason (OVERRIDE).
    Returns the plan."""
    plan = build_plan(PROFILE, catalog, DAY)
    exercises = [i for i in plan["items"] if i["domain"] == "exercise"]
    exercises[0]["prescription"] = dict(DOSE)
    exercises[1]["prescription"] = {"sets": 1, "reps": 8}
    exercises[1]["override_reason"] = OVERRIDE
    exercises[1]["ruled_out"] = RULED_OUT
    # Made from the catalog the app runs: a plan from other content would be brought up to it
    # (planning.update_content) when a page of the household first opens.
    content = (catalog.release, catalog.content_hash)
    plans.apply_plan(db, household_id, plan, PROFILE, user_id, at=NOW, content=content)
    return plan
