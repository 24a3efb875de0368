"""Who is to do each home set-up task, or help with it: one member per task, or nobody."""

from __future__ import annotations

import datetime as dt

from planner.clock import iso
from planner.store.sql import Database, fetch, run, transaction


def assign(
    db: Database,
    household_id: int,
    item_id: str,
    user_id: int | None,
    by_user: int,
    *,
    at: dt.datetime,
) -> None:
    """Give the task to `user_id` (the caller has checked they are a member), or to nobody."""
    with transaction(db):
        if user_id is None:
            run(
                db,
                "delete from assignments where household_id = ? and item_id = ?",
                [household_id, item_id],
            )
            return
        run(
            db,
            "insert into assignments (household_id, item_id, user_id, assigned_by,"
            " assigned_at) values (?, ?, ?, ?, ?) on conflict (household_id, item_id)"
            " do update set user_id = excluded.user_id,"
            " assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at"
            " where assignments.user_id != excluded.user_id",
            [household_id, item_id, user_id, by_user, iso(at)],
        )


def of_household(db: Database, household_id: int) -> dict[str, dict]:
    """item_id -> {user_id, name} for every task given to someone, the member still there."""
    rows = fetch(
        db,
        "select assignments.item_id, assignments.user_id, users.name from assignments"
        " join users on users.id = assignments.user_id"
        " join members on members.household_id = assignments.household_id"
        " and members.user_id = assignments.user_id"
        " where assignments.household_id = ?",
        [household_id],
    )
    return {r["item_id"]: {"user_id": r["user_id"], "name": r["name"]} for r in rows}


def assignment_rows(db: Database, household_id: int) -> list[dict]:
    """The household's assignments as stored (also of members who have left), by item id."""
    return fetch(
        db, "select * from assignments where household_id = ? order by item_id", [household_id]
    )
