"""Profiles, applied plan versions and the tasks of the current plan."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlite_utils import Database

from planner.sqlite import transaction


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def save_profile(db: Database, household_id: int, profile: dict, user_id: int) -> None:
    """Store (or replace) the household's profile. The caller has validated it."""
    with transaction(db):
        db["profiles"].upsert({"household_id": household_id, "profile_json": _dumps(profile),
                               "updated_at": _now(), "updated_by": user_id},
                              pk="household_id")


def get_profile(db: Database, household_id: int) -> dict | None:
    """The household's profile, or None if it has none yet."""
    rows = list(db.query("select profile_json from profiles where household_id = ?",
                         [household_id]))
    return json.loads(rows[0]["profile_json"]) if rows else None


def current_plan(db: Database, household_id: int) -> dict | None:
    """The latest applied plan as {version, plan, profile, created_at, created_by,
    created_by_name}, or None if no plan was applied yet."""
    rows = list(db.query(
        "select plans.version, plans.plan_json, plans.profile_json, plans.created_at,"
        " plans.created_by, users.name as created_by_name from plans"
        " left join users on users.id = plans.created_by"
        " where plans.household_id = ? order by plans.version desc limit 1", [household_id]))
    if not rows:
        return None
    row = rows[0]
    return {"version": row["version"], "plan": json.loads(row["plan_json"]),
            "profile": json.loads(row["profile_json"]), "created_at": row["created_at"],
            "created_by": row["created_by"], "created_by_name": row["created_by_name"]}


def apply_plan(db: Database, household_id: int, plan: dict, profile: dict,
               user_id: int) -> int:
    """Make `plan` the household's current plan, all or nothing; return its version.

    Stores the profile, adds a plan version, and brings the tasks in line: items of the plan
    are active (with their new text and schedule), the others inactive. Ticks are never
    touched, so the history of a task that stays is kept, and comes back if a task returns.
    """
    with transaction(db):
        save_profile(db, household_id, profile, user_id)
        latest = db.execute("select coalesce(max(version), 0) from plans where household_id = ?",
                            [household_id]).fetchone()[0]
        version = latest + 1
        db["plans"].insert({"household_id": household_id, "version": version,
                            "plan_json": _dumps(plan), "profile_json": _dumps(profile),
                            "created_at": _now(), "created_by": user_id})
        active_before = {r["item_id"] for r in db.query(
            "select item_id from tasks where household_id = ? and active = 1", [household_id])}
        db.execute("update tasks set active = 0 where household_id = ?", [household_id])
        for position, item in enumerate(plan["items"]):
            row = {"household_id": household_id, "item_id": item["id"],
                   "domain": item["domain"], "item_json": _dumps(item), "active": 1,
                   "position": position}
            if item["id"] not in active_before:
                row["since_version"] = version
            db["tasks"].upsert(row, pk=("household_id", "item_id"))
    return version


def tasks(db: Database, household_id: int, active_only: bool = True) -> list[dict]:
    """The household's tasks in plan order, each the plan item (dict) with `since_version` and
    `active` added; only the current plan's unless `active_only` is False."""
    where = "household_id = ?" + (" and active = 1" if active_only else "")
    rows = db.query(f"select * from tasks where {where} order by active desc, position",
                    [household_id])
    return [{**json.loads(r["item_json"]), "since_version": r["since_version"],
             "active": bool(r["active"])} for r in rows]


def get_task(db: Database, household_id: int, item_id: str) -> dict | None:
    """One active task of the household (the plan item), or None."""
    rows = list(db.query("select item_json from tasks where household_id = ? and item_id = ?"
                         " and active = 1", [household_id, item_id]))
    return json.loads(rows[0]["item_json"]) if rows else None
