"""Profiles, applied plan versions and the tasks of the current plan."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from planner.clock import iso
from planner.store.sql import (
    Database,
    fetch,
    fetch_one,
    fetch_value,
    insert,
    run,
    transaction,
    upsert,
    upsert_many,
)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def save_profile(
    db: Database, household_id: int, profile: dict, user_id: int, *, at: dt.datetime
) -> None:
    """Store (or replace) the household's profile. The caller has validated it."""
    with transaction(db):
        upsert(
            db,
            "profiles",
            {
                "household_id": household_id,
                "profile_json": _dumps(profile),
                "updated_at": iso(at),
                "updated_by": user_id,
            },
            pk=("household_id",),
        )


def get_profile(db: Database, household_id: int) -> dict | None:
    """The household's profile, or None if it has none yet."""
    rows = fetch(db, "select profile_json from profiles where household_id = ?", [household_id])
    return json.loads(rows[0]["profile_json"]) if rows else None


_VERSION_SQL = (
    "select plans.version, plans.plan_json, plans.profile_json, plans.tailoring_json,"
    " plans.content_release, plans.content_hash,"
    " plans.created_at, plans.created_by, users.name as created_by_name,"
    " members.role as created_by_role from plans"
    " left join users on users.id = plans.created_by"
    " left join members on members.household_id = plans.household_id"
    " and members.user_id = plans.created_by where plans.household_id = ?"
)


def _version(row: dict) -> dict:
    return {
        "version": row["version"],
        "plan": json.loads(row["plan_json"]),
        "profile": json.loads(row["profile_json"]),
        "tailoring": json.loads(row["tailoring_json"]) if row["tailoring_json"] else None,
        "content_release": row["content_release"],
        "content_hash": row["content_hash"],
        "created_at": row["created_at"],
        "created_by": row["created_by"],
        "created_by_name": row["created_by_name"],
        "created_by_role": row["created_by_role"],
    }


def current_plan(db: Database, household_id: int) -> dict | None:
    """The latest applied plan as {version, plan, profile, tailoring, content_release,
    content_hash, created_at, created_by, created_by_name, created_by_role}, or None if no plan
    was applied yet. `tailoring` is the physiotherapist's tailoring the plan was made with (None
    if none); `content_*` the content version it was made from (None before issue 25)."""
    rows = fetch(db, _VERSION_SQL + " order by plans.version desc limit 1", [household_id])
    return _version(rows[0]) if rows else None


def current_content(db: Database, household_id: int) -> dict | None:
    """The content version of the household's current plan, {content_release, content_hash}
    (None each for a plan made before they were recorded), or None if it has no plan: one
    small read, for every first page of a household."""
    return fetch_one(
        db,
        "select content_release, content_hash from plans where household_id = ?"
        " order by version desc limit 1",
        [household_id],
    )


def current_version(db: Database, household_id: int) -> int | None:
    """The number of the household's current plan version, or None if it has none."""
    return fetch_value(db, "select max(version) from plans where household_id = ?", [household_id])


def get_version(db: Database, household_id: int, version: int) -> dict | None:
    """One plan version of the household (as current_plan gives it), or None."""
    rows = fetch(db, _VERSION_SQL + " and plans.version = ?", [household_id, version])
    return _version(rows[0]) if rows else None


def versions(db: Database, household_id: int) -> list[dict]:
    """Every plan version of the household, newest first: {version, created_at, created_by_name,
    created_by_role, content_release, content_hash, tasks} (tasks: how many items the plan
    had)."""
    rows = fetch(
        db,
        "select plans.version, plans.created_at, users.name as created_by_name,"
        " plans.content_release, plans.content_hash,"
        " members.role as created_by_role, json_array_length(plans.plan_json, '$.items') as tasks"
        " from plans left join users on users.id = plans.created_by"
        " left join members on members.household_id = plans.household_id"
        " and members.user_id = plans.created_by"
        " where plans.household_id = ? order by plans.version desc",
        [household_id],
    )
    return list(rows)


