"""The care team's phone numbers of a household: one row per kind of contact (KINDS)."""

from __future__ import annotations

import datetime as dt

from planner.clock import iso
from planner.store.sql import Database, fetch, insert, run, transaction

# In the order they are shown: who to call first comes first.
KINDS = ("emergency", "cancer-team", "physio", "dentist", "gp")


def contact_rows(db: Database, household_id: int) -> list[dict]:
    """The household's contacts ({kind, name, phone, updated_at, updated_by}) by kind's name."""
    return fetch(
        db,
        "select kind, name, phone, updated_at, updated_by from care_contacts"
        " where household_id = ? order by kind",
        [household_id],
    )


def contacts(db: Database, household_id: int) -> list[dict]:
    """The household's contacts ({kind, name, phone, updated_at, updated_by}) in KINDS order."""
    rows = {r["kind"]: r for r in contact_rows(db, household_id)}
    return [rows[kind] for kind in KINDS if kind in rows]


def set_contacts(
    db: Database,
    household_id: int,
    entries: dict[str, dict | None],
    user_id: int,
    *,
    at: dt.datetime,
) -> None:
    """Replace the contacts in one transaction: each kind of `entries` gets {name, phone}, or
    is cleared when None. Kinds not named keep what they had."""
    with transaction(db):
        for kind, entry in entries.items():
            if kind not in KINDS:
                raise ValueError(f"unknown kind of contact {kind!r}")
            run(
                db,
                "delete from care_contacts where household_id = ? and kind = ?",
                [household_id, kind],
            )
            if entry:
                insert(
                    db,
                    "care_contacts",
                    {
                        "household_id": household_id,
                        "kind": kind,
                        "name": entry.get("name") or None,
                        "phone": entry["phone"],
                        "updated_at": iso(at),
                        "updated_by": user_id,
                    },
                )
