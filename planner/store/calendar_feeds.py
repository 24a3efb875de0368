"""Calendar subscriptions: one person's address for their calendar app to read the household's
key dates from. As with share links (planner.store.links), the secret in the address is 256
random bits and only its SHA-256 is stored; each feed expires, and its owner can cancel it."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from planner.clock import iso
from planner.store.links import hash_token
from planner.store.sql import Database, fetch, insert, run, transaction

LIFETIME = dt.timedelta(days=365)  # a subscription works for a year, then a new one is made


def create_feed(
    db: Database,
    household_id: int,
    user_id: int,
    full_titles: bool,
    daily_summary: bool,
    *,
    at: dt.datetime,
) -> str:
    """Make a feed for a member; return the raw token (returned once, never stored)."""
    token = secrets.token_urlsafe(32)
    with transaction(db):
        insert(
            db,
            "calendar_feeds",
            {
                "household_id": household_id,
                "user_id": user_id,
                "token_hash": hash_token(token),
                "full_titles": int(full_titles),
                "daily_summary": int(daily_summary),
                "created_at": iso(at),
                "expires_at": iso(at + LIFETIME),
            },
        )
    return token


def _status(feed: dict, at: dt.datetime) -> str:
    if feed["revoked_at"]:
        return "revoked"
    if dt.datetime.fromisoformat(feed["expires_at"]) <= at:
        return "expired"
    return "active"


def read_feed(db: Database, token: str, *, at: dt.datetime) -> dict | None:
    """The active feed for a raw token, with its household's `timezone` and name and its
    owner's `role`, marked as read at `at`; None if the token is unknown, the feed cancelled or
    expired, or its owner no longer a member of the household."""
    wanted = hash_token(token)
    rows = fetch(
        db,
        "select calendar_feeds.*, households.timezone, households.name as household_name,"
        " members.role, users.language from calendar_feeds"
        " join households on households.id = calendar_feeds.household_id"
        " join members on members.household_id = calendar_feeds.household_id"
        " and members.user_id = calendar_feeds.user_id"
        " join users on users.id = calendar_feeds.user_id where token_hash = ?",
        [wanted],
    )
    # The index finds the row; the comparison that decides is made in constant time.
    if not rows or not hmac.compare_digest(rows[0]["token_hash"], wanted):
        return None
    feed = rows[0]
    if _status(feed, at) != "active":
        return None
    with transaction(db):
        run(db, "update calendar_feeds set last_read_at = ? where id = ?", [iso(at), feed["id"]])
    return feed


def feeds(db: Database, household_id: int, user_id: int, *, at: dt.datetime) -> list[dict]:
    """A member's feeds for the household, newest first, each with its `status` (no hash)."""
    rows = fetch(
        db,
        "select id, full_titles, daily_summary, created_at, expires_at, last_read_at, revoked_at"
        " from calendar_feeds where household_id = ? and user_id = ?"
        " order by created_at desc, id desc",
        [household_id, user_id],
    )
    return [{**row, "status": _status(row, at)} for row in rows]


def revoke_feed(
    db: Database, household_id: int, user_id: int, feed_id: int, *, at: dt.datetime
) -> bool:
    """Cancel one of a member's working feeds; False if there was none to cancel."""
    with transaction(db):
        changed = run(
            db,
            "update calendar_feeds set revoked_at = ? where id = ? and household_id = ?"
            " and user_id = ? and revoked_at is null",
            [iso(at), feed_id, household_id, user_id],
        )
        return changed == 1
