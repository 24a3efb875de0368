"""The web app's access to the database: one kept connection per server thread, and migrations."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from flask import current_app

from planner.migrations import migrations
from planner.sqlite import WRITE_LOCK, thread_db


def get_db() -> sqlite_utils.Database:
    """This thread's connection to the app's database (foreign keys on, busy timeout set)."""
    return thread_db(current_app.config["DATABASE"])


def migrate(path: str | Path) -> list[str]:
    """Bring the database at `path` up to date; return the names of migrations applied.

    Runs on its own connection without the foreign-key pragma, because sqlite-utils' transform()
    inside a migration fails with foreign keys on (STYLE.md section 6).
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with WRITE_LOCK, sqlite_utils.Database(path) as db:
        db.execute("PRAGMA busy_timeout = 10000")
        if db.journal_mode != "wal":
            db.enable_wal()
        pending = [m.name for m in migrations.pending(db)]
        migrations.apply(db)
    return pending
