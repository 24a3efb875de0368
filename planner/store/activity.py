"""The activity log of a household: who signed in, who joined, left or was removed, links made,
used, cancelled and opened, clinical facts changed and proposed, data exported.

Rows are only ever added. `actor_id` is who did it (None for someone without an account, such
as the holder of a view link: when it was opened is logged, never who opened it); `subject_id`
the person it was done to; `detail` a small JSON object whose keys each kind documents below.
Names are never copied in: they are read from the accounts when the log is shown, so erasing
an account erases its name from the log too.
"""

from __future__ import annotations

import datetime as dt
import json

from planner.clock import iso
from planner.store.sql import Database, fetch, insert, transaction

# Every kind of entry, with the `detail` keys it carries.
KINDS = {
    "signed_in": (),
    "joined": ("role", "link_id"),  # through an invite link (link_id) or made the household
    "left": ("role",),
    "removed": ("role",),  # subject_id was removed by actor_id
    "manager_named": (),  # subject_id now helps manage (None: nobody)
    "link_made": ("link_id", "kind", "role"),
    "link_cancelled": ("link_id", "kind", "role"),
    "link_opened": ("link_id",),  # a view link was opened (by whom is not known)
    "facts_changed": ("fields",),  # the careful-relevant answers changed at once
    "proposal_made": ("proposal_id", "changes"),
    "proposal_confirmed": ("proposal_id", "changes"),
    "proposal_declined": ("proposal_id", "changes"),
    "exported": ("format",),  # json, csv or fhir
    "password_changed": (),
    "password_reset_asked": (),
    "signed_out_everywhere": (),
    "account_data_downloaded": (),  # the person's own export (the account page)
    "account_deleted": ("role",),  # the member left by deleting their account
    # A physiotherapist's override of movement rules (planner/plans/overrides.py): item_id is
    # the exercise allowed (None: the rules are lifted for the person), rules their ids.
    "override_made": ("item_id", "rules", "reason"),
    "override_removed": ("item_id", "rules", "reason"),
    "override_dropped": ("item_id", "rules", "changed"),  # changed: the fields whose facts moved
    "content_updated": ("release", "content_hash", "version"),  # the plan follows new content
}
# The kinds every member sees on the People page: changes of who is in the household.
MEMBERSHIP = ("joined", "left", "removed", "manager_named")


def record(
    db: Database,
    household_id: int,
    kind: str,
    *,
    at: dt.datetime,
    actor_id: int | None = None,
    subject_id: int | None = None,
    detail: dict | None = None,
) -> None:
    """Add one entry to the household's log (inside the caller's transaction, if any)."""
    if kind not in KINDS:
        raise ValueError(f"unknown activity kind {kind!r}")
    with transaction(db):
        insert(
            db,
            "activity",
            {
                "household_id": household_id,
                "kind": kind,
                "actor_id": actor_id,
                "subject_id": subject_id,
                "detail_json": json.dumps(detail or {}, sort_keys=True),
                "at": iso(at),
            },
        )


def record_for_user(db: Database, user_id: int, kind: str, *, at: dt.datetime) -> None:
    """Add an entry about the user to every household they belong to (a sign-in)."""
    with transaction(db):
        for row in fetch(db, "select household_id from members where user_id = ?", [user_id]):
            record(db, row["household_id"], kind, at=at, actor_id=user_id)


def entries(
    db: Database, household_id: int, kinds: tuple[str, ...] | None = None, limit: int = 200
) -> list[dict]:
    """The household's latest entries, newest first, each with `detail` read and the names of
    its actor and subject (None when the account no longer exists)."""
    where, params = "activity.household_id = ?", [household_id]
    if kinds:
        where += f" and kind in ({', '.join('?' * len(kinds))})"
        params += list(kinds)
    rows = fetch(
        db,
        "select activity.*, actor.name as actor_name, subject.name as subject_name"
        " from activity left join users actor on actor.id = activity.actor_id"
        " left join users subject on subject.id = activity.subject_id"
        f" where {where} order by activity.at desc, activity.id desc limit ?",
        [*params, limit],
    )
    for row in rows:
        row["detail"] = json.loads(row.pop("detail_json") or "{}")
    return rows
