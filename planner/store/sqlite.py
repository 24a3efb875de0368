"""Opening the SQLite file and writing to it safely; no Flask here, so the CLI and bench use it too.

Per PERFORMANCE-NOTES: a connection is costly to open, so each thread keeps one per file; writers
queue on a lock instead of SQLite's sleeping busy handler; WAL with synchronous=NORMAL survives a
killed process without an fsync per commit.

The lock is two: a thread lock for the writers of one process, and an flock() on a file beside
the database (`planner.db.lock`) for the processes of one server (`planner serve --workers`)
and the CLI. Without the second, a writer of one process that finds another process's
transaction open sleeps in SQLite's busy handler (1, 2, 5, 10 ms ... and again): two workers
ticking at once spent more time asleep than writing. flock() wakes the next writer as soon as
the lock is free, and is let go by the kernel if a process dies holding it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

try:
    import fcntl
except ImportError:  # Windows: one process; SQLite's busy handler orders any others
    fcntl = None

WRITE_LOCK = threading.RLock()
BUSY_TIMEOUT_MS = 10_000
_local = threading.local()


def connect(path: str | Path) -> sqlite_utils.Database:
    """A new connection with foreign keys enforced and a busy timeout."""
    # isolation_level=None: SQLite's own autocommit. Every multi-statement write says where it
    # begins and ends (transaction()); the sqlite3 module's implicit BEGIN before a lone write
    # would leave it open after it.
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=True, isolation_level=None
    )
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA synchronous = NORMAL")
    db.lock_path = None if str(path) in ("", ":memory:") else f"{path}.lock"
    return db


@contextlib.contextmanager
def _processes_lock(db: sqlite_utils.Database) -> Iterator[None]:
    path = getattr(db, "lock_path", None)
    if fcntl is None or path is None:
        yield
        return
    # Opened for each write (a few microseconds), never kept: a kept descriptor would be
    # shared by processes forked after it was opened, and flock() would then exclude nothing.
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits without holding the GIL
        yield
    finally:
        os.close(fd)  # lets go of the lock


def thread_db(path: str | Path) -> sqlite_utils.Database:
    """This thread's kept connection to `path`, opened on first use."""
    cache = _local.__dict__.setdefault("dbs", {})
    key = str(path)
    if key not in cache:
        cache[key] = connect(path)
    return cache[key]


def close_thread_dbs() -> None:
    """Close this thread's kept connections (tests, and server shutdown)."""
    for db in _local.__dict__.pop("dbs", {}).values():
        db.close()


def fetch(db: sqlite_utils.Database, sql: str, params: tuple | list = ()) -> list[dict]:
    """The rows of a read, as dicts. sqlite-utils' query() wraps every read in SAVEPOINT and
    RELEASE: three calls into SQLite, each giving up the GIL, where a read needs one. Under load
    that tripled the waits of the hot pages (Today, a tap) for nothing a SELECT needs."""
    cursor = db.conn.execute(sql, params)
    keys = [column[0] for column in cursor.description]
    return [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]


def fetch_one(db: sqlite_utils.Database, sql: str, params: tuple | list = ()) -> dict | None:
    """The first row of a read as a dict, or None when there is none."""
    cursor = db.conn.execute(sql, params)
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([column[0] for column in cursor.description], row, strict=True))


def fetch_value(
    db: sqlite_utils.Database, sql: str, params: tuple | list = (), default: Any = None
) -> Any:
    """The first column of the first row of a read (a count, a max, one field); `default` when
    the read finds no row."""
    row = db.conn.execute(sql, params).fetchone()
    return default if row is None else row[0]


def run(db: sqlite_utils.Database, sql: str, params: tuple | list = ()) -> int:
    """One write statement on the connection itself, returning how many rows it changed.

    Writes belong inside `transaction(db)`. Not sqlite-utils' execute(): that is the same call,
    but this keeps the store to one spelling of it."""
    return db.conn.execute(sql, params).rowcount


def run_alone(db: sqlite_utils.Database, sql: str, params: tuple | list = ()) -> int:
    """One write statement that is its own transaction (its triggers included: all or nothing),
    under the writers' locks; return how many rows it changed. Inside an open transaction it
    joins it. A tap's write: one call into SQLite instead of BEGIN, a read, the writes and
    COMMIT, each of which gives up the GIL and queues again for it under load."""
    if db.conn.in_transaction:
        return run(db, sql, params)
    with WRITE_LOCK, _processes_lock(db):
        return db.conn.execute(sql, params).rowcount


def run_many(db: sqlite_utils.Database, sql: str, rows: Iterable[tuple | list | dict]) -> int:
    """One prepared write statement run for each of `rows` (executemany), inside a transaction."""
    return db.conn.executemany(sql, rows).rowcount


def insert(db: sqlite_utils.Database, table: str, row: dict) -> int:
    """A plain INSERT of `row` (column -> value) into `table`, returning the new rowid.

    Table and column names come from code, never from users: they are quoted, not bound.
    sqlite-utils' insert() introspects the table's columns first (a PRAGMA per call) and may
    alter or create tables; the store's tables are made by migrations only."""
    columns = ", ".join(f"[{name}]" for name in row)
    marks = ", ".join("?" for _ in row)
    cursor = db.conn.execute(
        f"insert into [{table}] ({columns}) values ({marks})", list(row.values())
    )
    return cursor.lastrowid or 0


def upsert(db: sqlite_utils.Database, table: str, row: dict, pk: tuple[str, ...]) -> None:
    """INSERT `row` into `table`, or when a row with the same `pk` columns exists, update that
    row's other columns to the values in `row` (columns not in `row` keep theirs).

    Table and column names come from code, never from users (see `insert`). `pk` must be the
    table's primary key or a unique index (ON CONFLICT needs one)."""
    columns = ", ".join(f"[{name}]" for name in row)
    marks = ", ".join("?" for _ in row)
    others = [name for name in row if name not in pk]
    conflict = ", ".join(f"[{name}]" for name in pk)
    if others:
        sets = ", ".join(f"[{name}] = excluded.[{name}]" for name in others)
        action = f"do update set {sets}"
    else:
        action = "do nothing"
    db.conn.execute(
        f"insert into [{table}] ({columns}) values ({marks}) on conflict ({conflict}) {action}",
        list(row.values()),
    )


def copy_database(source: sqlite_utils.Database, target: sqlite_utils.Database) -> None:
    """Every page of `source` into `target` in one step (SQLite's online backup API): one
    consistent snapshot of the source, written to the target in one transaction."""
    source.conn.backup(target.conn)


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One all-or-nothing write: the locks, BEGIN IMMEDIATE, COMMIT or ROLLBACK.

    sqlite-utils sees the open transaction (conn.in_transaction) and does not commit inside it.
    Nested use joins the outer transaction.
    """
    if db.conn.in_transaction:
        yield db
        return
    with WRITE_LOCK, _processes_lock(db):
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")
