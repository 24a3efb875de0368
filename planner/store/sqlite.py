"""SQLite, the embedded default: opening the file and the writers' locks (the store reaches it
through planner/store/sql.py). No Flask here, so the CLI and bench use it too.

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
from collections.abc import Iterator
from pathlib import Path

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
def writer(db: sqlite_utils.Database) -> Iterator[None]:
    """The writers' locks: this process's threads, then the processes of the file."""
    with WRITE_LOCK, _processes_lock(db):
        yield


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


def copy_database(source: sqlite_utils.Database, target: sqlite_utils.Database) -> None:
    """Every page of `source` into `target` in one step (SQLite's online backup API): one
    consistent snapshot of the source, written to the target in one transaction."""
    source.conn.backup(target.conn)