def apply_plan(
    db: Database,
    household_id: int,
    plan: dict,
    profile: dict,
    user_id: int | None,
    tailoring: dict | None = None,
    *,
    at: dt.datetime,
    content: tuple[str, str] | None = None,
) -> int:
    """Make `plan` the household's current plan, all or nothing; return its version.

    `tailoring` is the physiotherapist's tailoring the plan was made with, kept with the version
    so that the next re-plan applies it again; `content` the (release, hash) of the content it
    was made from; `user_id` None for a plan the planner itself updated to new content.
    Stores the profile, adds a plan version, and brings the tasks in line: items of the plan
    are active (with their new text and schedule), the others inactive. Ticks are never
    touched, so the history of a task that stays is kept, and comes back if a task returns.
    """
    with transaction(db):
        if user_id is not None:  # a content update keeps the profile as it was stored
            save_profile(db, household_id, profile, user_id, at=at)
        latest = fetch_value(
            db, "select coalesce(max(version), 0) from plans where household_id = ?", [household_id]
        )
        version = latest + 1
        insert(
            db,
            "plans",
            {
                "household_id": household_id,
                "version": version,
                "plan_json": _dumps(plan),
                "profile_json": _dumps(profile),
                "tailoring_json": _dumps(tailoring) if tailoring else None,
                "content_release": content[0] if content else None,
                "content_hash": content[1] if content else None,
                "created_at": iso(at),
                "created_by": user_id,
            },
        )
        active_before = {
            r["item_id"]
            for r in fetch(
                db,
                "select item_id from tasks where household_id = ? and active = 1",
                [household_id],
            )
        }
        run(db, "update tasks set active = 0 where household_id = ?", [household_id])
        rows = []
        for position, item in enumerate(plan["items"]):
            row = {
                "household_id": household_id,
                "item_id": item["id"],
                "domain": item["domain"],
                "item_json": _dumps(item),
                "active": 1,
                "position": position,
            }
            if item["id"] not in active_before:
                row["since_version"] = version
            rows.append(row)
        upsert_many(db, "tasks", rows, pk=("household_id", "item_id"))
    return version


def mark_content(db: Database, household_id: int, version: int, content: tuple[str, str]) -> None:
    """Record that newer content (release, hash) gives the same plan as this version: the
    version then names the newest content it follows, and is not offered as an update again."""
    with transaction(db):
        run(
            db,
            "update plans set content_release = ?, content_hash = ?"
            " where household_id = ? and version = ?",
            [content[0], content[1], household_id, version],
        )


def plan_rows(db: Database, household_id: int) -> list[dict]:
    """Every plan version of the household as stored (JSON still text), oldest first."""
    return fetch(db, "select * from plans where household_id = ? order by version", [household_id])


def task_rows(db: Database, household_id: int, active_only: bool = False) -> list[dict]:
    """The household's task rows as stored (item_json still text): the current plan's in plan
    order, then (unless `active_only`) the tasks of earlier plans."""
    where = "household_id = ?" + (" and active = 1" if active_only else "")
    return fetch(
        db, f"select * from tasks where {where} order by active desc, position", [household_id]
    )


def tasks(db: Database, household_id: int, active_only: bool = True) -> list[dict]:
    """The household's tasks in plan order, each the plan item (dict) with `since_version` and
    `active` added; only the current plan's unless `active_only` is False."""
    rows = task_rows(db, household_id, active_only)
    return [
        {
            **json.loads(r["item_json"]),
            "since_version": r["since_version"],
            "active": bool(r["active"]),
        }
        for r in rows
    ]


def get_task(db: Database, household_id: int, item_id: str) -> dict | None:
    """One active task of the household (the plan item), or None."""
    rows = fetch(
        db,
        "select item_json from tasks where household_id = ? and item_id = ? and active = 1",
        [household_id, item_id],
    )
    return json.loads(rows[0]["item_json"]) if rows else None
