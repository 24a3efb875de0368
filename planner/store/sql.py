"""The one way the store reaches its data, on either engine: open a database, read rows, write
in a transaction.

A database setting (`DATABASE`, `--db`) is an SQLite file's path, the embedded default, or a
`postgresql://` URL (planner/store/postgres.py). The store's SQL is written once, in the
dialect both engines read (see postgres.py); what differs between them is decided here, by
the handle's engine, and nowhere else in the store: how a transaction begins and who waits
for whom, how a new row's id comes back, and how the catalogue of tables is read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeAlias

import sqlite_utils

from planner.store import postgres, sqlite
from planner.store.postgres import PgDatabase, is_url

# A handle on either engine: sqlite-utils' Database, or postgres.PgDatabase, which offers the
# same .conn.execute/.executemany/.in_transaction that the helpers below use.
Database: TypeAlias = sqlite_utils.Database | PgDatabase
Target: TypeAlias = str | Path

__all__ = [
    "Database",
    "connect",
    "engine_of",
    "fetch",
    "fetch_one",
    "fetch_value",
    "insert",
    "is_postgres",
    "run",
    "run_alone",
    "run_many",
    "transaction",
    "upsert",
]


def is_postgres(db_or_target: object) -> bool:
    """Whether a handle, or a database setting, is PostgreSQL."""
    return isinstance(db_or_target, PgDatabase) or is_url(db_or_target)


def engine_of(target: Target) -> str:
    return "postgresql" if is_url(target) else "sqlite"


def connect(target: Target) -> Database:
    """A connection of its own to the database `target` names (a file or a URL)."""
    if is_url(target):
        return postgres.connect(str(target))
    return sqlite.connect(target)


def close(db: Database) -> None:
    db.close()


def fetch(db: Database, sql: str, params: tuple | list = ()) -> list[dict]:
    """The rows of a read, as dicts. sqlite-utils' query() wraps every read in SAVEPOINT and
    RELEASE: three calls into SQLite, each giving up the GIL, where a read needs one. Under load
    that tripled the waits of the hot pages (Today, a tap) for nothing a SELECT needs."""
    cursor = db.conn.execute(sql, params)
    keys = [column[0] for column in cursor.description]
    return [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]


def fetch_one(db: Database, sql: str, params: tuple | list = ()) -> dict | None:
    """The first row of a read as a dict, or None when there is none."""
    cursor = db.conn.execute(sql, params)
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([column[0] for column in cursor.description], row, strict=True))


def fetch_value(db: Database, sql: str, params: tuple | list = (), default: Any = None) -> Any:
    """The first column of the first row of a read (a count, a max, one field); `default` when
    the read finds no row."""
    row = db.conn.execute(sql, params).fetchone()
    return default if row is None else row[0]


def run(db: Database, sql: str, params: tuple | list = ()) -> int:
    """One write statement on the connection itself, returning how many rows it changed.

    Writes belong inside `transaction(db)`. Not sqlite-utils' execute(): that is the same call,
    but this keeps the store to one spelling of it."""
    return db.conn.execute(sql, params).rowcount


def run_alone(db: Database, sql: str, params: tuple | list = ()) -> int:
    """One write statement that is its own transaction (its triggers included: all or nothing);
    return how many rows it changed. Inside an open transaction it joins it. A tap's write: one
    call into the engine instead of BEGIN, a read, the writes and COMMIT, each of which gives up
    the GIL and queues again for it under load.

    On SQLite it waits for the writers' locks; on PostgreSQL it needs none: the statement's row
    locks and ON CONFLICT make it atomic against every other server."""
    if db.conn.in_transaction or isinstance(db, PgDatabase):
        return run(db, sql, params)
    with sqlite.writer(db):
        return db.conn.execute(sql, params).rowcount


def run_many(db: Database, sql: str, rows: Iterable[tuple | list | dict]) -> int:
    """One prepared write statement run for each of `rows` (executemany), inside a transaction."""
    return db.conn.executemany(sql, rows).rowcount


def insert(db: Database, table: str, row: dict) -> int:
    """A plain INSERT of `row` (column -> value) into `table`, returning the new row's id (0 for
    a table without one).

    Table and column names come from code, never from users: they are quoted, not bound.
    sqlite-utils' insert() introspects the table's columns first (a PRAGMA per call) and may
    alter or create tables; the store's tables are made by migrations only."""
    columns = ", ".join(f'"{name}"' for name in row)
    marks = ", ".join("?" for _ in row)
    sql = f'insert into "{table}" ({columns}) values ({marks})'
    if isinstance(db, PgDatabase):
        cursor = db.conn.execute(sql + " returning *", list(row.values()))
        names = [column[0] for column in cursor.description]
        values = cursor.fetchone() or ()
        return int(dict(zip(names, values, strict=True)).get("id") or 0)
    return db.conn.execute(sql, list(row.values())).lastrowid or 0


