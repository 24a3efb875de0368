"""Reads for a physiotherapist's caseload: the households they look after and, per household,
the facts the caseload page shows. A few small queries per household: a caseload is tens of
households, not thousands."""

from __future__ import annotations

import datetime as dt

from planner.store.sql import Database, fetch, fetch_value


def households(db: Database, user_id: int) -> list[dict]:
    """The households where the user is the physiotherapist, with the patient's name."""
    return fetch(
        db,
        "select households.*, (select users.name from members p join users on users.id ="
        " p.user_id where p.household_id = households.id and p.role = 'patient'"
        " order by p.joined_at limit 1) as patient_name"
        " from members join households on households.id = members.household_id"
        " where members.user_id = ? and members.role = 'physio' order by households.name",
        [user_id],
    )


def tick_rows(db: Database, household_id: int, first: dt.date, last: dt.date) -> list[dict]:
    """The tick rows (item_id, occurrence, state) of the days first..last (adherence.py)."""
    return fetch(
        db,
        "select item_id, occurrence, state from ticks where household_id = ?"
        " and occurrence between ? and ?",
        [household_id, first.isoformat(), last.isoformat()],
    )


def once_states(db: Database, household_id: int) -> dict[str, str]:
    """The state of each one-off task (item id -> state)."""
    rows = fetch(
        db,
        "select item_id, state from ticks where household_id = ? and occurrence = 'once'"
        " and slot = 0",
        [household_id],
    )
    return {r["item_id"]: r["state"] for r in rows}


def needs_help(db: Database, household_id: int) -> list[str]:
    """The active tasks someone marked as needing help (item ids)."""
    return [
        r["item_id"]
        for r in fetch(
            db,
            "select distinct ticks.item_id from ticks join tasks on tasks.household_id ="
            " ticks.household_id and tasks.item_id = ticks.item_id and tasks.active = 1"
            " where ticks.household_id = ? and ticks.state = 'needs-help'",
            [household_id],
        )
    ]


def last_activity(db: Database, household_id: int) -> str | None:
    """When anyone last ticked anything (UTC stamp), or None."""
    return fetch_value(db, "select max(at) from tick_events where household_id = ?", [household_id])


def started(db: Database, household_id: int) -> str | None:
    """When the household started: its first plan or its first tick, whichever came first
    (UTC stamp; ticks may be entered late, for days before the plan), or None."""
    return fetch_value(
        db,
        "select min(at) from (select min(created_at) as at from plans where household_id = ?"
        " union all select min(at) from tick_events where household_id = ?) as firsts",
        [household_id, household_id],
    )


def draft_since(db: Database, household_id: int) -> str | None:
    """When the unpublished exercise draft was last changed, or None if there is none."""
    return fetch_value(
        db, "select updated_at from tailoring_drafts where household_id = ?", [household_id]
    )
