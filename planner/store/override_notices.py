"""A physiotherapist's overrides that the planner dropped because the profile fact behind the
rule changed (planner/plans/overrides.py), kept until a physiotherapist of the household has
read them: their exercise page lists them, their caseload counts them."""

from __future__ import annotations

import datetime as dt
import json

from planner.clock import iso
from planner.store.sql import Database, fetch, fetch_value, insert, run, transaction


def record(db: Database, household_id: int, dropped: list[dict], *, at: dt.datetime) -> None:
    """Keep a notice per dropped override (overrides.Dropped as a dict), in the caller's
    transaction."""
    with transaction(db):
        for each in dropped:
            insert(
                db,
                "override_notices",
                {
                    "household_id": household_id,
                    "rule_id": ",".join(each["rules"]),
                    "item_id": each.get("item_id"),
                    "reason": each["reason"],
                    "made_by": each.get("by"),
                    "made_on": each.get("on"),
                    "changed_json": json.dumps(each["changed"], sort_keys=True),
                    "dropped_at": iso(at),
                },
            )


def pending(db: Database, household_id: int) -> list[dict]:
    """The notices no physiotherapist has dismissed yet, oldest first, each with `rules` (ids),
    `changed` (the fields whose facts changed) and `made_by_name`."""
    rows = fetch(
        db,
        "select override_notices.*, users.name as made_by_name from override_notices"
        " left join users on users.id = override_notices.made_by"
        " where household_id = ? and dismissed_at is null order by dropped_at, id",
        [household_id],
    )
    for row in rows:
        row["rules"] = row["rule_id"].split(",")
        row["changed"] = json.loads(row.pop("changed_json"))
    return rows


def count_pending(db: Database, household_id: int) -> int:
    return fetch_value(
        db,
        "select count(*) from override_notices where household_id = ? and dismissed_at is null",
        [household_id],
    )


def dismiss(db: Database, household_id: int, user_id: int, *, at: dt.datetime) -> int:
    """Mark every pending notice of the household read; return how many."""
    with transaction(db):
        return run(
            db,
            "update override_notices set dismissed_at = ?, dismissed_by = ?"
            " where household_id = ? and dismissed_at is null",
            [iso(at), user_id, household_id],
        )
