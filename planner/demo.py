"""Demo data for `planner serve --demo`: one household, three accounts, a plan, a week of ticks
and a daily plan email at 08:00 for each account.

Only ever written to an empty database, so a real one never gains accounts with a published
password. Uses the same store functions as the pages, so the demo shows what the app does.
"""

from __future__ import annotations

import datetime as dt
import random

from werkzeug.security import generate_password_hash

from planner import planning
from planner.clock import DEFAULT_ZONE, Clock, zone
from planner.plans import recurrence, tailoring
from planner.plans.catalog import Catalog
from planner.plans.profile import parse
from planner.reminders import settings as reminder_settings
from planner.store import accounts, assignments, contacts, plans, ticks
from planner.store.sql import Database, fetch_value, transaction

PASSWORD = "demo-password"
HOUSEHOLD = "Maria's home"
# (email, name, role); the patient first: the household is created in her name.
ACCOUNTS = (
    ("patient@example.org", "Maria Santos", "patient"),
    ("caregiver@example.org", "Tom Santos", "caregiver"),
    ("physio@example.org", "Priya Shah", "physio"),
)
HISTORY_DAYS = 7
# The care team's numbers, all from the UK ranges kept for drama (Ofcom: 01632 960000-960999,
# 020 7946 0000-0999): no real line rings, not even the emergency one, so that trying the demo
# never calls an ambulance.
CONTACTS = {
    "emergency": {"name": "Demo number; the real one in the UK is 999", "phone": "01632 960 999"},
    "cancer-team": {"name": "Acute oncology line, day and night", "phone": "01632 960 111"},
    "physio": {"name": "Priya Shah", "phone": "01632 960 222"},
    "dentist": {"name": "Riverside Dental", "phone": "020 7946 0333"},
    "gp": {"name": "Dr Okafor, Park Lane Surgery", "phone": "020 7946 0444"},
}
# What Priya, the physiotherapist, changed after seeing Maria: doses on two strength exercises,
# and lunges taken off for now. A demo of the editor, not advice (the catalog gives no doses).
DOSES = {
    "seated-knee-extension": {
        "sets": 2,
        "reps": 10,
        "hold_seconds": 3,
        "sessions_per_week": 2,
        "note": "Slowly up, slowly down.",
    },
    "sit-to-stand": {
        "sets": 2,
        "reps": 8,
        "hold_seconds": None,
        "sessions_per_week": 2,
        "note": "Use a firm chair with arms, and push with your hands too.",
    },
}
REMOVED = ("lunges",)
# Home-check tasks Tom has already seen to: (item id, state, days ago).
# Home tasks Maria has given to someone: the rails that need help go to Tom by name.
HOME_GIVEN = (
    ("stairs-rails-both-sides", "caregiver"),
    ("bedroom-night-light-to-toilet", "caregiver"),
)
HOME_DONE = (
    ("floors-loose-rugs", "done", 4),
    ("stairs-light-top-and-bottom", "done", 3),
    ("stairs-rails-both-sides", "needs-help", 2),
)


def profile(today: dt.date) -> dict:
    """A realistic profile: a thoracic spine lesion, moderate fracture risk, denosumab starting
    in three weeks with no recent dental check, stairs and loose rugs, living with a caregiver."""
    return parse(
        {
            "lesion_sites": ["spine-thoracic"],
            "fracture_risk": "moderate",
            "weight_bearing": "full",
            "bone_agent": "denosumab",
            "bone_agent_start": (today + dt.timedelta(days=21)).isoformat(),
            "bone_agent_started": False,
            "bone_agent_interval": "4-weekly",  # Xgeva for bone metastases (label)
            "last_dental_exam": None,
            "mobility_aid": "none",
            "lives_alone": False,
            "falls_past_year": 1,
            "home": {
                "stairs_inside": True,
                "loose_rugs": True,
                "bathtub": False,
                "walk_in_shower": True,
                "bedroom_upstairs": True,
                "night_toilet_trips": True,
            },
        }
    )


def _at(day: dt.date, hour: int, minute: int, latest: dt.datetime) -> dt.datetime:
    """A time of day on `day` in the household's zone (`latest`'s), never later than `latest`."""
    return min(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=latest.tzinfo), latest)


def _tick_day(
    db: Database,
    household_id: int,
    day: dt.date,
    people: dict[str, int],
    rng: random.Random,
    latest: dt.datetime,
    share: float = 1.0,
) -> None:
    """Mark a plausible share of the day's due tasks, mostly by Maria, some by Tom for her."""
    items = plans.tasks(db, household_id)
    rows = ticks.states(db, household_id, recurrence.occurrences_for(day))
    view = recurrence.day_view(items, day, recurrence.index_ticks(rows, latest.tzinfo))
    for n, entry in enumerate(view.due[: max(1, int(len(view.due) * share))]):
        if entry.status != "due" or entry.occurrence == recurrence.ONCE:
            continue
        kind = entry.item["schedule"]["kind"]
        chance = {"daily": 0.85, "weekly": 0.45}.get(kind, 0.0)
        by_tom = rng.random() < 0.2
        who = people["caregiver"] if by_tom else people["patient"]
        done_for = people["patient"] if by_tom and entry.item.get("audience") == "patient" else None
        slots = entry.slots if entry.slots == 1 else rng.randint(entry.slots - 3, entry.slots)
        for slot in range(slots):
            roll = rng.random()
            state = (
                "done"
                if roll < chance
                else ("not-today" if roll < chance + 0.05 and entry.slots == 1 else None)
            )
            if state:
                at = _at(day, 8 + (n + slot) % 12, rng.randrange(60), latest)
                ticks.set_state(
                    db,
                    household_id,
                    entry.id,
                    entry.occurrence,
                    slot,
                    state,
                    by_user=who,
                    done_for=done_for,
                    at=at,
                )


