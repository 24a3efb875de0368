"""The outbox: every reminder due is a row (who, what, when, channel, state), sent once.

The unique key (person, household, kind, task, day, channel) makes queueing idempotent: a
second run, a restart or a second process inserts nothing new. Sending claims a row first
(queued -> sending, one UPDATE that only one process can win), so no two senders send it.

A row that fails is tried again later (RETRY_MINUTES, doubling) and after MAX_ATTEMPTS ends
"failed", shown on the person's Reminders page. A row left "sending" by a process that died
is not sent again (it may have gone): it ends "failed" with a word on why. Rows that are done
are pruned after KEEP_DAYS.
"""

from __future__ import annotations

import datetime as dt

from planner.clock import iso
from planner.store.sql import Database, fetch, run, transaction

RETRY_MINUTES = 5
MAX_ATTEMPTS = 5
STALE_MINUTES = 15
KEEP_DAYS = 30


def enqueue(
    db: Database,
    household_id: int,
    user_id: int,
    kind: str,
    ref: str,
    day: dt.date,
    channel: str,
    *,
    at: dt.datetime,
) -> bool:
    """Queue one reminder unless it is already there (in any state); True if it is new."""
    stamp = iso(at)
    with transaction(db):
        changed = run(
            db,
            "insert into outbox (household_id, user_id, kind, ref, day, channel,"
            " state, due_at, next_try_at, attempts, created_at)"
            " values (?, ?, ?, ?, ?, ?, 'queued', ?, ?, 0, ?) on conflict do nothing",
            [household_id, user_id, kind, ref, day.isoformat(), channel, stamp, stamp, stamp],
        )
        return changed == 1


def due(db: Database, *, at: dt.datetime) -> list[dict]:
    """Queued rows whose time has come, oldest first."""
    return fetch(
        db,
        "select * from outbox where state = 'queued' and next_try_at <= ? order by next_try_at, id",
        [iso(at)],
    )


def claim(db: Database, row_id: int, *, at: dt.datetime) -> bool:
    """Take a queued row for sending; False if another sender took it (or it changed)."""
    with transaction(db):
        return (
            run(
                db,
                "update outbox set state = 'sending', claimed_at = ? "
                "where id = ? and state = 'queued'",
                [iso(at), row_id],
            )
            == 1
        )


def _finish(db: Database, row_id: int, sql: str, params: list) -> None:
    with transaction(db):
        run(db, f"update outbox set {sql} where id = ? and state = 'sending'", [*params, row_id])


def sent(db: Database, row_id: int, *, at: dt.datetime) -> None:
    _finish(db, row_id, "state = 'sent', sent_at = ?, last_error = null", [iso(at)])


def cancel(db: Database, row_id: int, why: str, *, at: dt.datetime) -> None:
    """Not sent, and not to be: the task was ticked, the person turned it off."""
    _finish(db, row_id, "state = 'cancelled', sent_at = ?, last_error = ?", [iso(at), why])


def release(db: Database, row_id: int, until: dt.datetime) -> None:
    """Back to the queue without counting a try (quiet hours: wait until they end)."""
    _finish(db, row_id, "state = 'queued', next_try_at = ?", [iso(until)])


def failed(db: Database, row: dict, why: str, *, at: dt.datetime) -> str:
    """Count a failed try: queued again later, or "failed" after MAX_ATTEMPTS. Returns the
    row's new state."""
    attempts = row["attempts"] + 1
    if attempts >= MAX_ATTEMPTS:
        _finish(
            db,
            row["id"],
            "state = 'failed', attempts = ?, last_error = ?, sent_at = ?",
            [attempts, why, iso(at)],
        )
        return "failed"
    later = at + dt.timedelta(minutes=RETRY_MINUTES * 2 ** (attempts - 1))
    _finish(
        db,
        row["id"],
        "state = 'queued', attempts = ?, last_error = ?, next_try_at = ?",
        [attempts, why, iso(later)],
    )
    return "queued"


def give_up_stale(db: Database, *, at: dt.datetime) -> int:
    """Rows a dead process left "sending": failed, never resent (they may have gone out)."""
    with transaction(db):
        return run(
            db,
            "update outbox set state = 'failed', sent_at = ?, last_error = ? "
            "where state = 'sending' and claimed_at < ?",
            [
                iso(at),
                "the sender stopped while sending it; not sent again in case it went",
                iso(at - dt.timedelta(minutes=STALE_MINUTES)),
            ],
        )


def prune(db: Database, *, at: dt.datetime) -> int:
    """Delete rows finished more than KEEP_DAYS ago (sent, failed or cancelled)."""
    with transaction(db):
        return run(
            db,
            "delete from outbox where state in ('sent', 'failed', 'cancelled') and sent_at < ?",
            [iso(at - dt.timedelta(days=KEEP_DAYS))],
        )


def recent(db: Database, household_id: int, user_id: int, limit: int = 10) -> list[dict]:
    """The person's latest reminders in this household, newest first (for their page)."""
    return fetch(
        db,
        "select * from outbox where household_id = ? and user_id = ?"
        " order by created_at desc, id desc limit ?",
        [household_id, user_id, limit],
    )
