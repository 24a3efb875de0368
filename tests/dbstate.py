"""The whole content of a database as one comparable value, to prove a refused write stored
nothing: not a row, not a changed value, in any table."""

from __future__ import annotations

import hashlib
import sqlite3

# Sign-in bookkeeping, not anyone's data: tests sign a client in (conftest.login writes a
# server-side session) between taking a dump and sending the request they check.
ALWAYS_SKIPPED = ("sessions",)


def dump(path: str, skip: tuple[str, ...] = ()) -> str:
    """Every table's schema and rows (SQL text, sorted by table as iterdump writes it), without
    the tables in `skip` (and ALWAYS_SKIPPED). Read on a fresh connection, so it sees only
    committed data."""
    skip = (*skip, *ALWAYS_SKIPPED)
    conn = sqlite3.connect(path)
    try:
        lines = [
            line
            for line in conn.iterdump()
            if not any(f'"{table}"' in line.split("(")[0] for table in skip)
        ]
    finally:
        conn.close()
    return "\n".join(lines)


def digest(path: str, skip: tuple[str, ...] = ()) -> str:
    """A short fingerprint of `dump`, for messages."""
    return hashlib.sha256(dump(path, skip).encode()).hexdigest()[:16]
