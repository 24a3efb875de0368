"""Server-side sessions: who is signed in where, so that a session can be ended for good.

The browser's (signed) cookie carries a random session id; the database keeps only its SHA-256,
so a copy of the database opens no session. A session ends when its person signs out, signs out
everywhere, changes or resets their password (the others), is deleted, or the database is
restored; it also ends LIFETIME after it began and IDLE after its last use.

Reading a session is one indexed read (by the primary key, joined to the user). Its last use is
written at most every SEEN_EVERY, so that browsing does not write to the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from planner.clock import iso
from planner.store.sql import Database, fetch, fetch_value, run, transaction

LIFETIME = dt.timedelta(days=30)
IDLE = dt.timedelta(days=7)
SEEN_EVERY = dt.timedelta(minutes=1)


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start(db: Database, user_id: int, *, at: dt.datetime) -> str:
    """A new session for the user; returns its id (for the cookie; only its hash is kept)."""
    session_id = secrets.token_urlsafe(32)
    stamp = iso(at)
    with transaction(db):
        # The user's sessions past their lifetime go now: nothing else would remove them.
        run(
            db,
            "delete from sessions where user_id = ? and created_at <= ?",
            [user_id, iso(at - LIFETIME)],
        )
        run(
            db,
            "insert into sessions (id_hash, user_id, created_at, seen_at) values (?, ?, ?, ?)",
            [_hash(session_id), user_id, stamp, stamp],
        )
    return session_id


def user_for(
    db: Database,
    session_id: str,
    *,
    at: dt.datetime,
    lifetime: dt.timedelta = LIFETIME,
    idle: dt.timedelta = IDLE,
) -> dict | None:
    """The user signed in by this session id, or None if there is no such session or it has
    ended (too old, or unused too long: then it is deleted)."""
    key = _hash(session_id)
    rows = fetch(
        db,
        "select users.id, users.email, users.name, users.created_at, users.language,"
        " sessions.created_at as session_created, sessions.seen_at"
        " from sessions join users on users.id = sessions.user_id"
        " where sessions.id_hash = ?",
        [key],
    )
    if not rows:
        return None
    user = rows[0]
    created = dt.datetime.fromisoformat(user.pop("session_created"))
    seen = dt.datetime.fromisoformat(user.pop("seen_at"))
    if at - created >= lifetime or at - seen >= idle:
        end(db, session_id)
        return None
    if at - seen >= SEEN_EVERY:
        with transaction(db):
            run(db, "update sessions set seen_at = ? where id_hash = ?", [iso(at), key])
    return user


def end(db: Database, session_id: str) -> None:
    """End this session (signing out)."""
    with transaction(db):
        run(db, "delete from sessions where id_hash = ?", [_hash(session_id)])


def end_all(db: Database, user_id: int, keep: str | None = None) -> int:
    """End every session of the user, except `keep` (the one in use) if given; return how many
    ended."""
    with transaction(db):
        return run(
            db,
            "delete from sessions where user_id = ? and id_hash != ?",
            [user_id, _hash(keep) if keep else ""],
        )


def count(db: Database, user_id: int) -> int:
    """How many sessions the user has open (signed in on how many browsers)."""
    return fetch_value(db, "select count(*) from sessions where user_id = ?", [user_id])
