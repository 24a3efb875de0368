"""The whole content of a database as one comparable value, to prove a refused write stored
nothing: not a row, not a changed value, in any table. The same on both engines."""

from __future__ import annotations

from collections.abc import Iterable

import psycopg

from planner.store.sql import Database, connect, fetch_value, is_postgres, table_names

# Sign-in bookkeeping, not anyone's data: tests sign a client in (conftest.login writes a
# server-side session) between taking a dump and sending the request they check.
ALWAYS_SKIPPED = ("sessions",)


# One table's name, its columns and its rows (each a tuple of values, in the columns' order).
Table = tuple[str, tuple[str, ...], tuple[tuple, ...]]


def dump(target: str, skip: tuple[str, ...] = (), sessions: bool = False) -> tuple[Table, ...]:
    """Every table's rows, tables by name and rows in a fixed order, without the tables in
    `skip` (and ALWAYS_SKIPPED, unless `sessions`). Read on a connection of its own, outside
    any transaction, so it sees only committed data. Sequences are left out: PostgreSQL moves
    one on a rolled-back insert too, and a refused write is judged by the rows it left, not by
    the ids it used up.

    The engine orders the rows (by every column, in order), and they are compared as values:
    writing every row out as text to compare it took most of the time of the tests that check
    a database before and after each of thousands of requests."""
    skip = (*skip, *(() if sessions else ALWAYS_SKIPPED))
    if is_postgres(target):
        try:
            return _postgres_tables(_connection(str(target)), skip)
        except psycopg.OperationalError:  # the server restarted, or the database was replaced
            close_connections()
            return _postgres_tables(_connection(str(target)), skip)
    db = connect(target)
    try:
        return tuple(
            _sqlite_table(db, table) for table in sorted(table_names(db)) if table not in skip
        )
    finally:
        db.close()


# A PostgreSQL connection for dumps, kept for the test (close_connections) or, for the test
# worker's own database, for all its tests: a new connection each time took a third of a dump.
# In autocommit, each dump sees what is committed at that moment, as a new connection would.
_OPEN: dict[str, Database] = {}


def _connection(target: str) -> Database:
    if target not in _OPEN:
        _OPEN[target] = connect(target)
    return _OPEN[target]


def close_connections(keep: Iterable[str] = ()) -> None:
    """Close the kept connections, but those to the databases in `keep`."""
    for target in [t for t in _OPEN if t not in set(keep)]:
        _OPEN.pop(target).close()


def _sqlite_table(db, table: str) -> Table:
    width = len(db.conn.execute(f'pragma table_info("{table}")').fetchall())
    order = ", ".join(str(n) for n in range(1, width + 1))
    cursor = db.conn.execute(f'select * from "{table}" order by {order}')
    return table, _columns(cursor), tuple(cursor.fetchall())


def _postgres_tables(db, skip: tuple[str, ...]) -> tuple[Table, ...]:
    """Ordered by the whole row (every column, in order), all tables in one pipeline: one
    round trip to the server instead of one per table."""
    tables = [table for table in sorted(table_names(db)) if table not in skip]
    raw = db.conn.raw
    with raw.pipeline():
        cursors = [raw.execute(f'select * from "{table}" as r order by r') for table in tables]
    return tuple(
        (table, _columns(cursor), tuple(cursor.fetchall()))
        for table, cursor in zip(tables, cursors, strict=True)
    )


def _columns(cursor) -> tuple[str, ...]:
    return tuple(column[0] for column in cursor.description)


def count(db, table: str, where: str = "", params: tuple | list = ()) -> int:
    """How many rows `table` holds (that match `where`), on either engine."""
    sql = f'select count(*) from "{table}"' + (f" where {where}" if where else "")
    return fetch_value(db, sql, params)
