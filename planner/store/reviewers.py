"""Clinical reviewers (a role outside households, granted from the command line) and the content
versions they signed, each with the record of what they signed (planner/plans/signatures.py)."""

from __future__ import annotations

import datetime as dt
import json

from planner.clock import iso
from planner.plans.signatures import Signature, from_data
from planner.store.sql import Database, fetch, fetch_one, insert, run, transaction


def grant(db: Database, user_id: int, *, at: dt.datetime) -> bool:
    """Make the user a reviewer; False if they already were."""
    with transaction(db):
        if is_reviewer(db, user_id):
            return False
        insert(db, "reviewers", {"user_id": user_id, "granted_at": iso(at)})
    return True


def revoke(db: Database, user_id: int) -> bool:
    """Take the role away; False if they did not have it. Their signatures stay."""
    with transaction(db):
        return run(db, "delete from reviewers where user_id = ?", [user_id]) > 0


def is_reviewer(db: Database, user_id: int) -> bool:
    return fetch_one(db, "select 1 from reviewers where user_id = ?", [user_id]) is not None


def reviewers(db: Database) -> list[dict]:
    """Every reviewer: {user_id, name, email, granted_at}, by name."""
    return fetch(
        db,
        "select reviewers.user_id, users.name, users.email, reviewers.granted_at"
        " from reviewers join users on users.id = reviewers.user_id order by users.name, users.id",
    )


def record_signature(db: Database, signature: Signature, reviewer_id: int) -> int:
    """Keep a signature made in the app; return its id."""
    record = {
        "release": signature.release,
        "content_hash": signature.content_hash,
        "signed_by": signature.signed_by,
        "signed_at": signature.signed_at,
        "facts": list(signature.facts),
        "outcomes": signature.outcomes,
        "fingerprints": signature.fingerprints,
    }
    with transaction(db):
        return insert(
            db,
            "content_signatures",
            {
                "release": signature.release,
                "content_hash": signature.content_hash,
                "reviewer_id": reviewer_id,
                "signed_by": signature.signed_by,
                "signed_at": signature.signed_at,
                "record_json": json.dumps(record, sort_keys=True, ensure_ascii=False),
            },
        )


def latest_signature(db: Database) -> Signature | None:
    """The signature made most recently in this planner, or None."""
    row = fetch_one(
        db, "select record_json from content_signatures order by signed_at desc, id desc limit 1"
    )
    return from_data(json.loads(row["record_json"])) if row else None


def signatures(db: Database) -> list[dict]:
    """Every signature made in this planner, newest first: {id, release, content_hash,
    signed_by, signed_at}."""
    return fetch(
        db,
        "select id, release, content_hash, signed_by, signed_at from content_signatures"
        " order by signed_at desc, id desc",
    )
