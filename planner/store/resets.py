"""Password-reset links: a random token mailed to the account's address; only its hash is
kept; it works once, for LIFETIME, and a newer link or a password change cancels it."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from planner.clock import iso
from planner.store.sql import Database, fetch, fetch_one, run, transaction

LIFETIME = dt.timedelta(hours=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(db: Database, user_id: int, *, at: dt.datetime) -> str:
    """A new reset token for the user (earlier ones stop working); returns it for the mail."""
    token = secrets.token_urlsafe(32)
    with transaction(db):
        run(db, "delete from password_resets where user_id = ?", [user_id])
        run(
            db,
            "insert into password_resets (token_hash, user_id, created_at, expires_at)"
            " values (?, ?, ?, ?)",
            [_hash(token), user_id, iso(at), iso(at + LIFETIME)],
        )
    return token


def user_for(db: Database, token: str, *, at: dt.datetime) -> int | None:
    """The user this token may reset, if it is unused and not expired; else None."""
    rows = fetch(
        db,
        "select user_id from password_resets where token_hash = ?"
        " and used_at is null and expires_at > ?",
        [_hash(token), iso(at)],
    )
    return rows[0]["user_id"] if rows else None


def use(db: Database, token: str, *, at: dt.datetime) -> int | None:
    """Spend the token (once: a second use, even at the same moment, gets None); return its
    user. Call inside the transaction that sets the password."""
    with transaction(db):
        row = fetch_one(
            db,
            "update password_resets set used_at = ? where token_hash = ?"
            " and used_at is null and expires_at > ? returning user_id",
            [iso(at), _hash(token), iso(at)],
        )
    return row["user_id"] if row else None
