"""Keeping the data safe: a consistent copy of the live database, putting a copy back, and one
household's data as JSON. No Flask here: the `planner` command calls these.

Copies use SQLite's online backup API, which reads one consistent snapshot while the app keeps
writing (WAL lets readers and the writer work at once), and writes the destination in a single
transaction, so a copy or a restore is whole or not there at all.

On PostgreSQL a backup is the operations team's pg_dump or base backup (README, "Keep the data
safe"): `backup` and `restore` say so instead of copying, and `export` reads one household in
one repeatable-read snapshot.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import sqlite_utils

from planner.store import accounts, assignments, contacts, plans, postgres, ticks
from planner.store.migrations import applied_postgres, migrations
from planner.store.sql import fetch, fetch_one, fetch_value, run, transaction
from planner.store.sqlite import connect, copy_database


def refuse_postgres(database: str | Path) -> None:
    """BackupError for a PostgreSQL database: its backups are pg_dump's, not ours."""
    if postgres.is_url(database):
        raise BackupError(
            f"{postgres.shown(database)} is a PostgreSQL database: back it up with pg_dump and "
            "put it back with pg_restore (README, 'Keep the data safe'). planner backup and "
            "restore copy SQLite files only."
        )


class BackupError(Exception):
    """A backup or restore that cannot be done; `str()` says why, for the person at the terminal."""


def _open(path: str | Path) -> sqlite_utils.Database:
    """A connection of its own (store/sqlite.py's connect), not the thread's kept one. Sources
    are only read, but not opened read-only: a read-only connection cannot open a WAL database
    whose -shm file is missing. A copy is written once and must reach the disk, so it is synced
    fully (SQLite's default), not with the app's synchronous=NORMAL."""
    db = connect(path)
    run(db, "PRAGMA synchronous = FULL")
    return db


def schema_of(path: str | Path) -> list[str]:
    """The planner migrations applied to the database at `path`, oldest first.

    Raises BackupError naming the problem if the file is missing, is not an SQLite database,
    is damaged, is not a planner database, or was made by a newer planner than this one (or,
    for a PostgreSQL URL, cannot be reached or has no planner schema).
    """
    if postgres.is_url(path):
        return _schema_of_postgres(str(path))
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        conn = _open(path)
        try:
            check = fetch_value(conn, "PRAGMA quick_check")
            tables = {r["name"] for r in fetch(conn, "select name from sqlite_master")}
            names = (
                [
                    r["name"]
                    for r in fetch(
                        conn,
                        "select name from _sqlite_migrations where migration_set = 'planner'"
                        " order by rowid",
                    )
                ]
                if "_sqlite_migrations" in tables
                else []
            )
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not an SQLite database ({exc})") from None
    if check != "ok":
        raise BackupError(f"{path}: the database is damaged ({check})")
    if not names or "users" not in tables:
        raise BackupError(f"{path}: not a planner database (it has no planner schema)")
    return _known(path, names)


def _schema_of_postgres(url: str) -> list[str]:
    shown = postgres.shown(url)
    try:
        db = postgres.connect(url)
    except postgres.OperationalErrors as exc:
        raise BackupError(f"{shown}: could not connect ({exc})") from None
    try:
        names = applied_postgres(db)
    finally:
        db.close()
    if not names:
        raise BackupError(f"{shown}: not a planner database (it has no planner schema)")
    return _known(shown, names)


def _known(path: object, names: list[str]) -> list[str]:
    """`names`, unless some migration among them is not this planner's."""
    known = [m.name for m in migrations._migrations]
    newer = [name for name in names if name not in known]
    if newer:
        raise BackupError(
            f"{path}: made by a newer version of the planner (schema "
            f"{', '.join(newer)}); install that version to restore it"
        )
    return names


def _shape(db: sqlite_utils.Database) -> dict[str, object]:
    """The structure of a database, not its text: each table's columns (name, type, not null,
    primary key), each index's table, columns and uniqueness, each trigger's table. Compared
    this way, a schema written out by another version of sqlite-utils still matches."""
    shape: dict[str, object] = {}
    for entry in fetch(
        db,
        "select type, name, tbl_name from sqlite_master where name not like 'sqlite_%'"
        " and tbl_name != '_sqlite_migrations'",
    ):
        kind, name, table = entry["type"], entry["name"], entry["tbl_name"]
        if kind == "table":
            shape[f"table {name}"] = sorted(
                (row["name"], row["type"].upper(), row["notnull"], row["pk"])
                for row in fetch(db, f"PRAGMA table_info([{name}])")
            )
        elif kind == "index":
            unique = fetch_one(
                db, "select [unique] from pragma_index_list(?) where name = ?", [table, name]
            )
            shape[f"index {name}"] = (
                table,
                unique["unique"] if unique else None,
                [row["name"] for row in fetch(db, f"PRAGMA index_info([{name}])")],
            )
        else:
            shape[f"{kind} {name}"] = table
    return shape


