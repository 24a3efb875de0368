"""Each person's reminder choices in each household, and one-click unsubscribe tokens.

Everything is off until the person turns it on (at joining, or on the Reminders page). A
missing row reads as all off. Times are "HH:MM" wall-clock times in the person's zone (their
own choice, else the household's).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from planner.clock import iso
from planner.store.sql import Database, fetch, insert, run, transaction, upsert

FLAGS = ("digest", "key_dates", "caregiver_alerts", "tell_caregivers", "email", "push")
DEFAULTS = {
    "digest": 0,
    "digest_time": "08:00",
    "key_dates": 0,
    "caregiver_alerts": 0,
    "tell_caregivers": 0,
    "quiet_start": None,
    "quiet_end": None,
    "timezone": None,
    "email": 0,
    "push": 0,
}
TOKEN_DAYS = 90  # an unsubscribe link in an old mail still works for three months


def get(db: Database, household_id: int, user_id: int) -> dict:
    """The person's settings (all off when they never chose)."""
    rows = fetch(
        db,
        "select * from reminder_settings where household_id = ? and user_id = ?",
        [household_id, user_id],
    )
    return {
        **DEFAULTS,
        "household_id": household_id,
        "user_id": user_id,
        **(rows[0] if rows else {}),
    }


def save(db: Database, household_id: int, user_id: int, values: dict, *, at: dt.datetime) -> dict:
    """Store the person's settings (values already checked by the page); return them."""
    row = {**get(db, household_id, user_id), **values, "updated_at": iso(at)}
    row = {k: row[k] for k in (*DEFAULTS, "household_id", "user_id", "updated_at")}
    with transaction(db):
        upsert(db, "reminder_settings", row, pk=("household_id", "user_id"))
    return row


def opt_in_digest(db: Database, household_id: int, user_id: int, *, at: dt.datetime) -> None:
    """What the checkbox at joining turns on: the daily plan by email at 08:00."""
    save(db, household_id, user_id, {"digest": 1, "email": 1}, at=at)


def active(db: Database) -> list[dict]:
    """Every member's settings that turn anything on, with the household's zone and name, the
    person's email and role: who the scheduler looks at."""
    return fetch(
        db,
        """
        select s.*, h.timezone as household_timezone, h.name as household_name,
               u.email as user_email, u.name as user_name, u.language as language,
               m.role as role
        from reminder_settings s
        join members m on m.household_id = s.household_id and m.user_id = s.user_id
        join households h on h.id = s.household_id
        join users u on u.id = s.user_id
        where (s.email = 1 or s.push = 1)
          and (s.digest = 1 or s.key_dates = 1 or s.caregiver_alerts = 1)""",
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def unsubscribe_token(db: Database, household_id: int, user_id: int, *, at: dt.datetime) -> str:
    """A new secret for one email's unsubscribe link; only its hash is stored."""
    token = secrets.token_urlsafe(24)
    with transaction(db):
        insert(
            db,
            "unsubscribe_tokens",
            {
                "token_hash": _hash(token),
                "household_id": household_id,
                "user_id": user_id,
                "created_at": iso(at),
                "expires_at": iso(at + dt.timedelta(days=TOKEN_DAYS)),
            },
        )
    return token


def token_owner(db: Database, token: str, *, at: dt.datetime) -> dict | None:
    """The (household, person) an unexpired unsubscribe token is for, with the household's
    name; None for an unknown or expired one."""
    wanted = _hash(token or "")
    rows = fetch(
        db,
        "select t.*, h.name as household_name from unsubscribe_tokens t"
        " join households h on h.id = t.household_id where token_hash = ?",
        [wanted],
    )
    if not rows or not hmac.compare_digest(rows[0]["token_hash"], wanted):
        return None
    return rows[0] if rows[0]["expires_at"] > iso(at) else None


def unsubscribe(db: Database, household_id: int, user_id: int, *, at: dt.datetime) -> None:
    """Stop every reminder email from this household to this person (push stays as chosen)."""
    save(db, household_id, user_id, {"email": 0}, at=at)


def prune_tokens(db: Database, *, at: dt.datetime) -> int:
    with transaction(db):
        return run(db, "delete from unsubscribe_tokens where expires_at <= ?", [iso(at)])