def upsert(db: Database, table: str, row: dict, pk: tuple[str, ...]) -> None:
    """INSERT `row` into `table`, or when a row with the same `pk` columns exists, update that
    row's other columns to the values in `row` (columns not in `row` keep theirs).

    Table and column names come from code, never from users (see `insert`). `pk` must be the
    table's primary key or a unique index (ON CONFLICT needs one)."""
    db.conn.execute(_upsert_sql(table, tuple(row), pk), list(row.values()))


def upsert_many(db: Database, table: str, rows: Iterable[dict], pk: tuple[str, ...]) -> None:
    """`upsert` of each of `rows` (each with a key of its own: rows are grouped by their set
    of columns, so two rows of different columns are not written in their given order), with
    one prepared statement per set of columns: on PostgreSQL psycopg sends them in one
    pipeline, not one round trip per row (a plan's ~100 tasks took ~25 ms in round trips)."""
    groups: dict[tuple[str, ...], list[list]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(list(row.values()))
    for columns, values in groups.items():
        db.conn.executemany(_upsert_sql(table, columns, pk), values)


def _upsert_sql(table: str, columns: tuple[str, ...], pk: tuple[str, ...]) -> str:
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" for _ in columns)
    others = [name for name in columns if name not in pk]
    conflict = ", ".join(f'"{name}"' for name in pk)
    if others:
        sets = ", ".join(f'"{name}" = excluded."{name}"' for name in others)
        action = f"do update set {sets}"
    else:
        action = "do nothing"
    return f'insert into "{table}" ({names}) values ({marks}) on conflict ({conflict}) {action}'


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One all-or-nothing write, one writer at a time: BEGIN under the writers' locks, COMMIT,
    or ROLLBACK when anything inside raises.

    SQLite: a thread lock, a file lock and BEGIN IMMEDIATE. PostgreSQL: BEGIN and an advisory
    lock held to the end (postgres.begin_writer), so a read-then-write inside sees every write
    before it and none beside it, on every server. sqlite-utils sees the open transaction
    (conn.in_transaction) and does not commit inside it. Nested use joins the outer one.
    """
    if db.conn.in_transaction:
        yield db
        return
    if isinstance(db, PgDatabase):
        postgres.begin_writer(db.conn)
        try:
            yield db
        except BaseException:
            postgres.end(db.conn, commit=False)
            raise
        postgres.end(db.conn, commit=True)
        return
    with sqlite.writer(db):
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")


@contextlib.contextmanager
def atomic(db: Database) -> Iterator[Database]:
    """All or nothing, for a few writes that need no check-then-write against other writers
    (a tap and its key): on SQLite a transaction as above; on PostgreSQL BEGIN and COMMIT
    without the writers' lock, so that taps from many servers do not queue on one lock."""
    if not isinstance(db, PgDatabase) or db.conn.in_transaction:
        with transaction(db):
            yield db
        return
    db.conn.execute("BEGIN")
    try:
        yield db
    except BaseException:
        postgres.end(db.conn, commit=False)
        raise
    postgres.end(db.conn, commit=True)


def table_names(db: Database) -> list[str]:
    """The store's tables (the migrations' own record aside)."""
    if isinstance(db, PgDatabase):
        names = postgres.table_names(db)
    else:
        names = [
            row["name"] for row in fetch(db, "select name from sqlite_master where type = 'table'")
        ]
    return [
        name for name in names if not name.startswith(("_sqlite", "sqlite_", "planner_migrations"))
    ]


def tables_with_column(db: Database, column: str) -> list[str]:
    """The tables that have a column of this name."""
    if isinstance(db, PgDatabase):
        return postgres.tables_with_column(db, column)
    return [
        row["name"]
        for row in fetch(
            db,
            "select m.name from sqlite_master m where m.type = 'table'"
            " and exists (select 1 from pragma_table_info(m.name) p where p.name = ?)"
            " order by m.name",
            [column],
        )
    ]


def defer_foreign_keys(db: Database) -> None:
    """Inside a transaction: check foreign keys at COMMIT, not at each statement (a parent and
    its children deleted in any order)."""
    if isinstance(db, PgDatabase):
        postgres.defer_foreign_keys(db)
    else:
        run(db, "PRAGMA defer_foreign_keys = ON")


def thread_db(target: Target) -> Database:
    """This thread's kept connection to `target`, opened on first use (the CLI and the tests;
    the web app draws PostgreSQL connections from a pool instead, planner/web/db.py)."""
    if not is_url(target):
        return sqlite.thread_db(target)
    cache = postgres.thread_local.__dict__.setdefault("dbs", {})
    if target not in cache:
        cache[target] = postgres.connect(str(target))
    return cache[target]


def close_thread_dbs() -> None:
    """Close this thread's kept connections, on either engine (tests, server shutdown)."""
    sqlite.close_thread_dbs()
    for db in postgres.thread_local.__dict__.pop("dbs", {}).values():
        with contextlib.suppress(Exception):  # a connection the server dropped
            db.close()