def check_schema(path: str | Path) -> list[str]:
    """schema_of(path), and then the whole schema compared with what this planner's migrations
    make at that point: a foreign file that merely has a users table and a migrations table, or
    a planner database changed by hand, is refused (BackupError naming the differences)."""
    names = schema_of(path)
    steps = {m.name: m.fn for m in migrations._migrations}
    made = sqlite_utils.Database(memory=True)
    conn = _open(path)
    try:
        # The source's own migrations, in the order it applied them (branches may have added
        # migrations in another order than they are numbered).
        for name in names:
            steps[name](made)
        want, have = _shape(made), _shape(conn)
    finally:
        made.close()
        conn.close()
    differences = sorted(key for key in want.keys() | have.keys() if want.get(key) != have.get(key))
    if differences:
        raise BackupError(
            f"{path}: its schema is not the planner's at {names[-1]} (differs in "
            f"{', '.join(differences[:5])}"
            f"{', ...' if len(differences) > 5 else ''}); not restored"
        )
    return names


def backup(source: str | Path, target: str | Path) -> None:
    """Copy the database at `source` to `target`, consistent even while the app writes.

    The copy is made beside `target` and renamed into place, so `target` is either the old
    file or the whole new copy. Refuses a source that is not a planner database.
    """
    refuse_postgres(source)
    schema_of(source)
    target = Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        src, dst = _open(source), _open(temporary)
        try:
            copy_database(src, dst)  # all pages in one step: one snapshot of the source
            run(dst, "PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal
        finally:
            src.close()
            dst.close()
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def restore(source: str | Path, target: str | Path) -> list[str]:
    """Replace the database at `target` with the backup at `source`, then bring it up to date;
    return the migrations that applied.

    Checked first (check_schema): a file that is not a planner database, is damaged, comes from
    a newer planner, or whose schema differs in any table, index or trigger changes nothing.
    The copy goes through the backup API into `target` in one transaction, so the app's open
    connections see the old data or the new, never a mix, and a crash part-way leaves the old
    database. Every session ends (everyone signs in again), and households' revisions then move
    past any the running app has seen, so that no page it keeps in memory is shown for the
    restored data.
    """
    from planner.store.migrations import migrate

    refuse_postgres(target)
    check_schema(source)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    src, dst = _open(source), _open(target)
    try:
        before = _highest_revision(dst)
        copy_database(src, dst)
    except sqlite3.OperationalError as exc:
        raise BackupError(f"{target}: could not be replaced ({exc})") from None
    finally:
        src.close()
        dst.close()
    applied = migrate(target)
    conn = _open(target)
    try:
        with transaction(conn):
            # Every session and reset link ends: a cookie or a mailed link from before the
            # restore (or kept in the backup) must never open an account, least of all one the
            # restored data gives to someone else under the same id.
            run(conn, "delete from sessions")
            run(conn, "delete from password_resets")
            if before:
                # A running server keeps pages keyed by each household's revision. The
                # backup's revisions are older numbers that the server may have seen with
                # other data, so move every household past all of them.
                run(conn, "update households set revision = revision + ?", [before + 1])
    finally:
        conn.close()
    return applied


def _highest_revision(db: sqlite_utils.Database) -> int:
    """The highest household revision in a database (0 if none, or before m005)."""
    try:
        return fetch_value(db, "select coalesce(max(revision), 0) from households")
    except sqlite3.OperationalError:  # no households table or no revision column yet
        return 0


def export(path: str | Path, household_id: int) -> dict:
    """One household's data: the household, its members (never a password hash), the profile,
    every plan version, the tasks, the ticks, the full history of changes and who is to do
    which home task. Read with the store's own reads, all in one read transaction: one
    consistent moment even while the app writes.

    Raises BackupError if there is no such household.
    """
    schema = schema_of(path)[-1]
    if postgres.is_url(path):
        db = postgres.connect(str(path))
        # One snapshot for every table; read only, so it waits for no writer.
        run(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    else:
        db = _open(path)
        run(db, "BEGIN")  # one snapshot for every table
    try:
        household = accounts.get_household(db, household_id)
        if household is None:
            raise BackupError(f"There is no household with id {household_id}.")
        data: dict[str, Any] = {
            "format": "planner-household-export",
            "schema": schema,
            "household": household,
            "members": accounts.members(db, household_id),
            "profile": plans.get_profile(db, household_id),
            "plans": plans.plan_rows(db, household_id),
            "tasks": plans.task_rows(db, household_id),
            "ticks": ticks.tick_rows(db, household_id),
            "events": ticks.event_rows(db, household_id),
            "assignments": assignments.assignment_rows(db, household_id),
            "contacts": contacts.contact_rows(db, household_id),
        }
    finally:
        db.close()  # ends the read transaction
    # Stored JSON text back into objects, so that the export is JSON all the way down.
    for plan in data["plans"]:
        plan["plan"] = json.loads(plan.pop("plan_json"))
        plan["profile"] = json.loads(plan.pop("profile_json"))
    for task in data["tasks"]:
        task["item"] = json.loads(task.pop("item_json"))
    return data
