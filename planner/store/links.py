"""Links that open a household to someone without its members' passwords: an invite to join
with a role (kind "member", single use) or a read-only view of the plan (kind "view").

Each link's secret is 256 random bits from `secrets`; only its SHA-256 is stored, so a copy of
the database opens nothing, and the raw token exists in the link alone. Every link expires,
can be revoked, and has a status: active, used (invites only), expired, revoked, or ended: a
link is only as strong as the member who made it, so it stops working when they are no longer
a member, and an invite they could not make today (planner/permissions.py) grants nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from planner import permissions
from planner.clock import iso
from planner.store import activity
from planner.store.accounts import add_member, check_role, get_membership, standing_of
from planner.store.sql import Database, fetch, insert, run, transaction

MEMBER = "member"
VIEW = "view"
KINDS = (MEMBER, VIEW)


class LinkInvalid(Exception):
    """A link that grants nothing; `reason` is unknown, used, expired or revoked."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def hash_token(token: str) -> str:
    """What is stored for a link secret: its SHA-256 in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_link(
    db: Database,
    household_id: int,
    kind: str,
    created_by: int,
    expires_at: dt.datetime,
    role: str | None = None,
    *,
    at: dt.datetime,
    show_details: bool = False,
    language: str | None = None,
) -> str:
    """Make a link of `kind` (an invite needs the `role` it grants); return the raw token.
    `show_details`: a view link that also shows the reasons naming the diagnosis; `language`:
    the language a view link speaks (its maker's).

    The raw token is returned once and never stored: only its hash is.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    if kind == MEMBER:
        check_role(role)
    else:
        role = None
    token = secrets.token_urlsafe(32)  # 256 bits
    with transaction(db):
        link_id = insert(
            db,
            "invites",
            {
                "household_id": household_id,
                "token_hash": hash_token(token),
                "role": role,
                "kind": kind,
                "created_by": created_by,
                "created_at": iso(at),
                "expires_at": iso(expires_at),
                "show_details": int(bool(show_details) and kind == VIEW),
                "language": language,
            },
        )
        activity.record(
            db,
            household_id,
            "link_made",
            at=at,
            actor_id=created_by,
            detail={"link_id": link_id, "kind": kind, "role": role},
        )
    return token


# The maker's current role in the link's household (NULL once they are no longer a member).
_MAKER_ROLE = (
    "(select role from members where members.household_id = invites.household_id"
    " and members.user_id = invites.created_by) as maker_role"
)


def _status(link: dict, at: dt.datetime) -> str:
    if link["revoked_at"]:
        return "revoked"
    if link["used_at"]:
        return "used"
    if link["maker_role"] is None:
        return "ended"
    if dt.datetime.fromisoformat(link["expires_at"]) <= at:
        return "expired"
    return "active"


def link_for_token(db: Database, token: str, kind: str, *, at: dt.datetime) -> dict:
    """The link of `kind` for a raw token, with `status`, `household_name` and
    `created_by_name`, whatever its status; LinkInvalid("unknown") if there is none."""
    wanted = hash_token(token)
    rows = fetch(
        db,
        "select invites.*, households.name as household_name, users.name as created_by_name, "
        + _MAKER_ROLE
        + " from invites join households on households.id = invites.household_id"
        " left join users on users.id = invites.created_by"
        " where token_hash = ? and kind = ?",
        [wanted, kind],
    )
    # The index finds the row; the comparison that decides is made in constant time.
    if not rows or not hmac.compare_digest(rows[0]["token_hash"], wanted):
        raise LinkInvalid("unknown")
    return {**rows[0], "status": _status(rows[0], at)}


def active_link(db: Database, token: str, kind: str, *, at: dt.datetime) -> dict:
    """The link for a raw token if it still works; LinkInvalid(reason) if it does not. An
    invite into a role its maker may not grant today is "ended" (planner/permissions.py)."""
    link = link_for_token(db, token, kind, at=at)
    if link["status"] != "active":
        raise LinkInvalid(link["status"])
    if kind == MEMBER:
        have, present = standing_of(db, link["household_id"], link["created_by"])
        if not permissions.may_grant(link["role"], have, present):
            raise LinkInvalid("ended")
    return link


def redeem_invite(db: Database, token: str, user_id: int, *, at: dt.datetime) -> dict:
    """Join the household the invite is for; return the membership.

    Single use: the check and the marking as used happen in one write transaction, so two
    people opening the same link at once cannot both join. An expired, used or revoked link
    raises LinkInvalid(reason) and changes nothing. A user who is already a member keeps
    their role, and the link stays unused for the person it was meant for. An invite into a
    role its maker may not grant today raises LinkInvalid("ended") (active_link): a link
    never carries more power than its maker has.
    """
    with transaction(db):
        invite = active_link(db, token, MEMBER, at=at)
        existing = get_membership(db, invite["household_id"], user_id)
        if existing is not None:
            return existing
        run(
            db,
            "update invites set used_at = ?, used_by = ? where id = ?",
            [iso(at), user_id, invite["id"]],
        )
        add_member(db, invite["household_id"], user_id, invite["role"], at=at)
        activity.record(
            db,
            invite["household_id"],
            "joined",
            at=at,
            actor_id=user_id,
            detail={"role": invite["role"], "link_id": invite["id"]},
        )
        return get_membership(db, invite["household_id"], user_id)


def revoke_link(
    db: Database, household_id: int, link_id: int, *, at: dt.datetime, by: int | None = None
) -> bool:
    """Cancel an unused link of this household (logged as cancelled `by` them); False if there
    was none to cancel."""
    with transaction(db):
        changed = run(
            db,
            "update invites set revoked_at = ? where id = ? and household_id = ?"
            " and used_at is null and revoked_at is null",
            [iso(at), link_id, household_id],
        )
        if changed != 1:
            return False
        row = fetch(db, "select kind, role from invites where id = ?", [link_id])[0]
        activity.record(
            db,
            household_id,
            "link_cancelled",
            at=at,
            actor_id=by,
            detail={"link_id": link_id, **row},
        )
        return True


def opened(db: Database, link: dict, *, at: dt.datetime) -> None:
    """Log that a view link was opened: when, never who (its holder has no account)."""
    activity.record(db, link["household_id"], "link_opened", at=at, detail={"link_id": link["id"]})


def links(db: Database, household_id: int, *, at: dt.datetime) -> list[dict]:
    """The household's links of both kinds, newest first, each with its `kind`, `status` and
    the names of who made it and (for an invite) who used it."""
    rows = fetch(
        db,
        "select invites.id, invites.kind, invites.role, invites.created_at, invites.expires_at,"
        " invites.used_at, invites.revoked_at, invites.created_by, invites.show_details,"
        " maker.name as created_by_name, " + _MAKER_ROLE + ","
        " joiner.name as used_by_name from invites"
        " left join users maker on maker.id = invites.created_by"
        " left join users joiner on joiner.id = invites.used_by where invites.household_id = ?"
        " order by invites.created_at desc, invites.id desc",
        [household_id],
    )
    out = [{**row, "status": _status(row, at)} for row in rows]
    for link in out:  # an invite its maker could no longer make is as dead as its maker
        if link["kind"] == MEMBER and link["status"] == "active":
            have, present = standing_of(db, household_id, link["created_by"])
            if not permissions.may_grant(link["role"], have, present):
                link["status"] = "ended"
    return out
