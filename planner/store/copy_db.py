"""Moving a clinic from its SQLite file to PostgreSQL (issue 22): `planner copy-db`.

Every table of the source goes, ids and all, into a PostgreSQL database at the same schema, in
one transaction: the target ends with all of it or, after any failure, with none of it.

- The source is checked as `restore` checks a backup (a planner database, whole, not from a
  newer planner, its schema exactly the planner's), must be at this planner's schema, and is
  read in one read transaction: one moment, even while the app writes to it (WAL lets it).
- The target must hold no rows and no tables but the planner's; it is migrated first, and its
  tables are locked for the copy, so nothing else writes to them meanwhile.
- Rows go in with COPY, a batch at a time. The triggers that write history events and move
  household revisions are switched off for the copy: the events and revisions are rows of the
  source, and would otherwise be written twice. The foreign keys are dropped and added back
  after the rows, which checks each of them with one join instead of a lookup per row (as
  pg_restore does). Both are ALTER TABLEs inside the transaction, so a failure leaves them as
  they were, and they need the tables' owner, not a superuser (session_replication_role would).
- Each identity sequence moves past the highest id copied, so that the next row gets a new id.
- Before COMMIT, each table's row count and a checksum of each household's ticks and their
  history, computed the same way on both engines, are compared with the source's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import sqlite_utils
from psycopg import errors, sql

from planner.store import backup, migrations, postgres, sqlite, ticks
from planner.store.sql import Database, fetch, fetch_value, table_names

BATCH = 5_000  # rows read from the source at a time; COPY streams them on
LOCK_TIMEOUT = "10s"  # a target in use by a server waits this long, then the copy says so


class CopyError(Exception):
    """A copy that cannot be done or did not check out; `str()` says why, for the person at the
    terminal. Nothing was written to the target (beyond its empty schema)."""


@dataclass
class Copied:
    """What a copy wrote: each table's rows, and how many households' ticks were checked."""

    rows: dict[str, int] = field(default_factory=dict)
    households: int = 0


def copy(source: str | Path, target: str, say: Callable[[str], None] = lambda line: None) -> Copied:
    """Copy the SQLite database at `source` into the empty PostgreSQL database at `target`;
    `say` hears of each step. Raises CopyError naming the problem."""
    if postgres.is_url(str(source)):
        raise CopyError(f"{postgres.shown(source)}: copy-db copies from an SQLite file")
    _check_source(source)
    shown = postgres.shown(target)
    try:
        pg = postgres.connect(target)
    except postgres.OperationalErrors as exc:
        raise CopyError(f"{shown}: could not connect ({_words(exc)})") from None
    try:
        src = sqlite.connect(source)
        try:
            _check_target(pg, shown, set(table_names(src)))
            applied = migrations.migrate(target)
            if applied:
                say(f"{shown}: brought to the planner's schema ({len(applied)} migrations)")
            src.conn.execute("BEGIN")  # one snapshot of the source for every read below
            return _copy(src, pg, shown, say)
        finally:
            src.close()  # ends the read transaction
    except psycopg.Error as exc:  # the connection lost, a value PostgreSQL refuses ...
        raise CopyError(f"{shown}: the copy failed, nothing was kept ({_words(exc)})") from None
    finally:
        pg.close()


def household_checksums(db: Database) -> dict[int, str]:
    """Each household's ticks and their history as one checksum, the same on either engine for
    the same rows: the store's own reads of them, each row's sha256 summed, so that the rows'
    order (text sorts differently in PostgreSQL's collations) does not matter; with the count."""
    sums = {}
    for household_id in [row["id"] for row in fetch(db, "select id from households")]:
        rows = ticks.tick_rows(db, household_id) + ticks.event_rows(db, household_id)
        total = sum(_digest(row) for row in rows) % 2**256
        sums[household_id] = f"{len(rows)}:{total:064x}"
    return sums


def _digest(row: dict) -> int:
    text = json.dumps(row, sort_keys=True, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")


def _words(exc: BaseException) -> str:
    return " ".join(str(exc).split())  # psycopg's messages run over several lines


def _check_source(path: str | Path) -> None:
    try:
        names = backup.check_schema(path)
    except backup.BackupError as exc:
        raise CopyError(str(exc)) from None
    behind = [m.name for m in migrations.migrations._migrations if m.name not in names]
    if behind:
        raise CopyError(
            f"{path}: its schema is older than this planner's (it lacks {', '.join(behind)}); "
            f"back it up, bring it up to date with `planner migrate --db {path}`, then copy"
        )


def _check_target(pg: postgres.PgDatabase, shown: str, planner_tables: set[str]) -> None:
    """Refuse a target made by a newer planner, with tables not the planner's, or with rows."""
    known = {m.name for m in migrations.migrations._migrations}
    newer = [name for name in migrations.applied_postgres(pg) if name not in known]
    if newer:
        raise CopyError(
            f"{shown}: made by a newer version of the planner (schema {', '.join(newer)}); "
            "copy with that version"
        )
    tables = set(table_names(pg))
    others = sorted(tables - planner_tables)
    if others:
        raise CopyError(
            f"{shown}: has tables that are not the planner's ({', '.join(others[:5])}); "
            "copy into a new, empty database (createdb)"
        )
    _refuse_rows(pg, shown, sorted(tables))


def _refuse_rows(pg: postgres.PgDatabase, shown: str, tables: list[str]) -> None:
    filled = [
        name
        for name in tables
        if pg.conn.raw.execute(
            sql.SQL("select exists (select 1 from {})").format(sql.Identifier(name))
        ).fetchone()
        != (False,)
    ]
    if filled:
        raise CopyError(
            f"{shown}: already holds data (in {', '.join(filled[:5])}"
            f"{', ...' if len(filled) > 5 else ''}); copy-db copies only into an empty "
            "database, so that nothing there is mixed with the copy or lost"
        )


def _copy(
    src: sqlite_utils.Database, pg: postgres.PgDatabase, shown: str, say: Callable[[str], None]
) -> Copied:
    tables = sorted(table_names(src))
    expected = {name: fetch_value(src, f'select count(*) from "{name}"') for name in tables}
    raw = pg.conn.raw
    copied = Copied()
    try:
        with raw.transaction():
            raw.execute(f"set local lock_timeout = '{LOCK_TIMEOUT}'")
            raw.execute(
                sql.SQL("lock table {} in access exclusive mode").format(
                    sql.SQL(", ").join(map(sql.Identifier, tables))
                )
            )
            _refuse_rows(pg, shown, tables)  # again, now that nobody else can write
            keys = _foreign_keys(raw)
            for table, name, _definition in keys:
                raw.execute(
                    sql.SQL("alter table {} drop constraint {}").format(
                        sql.Identifier(table), sql.Identifier(name)
                    )
                )
            _triggers(raw, tables, "disable")
            for table in tables:
                copied.rows[table] = _copy_table(src, raw, table)
                say(f"{table}: {copied.rows[table]:,} rows")
            for table, name, definition in keys:  # each checked with one join
                raw.execute(
                    sql.SQL("alter table {} add constraint {} " + definition).format(
                        sql.Identifier(table), sql.Identifier(name)
                    )
                )
            _triggers(raw, tables, "enable")
            _move_sequences(raw)
            copied.households = _verify(src, pg, expected, copied)
    except errors.ForeignKeyViolation as exc:
        raise CopyError(
            f"{shown}: nothing was copied: the source has rows that refer to rows it does not "
            f"have ({exc.diag.message_primary}; {exc.diag.message_detail}); sqlite3's "
            "PRAGMA foreign_key_check lists them"
        ) from None
    except errors.LockNotAvailable:
        raise CopyError(
            f"{shown}: is in use (its tables stayed locked for {LOCK_TIMEOUT}); stop what uses "
            "it and copy again"
        ) from None
    say(f"checked: every table's rows, and the ticks of {copied.households} households")
    return copied


def _copy_table(src: sqlite_utils.Database, raw: psycopg.Connection, table: str) -> int:
    """COPY every row of `table`, `BATCH` rows read at a time; how many."""
    columns = [
        row[0]
        for row in raw.execute(
            "select column_name from information_schema.columns"
            " where table_schema = current_schema() and table_name = %s order by ordinal_position",
            [table],
        ).fetchall()
    ]
    theirs = {row["name"] for row in fetch(src, "select name from pragma_table_info(?)", [table])}
    if theirs != set(columns):
        raise CopyError(f"{table}: its columns differ between the source and the target")
    names = ", ".join(f'"{c}"' for c in columns)
    rows = src.conn.execute(f'select {names} from "{table}"')
    statement = sql.SQL("copy {} ({}) from stdin").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    count = 0
    with raw.cursor() as cursor, cursor.copy(statement) as out:
        while batch := rows.fetchmany(BATCH):
            for row in batch:
                out.write_row(row)
            count += len(batch)
    return count


def _foreign_keys(raw: psycopg.Connection) -> list[tuple[str, str, str]]:
    """(table, name, definition) of every foreign key of the schema."""
    return [
        (table, name, definition)
        for table, name, definition in raw.execute(
            "select t.relname, c.conname, pg_get_constraintdef(c.oid) from pg_constraint c"
            " join pg_class t on t.oid = c.conrelid where c.contype = 'f'"
            " and t.relnamespace = current_schema()::regnamespace order by t.relname, c.conname"
        ).fetchall()
    ]


def _triggers(raw: psycopg.Connection, tables: list[str], how: str) -> None:
    """Switch the tables' own triggers (history events, revisions) off or on; USER leaves the
    foreign keys' internal triggers alone."""
    for table in tables:
        raw.execute(
            sql.SQL("alter table {} " + how + " trigger user").format(sql.Identifier(table))
        )


def _move_sequences(raw: psycopg.Connection) -> None:
    """Each identity column's next value past the highest id copied (rows were copied with
    their ids, which leaves the sequences where they started)."""
    identities = raw.execute(
        "select table_name, column_name from information_schema.columns"
        " where table_schema = current_schema() and is_identity = 'YES'"
        " and table_name <> %s",
        [migrations.PG_RECORD],
    ).fetchall()
    for table, column in identities:
        raw.execute(
            sql.SQL("select setval(pg_get_serial_sequence({}, {}), max({})) from {}").format(
                sql.Literal(sql.Identifier(table).as_string(raw)),
                sql.Literal(column),
                sql.Identifier(column),
                sql.Identifier(table),
            )
            + sql.SQL(" having max({}) is not null").format(sql.Identifier(column))
        )


def _verify(
    src: Database, pg: postgres.PgDatabase, expected: dict[str, int], copied: Copied
) -> int:
    """Compare the target, before COMMIT, with the source's snapshot: each table's count, and
    each household's ticks checksum; raise CopyError (and so roll back) at any difference.
    Returns how many households were checked."""
    for table, count in expected.items():
        there = fetch_value(pg, f'select count(*) from "{table}"')
        if not count == copied.rows[table] == there:
            raise CopyError(
                f"{table}: {count} rows in the source, {copied.rows[table]} copied, {there} in "
                "the target; nothing was copied"
            )
    theirs, ours = household_checksums(src), household_checksums(pg)
    differ = sorted(k for k in theirs.keys() | ours.keys() if theirs.get(k) != ours.get(k))
    if differ:
        raise CopyError(
            f"the ticks of households {', '.join(map(str, differ[:10]))} differ between the "
            "source and the copy; nothing was copied"
        )
    return len(theirs)
