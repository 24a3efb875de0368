"""The whole content of a database as one comparable value, to prove a refused write stored
nothing: not a row, not a changed value, in any table. The same on both engines."""

from __future__ import annotations

from planner.store.sql import connect, fetch_value, table_names

# Sign-in bookkeeping, not anyone's data: tests sign a client in (conftest.login writes a
# server-side session) between taking a dump and sending the request they check.
ALWAYS_SKIPPED = ("sessions",)


# One table's name, its columns and its rows (each a tuple of values, in the columns' order).
Table = tuple[str, tuple[str, ...], tuple[tuple, ...]]


def dump(target: str, skip: tuple[str, ...] = (), sessions: bool = False) -> tuple[Table, ...]:
    """Every table's rows, tables by name and rows in a fixed order, without the tables in
    `skip` (and ALWAYS_SKIPPED, unless `sessions`). Read on a fresh connection, so it sees only
    committed data. Sequences are left out: PostgreSQL moves one on a rolled-back insert too,
    and a refused write is judged by the rows it left, not by the ids it used up.

    The engine orders the rows (by every column, in order) and they are compared as values:
    writing every row out as text to compare it took most of the time of the tests that check
    a database before and after each of thousands of requests."""
    skip = (*skip, *(() if sessions else ALWAYS_SKIPPED))
    db = connect(target)
    try:
        return tuple(
            _table(db, str(target), table) for table in sorted(table_names(db)) if table not in skip
        )
    finally:
        db.close()


def _table(db, target: str, table: str) -> Table:
    columns = _COLUMNS.get((target, table))
    if columns is None:
        columns = _columns(db.conn.execute(f'select * from "{table}" limit 0'))
    while True:
        order = ", ".join(str(n) for n in range(1, len(columns) + 1))
        cursor = db.conn.execute(f'select * from "{table}" order by {order}')
        found = _columns(cursor)
        if found == columns:  # else a migration changed the table since: read it again
            _COLUMNS[(target, table)] = columns
            return table, columns, tuple(tuple(row) for row in cursor.fetchall())
        columns = found


def _columns(cursor) -> tuple[str, ...]:
    return tuple(column[0] for column in cursor.description)


_COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {}


def count(db, table: str, where: str = "", params: tuple | list = ()) -> int:
    """How many rows `table` holds (that match `where`), on either engine."""
    sql = f'select count(*) from "{table}"' + (f" where {where}" if where else "")
    return fetch_value(db, sql, params)
