"""The migrations make the same store on both engines, and run in their numbered order.

A fresh SQLite file and a fresh PostgreSQL database, each brought up to date by
planner.store.migrations.migrate, must end with the same tables, columns (type, NOT NULL,
default), primary keys, foreign keys and indexes: a difference would be a query that works on
one engine and fails, or is slow, on the other.
"""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
import sqlite_utils

from planner.store import migrations
from planner.store.migrations import migrate, number

TYPES = {"integer": "integer", "bigint": "integer", "text": "text", "double precision": "real"}


def _default(value: str | None) -> str | None:
    if value is None:
        return None
    return value.split("::")[0].strip("()")  # PostgreSQL writes '08:00'::text


def sqlite_shape(path) -> dict:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "select name from sqlite_master where type = 'table'"
                " and name not like 'sqlite_%' and name != '_sqlite_migrations'"
            )
        ]
        shape = {}
        for table in tables:
            info = conn.execute(f"pragma table_info([{table}])").fetchall()
            columns = {
                name: (TYPES[kind.lower()], bool(notnull), _default(d))
                for _, name, kind, notnull, d, _ in info
            }
            # A primary key's columns are NOT NULL in PostgreSQL; SQLite's STRICT tables hold
            # the same for an INTEGER PRIMARY KEY and reject NULL in the others through the key.
            keys = tuple(row[1] for row in sorted(info, key=lambda r: r[5]) if row[5])
            columns = {
                name: (kind, notnull or name in keys, default)
                for name, (kind, notnull, default) in columns.items()
            }
            foreign = sorted(
                (row[3], row[2], row[4])
                for row in conn.execute(f"pragma foreign_key_list([{table}])").fetchall()
            )
            indexes = set()
            for _, name, unique, origin, _ in conn.execute(f"pragma index_list([{table}])"):
                if origin == "pk":
                    continue
                cols = tuple(r[2] for r in conn.execute(f"pragma index_info([{name}])"))
                indexes.add((cols, bool(unique)))
            shape[table] = {
                "columns": columns,
                "primary key": keys,
                "foreign keys": foreign,
                "indexes": sorted(indexes),
            }
        return shape
    finally:
        conn.close()


def postgres_shape(url: str) -> dict:
    with psycopg.connect(url) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "select table_name from information_schema.tables where table_schema ="
                " current_schema() and table_type = 'BASE TABLE'"
                " and table_name != 'planner_migrations'"
            )
        ]
        shape = {}
        for table in tables:
            columns = {
                name: (TYPES[kind], nullable == "NO", _default(default))
                for name, kind, nullable, default in conn.execute(
                    "select column_name, data_type, is_nullable, column_default"
                    " from information_schema.columns where table_schema = current_schema()"
                    " and table_name = %s",
                    [table],
                )
            }
            constraints = conn.execute(
                "select c.contype, array(select a.attname from unnest(c.conkey) with ordinality"
                " k(n, o) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n"
                " order by k.o), f.relname, array(select a.attname from unnest(c.confkey)"
                " with ordinality k(n, o) join pg_attribute a on a.attrelid = c.confrelid"
                " and a.attnum = k.n order by k.o) from pg_constraint c"
                " join pg_class t on t.oid = c.conrelid left join pg_class f on f.oid ="
                " c.confrelid where t.relname = %s and t.relnamespace ="
                " current_schema()::regnamespace",
                [table],
            ).fetchall()
            keys = next((tuple(cols) for kind, cols, _, _ in constraints if kind == "p"), ())
            foreign = sorted(
                (cols[0], other, other_cols[0])
                for kind, cols, other, other_cols in constraints
                if kind == "f"
            )
            indexes = {
                (tuple(cols), unique)
                for cols, unique in conn.execute(
                    "select array(select a.attname from unnest(i.indkey) with ordinality k(n, o)"
                    " join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.n"
                    " order by k.o), i.indisunique from pg_index i join pg_class t"
                    " on t.oid = i.indrelid where t.relname = %s and not i.indisprimary"
                    " and t.relnamespace = current_schema()::regnamespace",
                    [table],
                )
            }
            shape[table] = {
                "columns": columns,
                "primary key": keys,
                "foreign keys": foreign,
                "indexes": sorted(indexes),
            }
        return shape


def test_a_fresh_sqlite_and_a_fresh_postgresql_database_have_the_same_schema(
    tmp_path, postgres_url
):
    migrate(tmp_path / "fresh.db")
    migrate(postgres_url)
    on_sqlite, on_postgres = sqlite_shape(tmp_path / "fresh.db"), postgres_shape(postgres_url)
    assert len(on_sqlite) > 20  # the whole store, not an empty comparison
    assert sorted(on_sqlite) == sorted(on_postgres)
    for table in on_sqlite:
        assert on_sqlite[table] == on_postgres[table], table


def test_the_comparison_sees_a_missing_index(tmp_path, postgres_url):
    migrate(tmp_path / "fresh.db")
    migrate(postgres_url)
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("drop index idx_outbox_state_next_try_at")
    assert sqlite_shape(tmp_path / "fresh.db")["outbox"] != postgres_shape(postgres_url)["outbox"]


def test_migrations_are_listed_in_their_numbered_order():
    # Work done side by side takes numbers from ranges handed out beforehand (issue 25 had
    # m016-m019 and used two), so a number may be skipped; none may repeat or come out of order.
    names = [m.name for m in migrations.migrations._migrations]
    numbers = [number(n) for n in names]
    assert numbers == sorted(set(numbers)) and numbers[:15] == list(range(1, 16))


OLD_ORDER = [
    "m001_initial",
    "m002_login_failures",
    "m003_login_failure_address",
    "m004_tailoring",
    "m005_household_revision",
    "m006_household_timezone",
    "m011_reminders",
    "m012_calendar_feeds_and_visits",
    "m007_trust",
    "m008_sessions_and_accounts",
    "m009_assignments",
    "m010_care_contacts",
    "m013_tick_events_by_trigger",
    "m014_drop_repeated_household_indexes",
]


def _apply_in(order: list[str], path) -> None:
    """A database made as the planner made it before issue 22 (written order: m011 and m012
    before m007), recorded in sqlite-utils' table as migrate() records it."""
    steps = {m.name: m.fn for m in migrations.migrations._migrations}
    db = sqlite_utils.Database(path)
    migrations.migrations.ensure_migrations_table(db)
    for name in order:
        with db.atomic():
            steps[name](db)
            migrations.migrations._record_applied(db, name)
    db.close()


def test_an_existing_database_made_in_the_old_order_runs_nothing_again(tmp_path):
    _apply_in(OLD_ORDER, tmp_path / "old.db")
    later = [m.name for m in migrations.migrations._migrations if m.name not in OLD_ORDER]
    assert migrate(tmp_path / "old.db") == later  # only what came after, none again
    migrate(tmp_path / "new.db")
    assert sqlite_shape(tmp_path / "old.db") == sqlite_shape(tmp_path / "new.db")


@pytest.mark.parametrize("stop", [6, 8])
def test_a_database_part_way_through_the_old_order_ends_as_a_new_one(tmp_path, stop):
    _apply_in(OLD_ORDER[:stop], tmp_path / "part.db")
    applied = migrate(tmp_path / "part.db")
    later = [m.name for m in migrations.migrations._migrations if m.name not in OLD_ORDER]
    assert sorted(applied) == sorted(OLD_ORDER[stop:] + later)
    assert [number(n) for n in applied] == sorted(number(n) for n in applied)
    migrate(tmp_path / "new.db")
    assert sqlite_shape(tmp_path / "part.db") == sqlite_shape(tmp_path / "new.db")