def _history(
    db: Database, household_id: int, people: dict[str, int], today: dt.date, latest: dt.datetime
) -> None:
    rng = random.Random(2026)  # the same demo every time
    for back in range(HISTORY_DAYS, 0, -1):
        _tick_day(db, household_id, today - dt.timedelta(days=back), people, rng, latest)
    for item_id, state, back in HOME_DONE:
        if plans.get_task(db, household_id, item_id):
            day = today - dt.timedelta(days=back)
            ticks.set_state(
                db,
                household_id,
                item_id,
                recurrence.ONCE,
                0,
                state,
                by_user=people["caregiver"],
                at=_at(day, 17, 30, latest),
            )
    for item_id, role in HOME_GIVEN:
        if plans.get_task(db, household_id, item_id):
            assignments.assign(
                db,
                household_id,
                item_id,
                people[role],
                people["patient"],
                at=_at(today - dt.timedelta(days=2), 18, 0, latest),
            )
    if plans.get_task(db, household_id, "exercise-plan-physio-check"):
        ticks.set_state(
            db,
            household_id,
            "exercise-plan-physio-check",
            recurrence.ONCE,
            0,
            "done",
            by_user=people["physio"],
            at=_at(today - dt.timedelta(days=2), 11, 0, latest),
        )
    # This morning: a start, so that Today shows some progress and plenty still to do.
    _tick_day(db, household_id, today, people, rng, latest, share=0.3)
    if plans.get_task(db, household_id, "daily-drinks"):
        for slot, hour in enumerate((8, 10)):
            ticks.set_state(
                db,
                household_id,
                "daily-drinks",
                today.isoformat(),
                slot,
                "done",
                by_user=people["patient"],
                at=_at(today, hour, 5, latest),
            )


def _tailor(
    db: Database,
    household_id: int,
    physio: int,
    answers: dict,
    catalog: Catalog,
    today: dt.date,
    moment: dt.datetime,
) -> None:
    """Publish Priya's tailoring as version 2, so that Today shows what changed."""
    current = plans.current_plan(db, household_id)
    shown = tailoring.materialize(current["plan"], None)
    for item_id, dose in DOSES.items():
        shown = tailoring.set_dose(shown, item_id, dict(dose)) or shown
    for item_id in REMOVED:
        shown = tailoring.remove(shown, item_id) or shown
    planning.replan(db, household_id, answers, catalog, today, physio, at=moment, tailoring=shown)


def seed(db: Database, catalog: Catalog, clock: Clock, timezone: str = DEFAULT_ZONE) -> str:
    """Create the demo household on an empty database; return what happened.

    "created": the accounts, household, plan and history were written (all or nothing).
    "present": the demo accounts already exist; nothing was changed.
    "skipped": the database has other accounts; no demo accounts are added to it.
    """
    where = zone(timezone)
    today, moment = clock.today(where), clock.now(where).astimezone(where)
    if accounts.user_by_email(db, ACCOUNTS[0][0]) is not None:
        return "present"
    with transaction(db):
        if fetch_value(db, "select count(*) from users"):
            return "skipped"
        # One scrypt hash for the three accounts, which share the published demo password
        # anyway: each hash takes ~0.1 s by design, and the demo is seeded at every start of
        # `planner serve --demo` on a new database (and by many browser tests).
        ids = accounts.import_users(
            db,
            [(email, name) for email, name, _ in ACCOUNTS],
            generate_password_hash(PASSWORD, method="scrypt"),
            at=moment,
        )
        people = {role: user_id for (_, _, role), user_id in zip(ACCOUNTS, ids, strict=True)}
        household = accounts.create_household(
            db, HOUSEHOLD, people["patient"], "patient", at=moment, timezone=timezone
        )
        for role in ("caregiver", "physio"):
            accounts.add_member(db, household["id"], people[role], role, at=moment)
        answers = profile(today)
        planning.replan(
            db, household["id"], answers, catalog, today, people["caregiver"], at=moment
        )
        _history(db, household["id"], people, today, moment)
        _tailor(db, household["id"], people["physio"], answers, catalog, today, moment)
        contacts.set_contacts(db, household["id"], CONTACTS, people["patient"], at=moment)
        for person in people.values():  # with PLANNER_SMTP_URL set, a newcomer sees mail come
            reminder_settings.opt_in_digest(db, household["id"], person, at=moment)
    return "created"
