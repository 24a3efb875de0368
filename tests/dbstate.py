"""The whole content of a database as one comparable value, to prove a refused write stored
nothing: not a row, not a changed value, in any table."""

from __future__ import annotations

import hashlib
import sqlite3


def dump(path: str, skip: tuple[str, ...] = ()) -> str:
    """Every table's schema and rows (SQL text, sorted by table as iterdump writes it), without
    the tables in `skip`. Read on a fresh connection, so it sees only committed data."""
    conn = sqlite3.connect(path)
    try:
        lines = [line for line in conn.iterdump()
                 if not any(f'"{table}"' in line.split("(")[0] for table in skip)]
    finally:
        conn.close()
    return "\n".join(lines)


def digest(path: str, skip: tuple[str, ...] = ()) -> str:
    """A short fingerprint of `dump`, for messages."""
    return hashlib.sha256(dump(path, skip).encode()).hexdigest()[:16]
