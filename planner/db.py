"""The web app's access to the database: one kept connection per server thread, and migrations."""

from __future__ import annotations

import os
from pathlib import Path

import sqlite_utils
from flask import current_app

from planner.migrations import migrations
from planner.sqlite import WRITE_LOCK, thread_db


def get_db() -> sqlite_utils.Database:
    """This thread's connection to the app's database (foreign keys on, busy timeout set)."""
    return thread_db(current_app.config["DATABASE"])


def private(path: str | Path) -> None:
    """Make the database file readable by its owner only (0600), creating it so if it is new,
    before SQLite opens it: SQLite gives the -wal and -shm files the database file's mode. Health
    data must not be readable by every account on the machine."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for each in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if each.exists() and each.stat().st_mode & 0o077:
            each.chmod(0o600)


def migrate(path: str | Path) -> list[str]:
    """Bring the database at `path` up to date; return the names of migrations applied.

    Runs on its own connection without the foreign-key pragma, because sqlite-utils' transform()
    inside a migration fails with foreign keys on (STYLE.md section 6).
    """
    private(path)
    with WRITE_LOCK, sqlite_utils.Database(path) as db:
        db.execute("PRAGMA busy_timeout = 10000")
        if db.journal_mode != "wal":
            db.enable_wal()
        pending = [m.name for m in migrations.pending(db)]
        migrations.apply(db)
    return pending
