"""The whole content of a database as one comparable value, to prove a refused write stored
nothing: not a row, not a changed value, in any table. The same on both engines."""

from __future__ import annotations

import hashlib

from planner.store.sql import connect, fetch, fetch_value, table_names

# Sign-in bookkeeping, not anyone's data: tests sign a client in (conftest.login writes a
# server-side session) between taking a dump and sending the request they check.
ALWAYS_SKIPPED = ("sessions",)


def dump(target: str, skip: tuple[str, ...] = (), sessions: bool = False) -> str:
    """Every table's rows, tables by name and rows in a fixed order, without the tables in
    `skip` (and ALWAYS_SKIPPED, unless `sessions`). Read on a fresh connection, so it sees only
    committed data. Sequences are left out: PostgreSQL moves one on a rolled-back insert too,
    and a refused write is judged by the rows it left, not by the ids it used up."""
    skip = (*skip, *(() if sessions else ALWAYS_SKIPPED))
    db = connect(target)
    try:
        lines = []
        for table in sorted(table_names(db)):
            if table in skip:
                continue
            rows = sorted(
                repr(sorted(row.items())) for row in fetch(db, f'select * from "{table}"')
            )
            lines.append(f"{table}: {len(rows)} rows")
            lines.extend(f"  {row}" for row in rows)
    finally:
        db.close()
    return "\n".join(lines)


def digest(target: str, skip: tuple[str, ...] = ()) -> str:
    """A short fingerprint of `dump`, for messages."""
    return hashlib.sha256(dump(target, skip).encode()).hexdigest()[:16]


def count(db, table: str, where: str = "", params: tuple | list = ()) -> int:
    """How many rows `table` holds (that match `where`), on either engine."""
    sql = f'select count(*) from "{table}"' + (f" where {where}" if where else "")
    return fetch_value(db, sql, params)
