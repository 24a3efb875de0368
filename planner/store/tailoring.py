"""A physiotherapist's draft tailoring, their named templates, and the plan version each
household has acknowledged."""

from __future__ import annotations

import datetime as dt
import json

from planner.clock import iso
from planner.store.plans import _dumps
from planner.store.sql import Database, fetch, fetch_one, insert, run, transaction, upsert


class DuplicateName(ValueError):
    """The physiotherapist already has a template of that name."""


def get_draft(db: Database, household_id: int) -> dict | None:
    """The tailoring being edited for the household and not yet published, or None."""
    rows = fetch(
        db, "select tailoring_json from tailoring_drafts where household_id = ?", [household_id]
    )
    return json.loads(rows[0]["tailoring_json"]) if rows else None


def save_draft(
    db: Database, household_id: int, tailoring: dict, user_id: int, *, at: dt.datetime
) -> None:
    """Store (or replace) the household's draft tailoring."""
    with transaction(db):
        upsert(
            db,
            "tailoring_drafts",
            {
                "household_id": household_id,
                "tailoring_json": _dumps(tailoring),
                "updated_by": user_id,
                "updated_at": iso(at),
            },
            pk=("household_id",),
        )


def drop_draft(db: Database, household_id: int) -> None:
    """Forget the household's draft (after publishing it, or to discard it)."""
    with transaction(db):
        run(db, "delete from tailoring_drafts where household_id = ?", [household_id])


def save_template(
    db: Database, owner_id: int, name: str, tailoring: dict, *, at: dt.datetime
) -> int:
    """Keep a named template for its owner; DuplicateName if the owner has one of that name."""
    with transaction(db):
        taken = fetch_one(
            db,
            "select 1 from exercise_templates where owner_id = ? and name = ?",
            [owner_id, name],
        )
        if taken:
            raise DuplicateName(name)
        return insert(
            db,
            "exercise_templates",
            {
                "owner_id": owner_id,
                "name": name,
                "tailoring_json": _dumps(tailoring),
                "created_at": iso(at),
            },
        )


def templates(db: Database, owner_id: int) -> list[dict]:
    """The owner's templates by name: {id, name, created_at, exercises} (exercises: how many)."""
    rows = fetch(
        db,
        "select id, name, created_at,"
        " json_array_length(tailoring_json, '$.exercises') as exercises"
        " from exercise_templates where owner_id = ? order by name",
        [owner_id],
    )
    return list(rows)


def get_template(db: Database, owner_id: int, template_id: int) -> dict | None:
    """One of the owner's templates with its tailoring, or None (also for another's)."""
    rows = fetch(
        db,
        "select id, name, created_at, tailoring_json from exercise_templates"
        " where id = ? and owner_id = ?",
        [template_id, owner_id],
    )
    if not rows:
        return None
    row = rows[0]
    return {
        "id": row["id"],
        "name": row["name"],
        "created_at": row["created_at"],
        "tailoring": json.loads(row["tailoring_json"]),
    }


def seen_version(db: Database, household_id: int) -> int | None:
    """The plan version the household last acknowledged, or None."""
    row = fetch_one(db, "select version from plan_seen where household_id = ?", [household_id])
    return row["version"] if row else None


def mark_seen(
    db: Database, household_id: int, version: int, user_id: int, *, at: dt.datetime
) -> None:
    """Record that a member of the household has seen the changes up to `version`."""
    with transaction(db):
        upsert(
            db,
            "plan_seen",
            {
                "household_id": household_id,
                "version": version,
                "seen_by": user_id,
                "seen_at": iso(at),
            },
            pk=("household_id",),
        )
