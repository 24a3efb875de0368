"""Proposals: changes of the clinical facts that would make the plan less careful, waiting for
the household's physiotherapist to confirm or decline them (what counts as less careful:
planner/caution.py). A household has at most one waiting proposal: a newer one replaces it,
and it lapses when the household's last physiotherapist leaves (store/accounts.remove_member).
Every step is logged in the activity log, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json

from planner.clock import iso
from planner.i18n import N_
from planner.store import activity
from planner.store.sql import Database, fetch, insert, run, transaction

WAITING, CONFIRMED, DECLINED, REPLACED, LAPSED = (
    "waiting",
    "confirmed",
    "declined",
    "replaced",
    "lapsed",
)


class ProposalGone(Exception):
    """The proposal was already decided or replaced, or is not this household's."""


def _read(row: dict) -> dict:
    return {**row, "changes": json.loads(row.pop("changes_json"))}


def propose(
    db: Database, household_id: int, changes: list[dict], by: int, *, at: dt.datetime
) -> int:
    """Keep `changes` waiting for the physiotherapist (replacing any waiting proposal)."""
    with transaction(db):
        run(
            db,
            "update proposals set status = ?, decided_at = ? where household_id = ? and status = ?",
            [REPLACED, iso(at), household_id, WAITING],
        )
        proposal_id = insert(
            db,
            "proposals",
            {
                "household_id": household_id,
                "changes_json": json.dumps(changes),
                "proposed_by": by,
                "proposed_at": iso(at),
                "status": WAITING,
            },
        )
        activity.record(
            db,
            household_id,
            "proposal_made",
            at=at,
            actor_id=by,
            detail={"proposal_id": proposal_id, "changes": changes},
        )
    return proposal_id


def waiting(db: Database, household_id: int) -> dict | None:
    """The household's waiting proposal, with `changes` and `proposed_by_name`, or None."""
    rows = fetch(
        db,
        "select proposals.*, users.name as proposed_by_name from proposals"
        " left join users on users.id = proposals.proposed_by"
        " where household_id = ? and status = ? order by proposals.id desc limit 1",
        [household_id, WAITING],
    )
    return _read(rows[0]) if rows else None


def decide(
    db: Database, household_id: int, proposal_id: int, confirm: bool, by: int, *, at: dt.datetime
) -> dict:
    """Mark the waiting proposal confirmed or declined (logged) and return it; the caller
    applies a confirmed one inside the same transaction. ProposalGone if it is not waiting."""
    with transaction(db):
        rows = fetch(
            db,
            "select * from proposals where id = ? and household_id = ? and status = ?",
            [proposal_id, household_id, WAITING],
        )
        if not rows:
            raise ProposalGone(N_("This change was already decided, or replaced by a newer one."))
        proposal = _read(rows[0])
        status = CONFIRMED if confirm else DECLINED
        run(
            db,
            "update proposals set status = ?, decided_by = ?, decided_at = ? where id = ?",
            [status, by, iso(at), proposal_id],
        )
        activity.record(
            db,
            household_id,
            f"proposal_{status}",
            at=at,
            actor_id=by,
            detail={"proposal_id": proposal_id, "changes": proposal["changes"]},
        )
    return proposal
