"""Seed a benchmark database: N households, each with a realistic profile and plan, a patient, a
caregiver and a physiotherapist (one per 25 households, as in a clinic), and a year of daily
history, written through the project's own store functions.

    python bench/seed.py --db bench/.data/bench.db [--households 1000] [--days 365]

Quickly: accounts share one password hashed once (accounts.import_users, since scrypt costs
~0.1 s a hash by design), each household is one transaction, and its history is worked out in
memory with planner.plans.recurrence (what Today would have shown each day) and written with
executemany (ticks.import_history). Every account's password is PASSWORD; household n's patient
signs in as patient_email(n). A JSON note beside the database records how it was made.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

from werkzeug.security import generate_password_hash

from planner import clock, planning
from planner.plans import recurrence
from planner.plans.catalog import default_folder, load_catalog
from planner.plans.profile import parse
from planner.store import accounts, plans, ticks
from planner.store.migrations import migrate
from planner.store.sql import connect, transaction

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plan_bench import random_profile  # bench/ is a folder of scripts

VERSION = 1  # bump when what is seeded changes, so that run.py seeds again
PASSWORD = "bench-password"
PER_PHYSIO = 25
FIRST = [
    "Maria",
    "Tom",
    "Ana",
    "John",
    "Fatima",
    "Wei",
    "Olga",
    "Samir",
    "Grace",
    "Luis",
    "Aiko",
    "Peter",
    "Nadia",
    "Kwame",
    "Elena",
    "David",
    "Ines",
    "Ravi",
    "Joan",
    "Omar",
]
LAST = [
    "Santos",
    "Smith",
    "Nowak",
    "Okafor",
    "Khan",
    "Li",
    "Ivanova",
    "Haddad",
    "Brown",
    "Garcia",
    "Tanaka",
    "Murphy",
    "Rossi",
    "Mensah",
    "Petrov",
    "Cohen",
    "Silva",
    "Patel",
]


def patient_email(n: int) -> str:
    """The sign-in of household n's patient (n counts from 1)."""
    return f"patient-{n}@bench.example"


def note_path(db_path: Path) -> Path:
    """Where seed() records how a database was made."""
    return db_path.with_suffix(".json")


def _moment(day: dt.date, minute_of_day: int) -> str:
    """A time of day on `day` for a household in UTC (where seeded households live), as stored."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    return (start + dt.timedelta(minutes=minute_of_day)).isoformat()


def history(
    items: list[dict], people: dict[str, int], today: dt.date, days: int, rng: random.Random
) -> list[tuple]:
    """A household's marks, oldest first: each past day, what Today showed (recurrence.day_view)
    and a plausible share of it done, mostly by the patient, some by the caregiver for them;
    on `today` only the morning's. Home checks are seen to in the first weeks."""
    state: dict[tuple[str, str, int], dict] = {}
    marks: list[tuple] = []
    keen = rng.uniform(0.55, 0.95)  # households differ in how much they keep up

    def mark(item: dict, occurrence: str, slot: int, value: str, day: dt.date, minute: int):
        by_carer = rng.random() < 0.2
        who = people["caregiver"] if by_carer else people["patient"]
        done_for = people["patient"] if by_carer and item.get("audience") == "patient" else None
        at = _moment(day, minute)
        marks.append((item["id"], occurrence, slot, value, who, done_for, at))
        state[(item["id"], occurrence, slot)] = {
            "state": value,
            "updated_at": at,
            "updated_on": day,
        }

    start = today - dt.timedelta(days=days)
    for item in items:
        if recurrence.home_item(item) and item["schedule"]["kind"] == "once":
            value = rng.choices(["done", "needs-help", "not-applicable"], [8, 1, 1])[0]
            day = start + dt.timedelta(days=rng.randrange(min(days, 60) or 1))
            marks.append(
                (
                    item["id"],
                    recurrence.ONCE,
                    0,
                    value,
                    people["caregiver"],
                    None,
                    _moment(day, 17 * 60),
                )
            )
    for back in range(days, -1, -1):
        day = today - dt.timedelta(days=back)
        view = recurrence.day_view(items, day, state)
        due = view.due if back else view.due[: max(1, len(view.due) * 3 // 10)]
        for n, entry in enumerate(due):
            schedule = entry.item["schedule"]
            chance = {
                "daily": keen,
                "every-n-weeks": 0.95,
                "weekly": min(1.0, schedule.get("times_per_week", 0) / 5) * keen,
                "once": 0.3 * keen,
            }[schedule["kind"]]
            for slot in range(entry.slots):
                roll = rng.random()
                minute = (8 + (n + slot) % 12) * 60 + rng.randrange(60)
                if roll < chance:
                    mark(entry.item, entry.occurrence, slot, "done", day, minute)
                elif roll < chance + 0.04 and entry.slots == 1 and schedule["kind"] == "daily":
                    mark(entry.item, entry.occurrence, slot, "not-today", day, minute)
    marks.sort(key=lambda m: m[-1])
    return marks


def seed(
    path: str | Path,
    households: int = 1000,
    days: int = 365,
    today: dt.date | None = None,
    seed_value: int = 2026,
) -> dict:
    """Make a fresh benchmark database at `path`; return (and record beside it) what was made."""
    started = time.perf_counter()
    path = Path(path)
    today = today or clock.Clock().today()
    at = clock.pinned(today).now()  # accounts, households and plans made at noon of `today`
    for old in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), note_path(path)):
        old.unlink(missing_ok=True)
    migrate(path)
    db = connect(path)
    catalog = load_catalog(default_folder())
    rng = random.Random(seed_value)
    password_hash = generate_password_hash(PASSWORD, method="scrypt")
    physios = accounts.import_users(
        db,
        [
            (f"physio-{n}@bench.example", f"{rng.choice(FIRST)} {rng.choice(LAST)}")
            for n in range(1, households // PER_PHYSIO + 2)
        ],
        password_hash,
        at=at,
    )
    marks = 0
    for n in range(1, households + 1):
        family = rng.choice(LAST)
        with transaction(db):
            patient, carer = accounts.import_users(
                db,
                [
                    (patient_email(n), f"{rng.choice(FIRST)} {family}"),
                    (f"caregiver-{n}@bench.example", f"{rng.choice(FIRST)} {family}"),
                ],
                password_hash,
                at=at,
            )
            household = accounts.create_household(
                db, f"The {family} home", patient, "patient", at=at
            )
            accounts.add_member(db, household["id"], carer, "caregiver", at=at)
            accounts.add_member(db, household["id"], physios[n // PER_PHYSIO], "physio", at=at)
            profile = parse(random_profile(rng))
            planning.replan(db, household["id"], profile, catalog, today, carer, at=at)
            items = plans.tasks(db, household["id"])
            people = {"patient": patient, "caregiver": carer}
            marks += ticks.import_history(
                db, household["id"], history(items, people, today, days, rng)
            )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    note = {
        "version": VERSION,
        "households": households,
        "days": days,
        "today": today.isoformat(),
        "seed": seed_value,
        "events": marks,
        "seconds": round(time.perf_counter() - started, 1),
        "bytes": path.stat().st_size,
    }
    note_path(path).write_text(json.dumps(note, indent=2) + "\n")
    return note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="Database file to make (replaced if there).")
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365, help="Days of history before today.")
    parser.add_argument("--today", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today)")
    args = parser.parse_args()
    note = seed(args.db, args.households, args.days, args.today)
    print(
        f"{args.db}: {note['households']} households, {note['events']:,} tick events over "
        f"{note['days']} days, {note['bytes'] / 1e6:,.0f} MB, in {note['seconds']} s"
    )


if __name__ == "__main__":
    main()
