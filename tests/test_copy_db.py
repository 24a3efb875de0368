"""`planner copy-db`: a clinic's SQLite file moved to PostgreSQL (issue 22), as an operator runs
it. The clinic is the demo household and a household with a year of history (made as
bench/seed.py makes one); the target is a fresh empty PostgreSQL database (tests/pg.py)."""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import sqlite3
import sys
import threading
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from planner import clock, create_app, demo
from planner.cli import cli
from planner.store import accounts, copy_db, links, plans, sessions, ticks
from planner.store.copy_db import household_checksums
from planner.store.migrations import migrate
from planner.store.sql import connect, fetch, fetch_value, table_names
from planner.web.db import get_db
from tests import factories as f
from tests.conftest import login
from tests.pg import free_port
from tests.test_schema_engines import postgres_shape, sqlite_shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import seed as bench_seed  # noqa: E402 - bench/ is a folder of scripts: its year of history

DAY = f.DAY


def run_copy(source, target):
    return CliRunner().invoke(cli, ["copy-db", "--from", str(source), "--to", str(target)])


def rows(target, table: str) -> list[tuple]:
    """Every row of a table, in one order on both engines, as comparable tuples."""
    db = connect(target)
    try:
        got = fetch(db, f'select * from "{table}"')
    finally:
        db.close()
    return sorted((tuple(sorted(row.items())) for row in got), key=repr)


def count(target, table: str) -> int:
    db = connect(target)
    try:
        return fetch_value(db, f'select count(*) from "{table}"')
    finally:
        db.close()


def demo_household(target) -> int:
    db = connect(target)
    try:
        return fetch_value(db, "select id from households where name = ?", [demo.HOUSEHOLD])
    finally:
        db.close()


def tables(target) -> list[str]:
    db = connect(target)
    try:
        return sorted(table_names(db))
    finally:
        db.close()


@pytest.fixture(scope="module")
def clinic_file(tmp_path_factory, catalog) -> Path:
    """An SQLite clinic: the demo household, and Anna's household with a year of daily history
    (bench/seed.py's), a view link and a session: every kind of row a clinic has."""
    path = tmp_path_factory.mktemp("clinic") / "planner.db"
    migrate(path)
    db = connect(path)
    try:
        assert demo.seed(db, catalog, clock.pinned(DAY)) == "created"
        household, anna = f.household(db, "patient", "Anna")
        ben = f.member(db, household["id"], "caregiver", "Ben")
        f.with_plan(db, catalog, household["id"], anna["id"])
        people = {"patient": anna["id"], "caregiver": ben["id"]}
        marks = bench_seed.history(
            plans.tasks(db, household["id"]), people, DAY, 365, random.Random(22)
        )
        ticks.import_history(db, household["id"], marks)
        week = f.NOW + dt.timedelta(days=7)
        links.create_link(db, household["id"], "view", anna["id"], week, at=f.NOW)
        sessions.start(db, anna["id"], at=f.NOW)
    finally:
        db.close()
    return path


@pytest.fixture
def clinic(clinic_file, tmp_path) -> Path:
    """The test's own copy of the clinic file, to change as it likes."""
    path = tmp_path / "planner.db"
    shutil.copy(clinic_file, path)
    return path


def test_a_clinic_is_copied_whole_ids_and_all_and_checked(clinic, postgres_url):
    result = run_copy(clinic, postgres_url)
    assert result.exit_code == 0, result.output
    assert "Copied" in result.output and "PLANNER_DATABASE_URL" in result.output
    assert "the ticks of 2 households" in result.output  # the demo's and Anna's
    assert "tick_events: " in result.output
    # Every row of every table, ids included; no history event or revision written twice by
    # the triggers while the ticks went in.
    assert tables(postgres_url) == tables(clinic)
    for table in tables(clinic):
        assert rows(postgres_url, table) == rows(clinic, table), table
    assert count(postgres_url, "tick_events") > 4_000  # a year of it
    # The schema is the planner's, foreign keys and all, as a fresh database's.
    assert postgres_shape(postgres_url) == sqlite_shape(clinic)
    with psycopg.connect(postgres_url) as conn:
        switched_off = conn.execute(
            "select tgname from pg_trigger where not tgisinternal and tgenabled <> 'O'"
        ).fetchall()
    assert switched_off == []


def test_the_copy_works_as_the_clinic_did(clinic, postgres_url):
    """New rows get new ids; a tap writes one history event and moves the household's
    revision, as it does on the file."""
    assert run_copy(clinic, postgres_url).exit_code == 0
    for target in (clinic, postgres_url):
        db = connect(target)
        try:
            household = fetch(db, "select * from households order by id")[0]
            hid = household["id"]
            highest = fetch_value(db, "select max(id) from tick_events")
            newcomer = accounts.create_user(db, "new@example.org", "New", f.PASSWORD, at=f.NOW)
            assert (
                newcomer["id"]
                == fetch_value(db, "select max(id) from users where id < ?", [newcomer["id"]]) + 1
            )
            item = fetch(
                db,
                "select item_id from tasks where household_id = ? and active = 1"
                " order by position limit 1",
                [hid],
            )[0]["item_id"]
            ticks.set_state(
                db,
                hid,
                item,
                "2027-01-01",
                0,
                "done",
                by_user=household["created_by"],
                done_for=None,
                at=f.NOW,
            )
            events = fetch(db, "select id from tick_events where id > ?", [highest])
            assert len(events) == 1 and events[0]["id"] == highest + 1
            assert fetch_value(db, "select revision from households where id = ?", [hid]) == (
                household["revision"] + 1
            )
        finally:
            db.close()


def _page(target: str | Path, path: str, catalog) -> str:
    """A page as the demo patient sees it on this database, the cache-busting parts aside."""
    app = create_app(
        {"TESTING": True, "DATABASE": str(target), "SECRET_KEY": "s", "TODAY": DAY.isoformat()},
        catalog,
    )
    with app.app_context():
        maria = accounts.user_by_email(get_db(), demo.ACCOUNTS[0][0])
    client = app.test_client()
    login(client, maria["id"])
    response = client.get(path)
    assert response.status_code == 200
    return re.sub(r'(nonce|csrf_token" value)="[^"]*"', "", response.get_data(as_text=True))


def test_people_see_the_same_pages_on_the_copy(clinic, postgres_url, catalog):
    assert run_copy(clinic, postgres_url).exit_code == 0
    hid = demo_household(clinic)
    for path in (f"/h/{hid}/today", f"/h/{hid}/history"):
        on_file, on_postgres = _page(clinic, path, catalog), _page(postgres_url, path, catalog)
        assert "Maria" in on_postgres
        assert on_postgres == on_file, path


def test_checksums_are_the_same_on_both_engines_and_see_one_changed_tick(clinic, postgres_url):
    assert run_copy(clinic, postgres_url).exit_code == 0
    on_file, on_postgres = connect(clinic), connect(postgres_url)
    try:
        before = household_checksums(on_file)
        assert household_checksums(on_postgres) == before
        hid = max(before)
        on_postgres.conn.execute(
            "update tick_events set at = at || ' ' where id ="
            " (select max(id) from tick_events where household_id = ?)",
            [hid],
        )
        after = household_checksums(on_postgres)
    finally:
        on_file.close()
        on_postgres.close()
    assert [k for k in before if before[k] != after[k]] == [hid]


def test_a_target_with_data_is_refused_and_left_as_it_was(clinic, postgres_url):
    assert run_copy(clinic, postgres_url).exit_code == 0
    kept = {table: rows(postgres_url, table) for table in ("users", "ticks", "tick_events")}
    again = run_copy(clinic, postgres_url)
    assert again.exit_code == 1
    assert "already holds data (in activity, assignments" in again.output
    assert "copies only into an empty database" in again.output
    assert {table: rows(postgres_url, table) for table in kept} == kept


def test_a_failure_part_way_leaves_the_target_empty(clinic, postgres_url):
    """A source whose history names a person it does not have (written with the foreign keys
    off): every table is copied, the last check fails, and nothing is kept; once the source is
    mended, the same target takes the copy."""
    raw = sqlite3.connect(clinic)
    raw.execute(
        "insert into tick_events (household_id, item_id, occurrence, slot, state,"
        " by_user, at) select household_id, item_id, occurrence, slot, state, 9999, at"
        " from tick_events limit 1"
    )
    raw.commit()
    refused = run_copy(clinic, postgres_url)
    assert refused.exit_code == 1
    assert "nothing was copied: the source has rows that refer to rows it does not have" in (
        refused.output
    )
    assert "(by_user)=(9999)" in refused.output
    assert tables(postgres_url) == tables(clinic)  # the schema is there, and nothing in it
    assert {t: count(postgres_url, t) for t in tables(clinic)} == dict.fromkeys(tables(clinic), 0)
    raw.execute("delete from tick_events where by_user = 9999")
    raw.commit()
    raw.close()
    assert run_copy(clinic, postgres_url).exit_code == 0
    assert rows(postgres_url, "tick_events") == rows(clinic, "tick_events")


def _newer(path: Path) -> str:
    raw = sqlite3.connect(path)
    raw.execute(
        "insert into _sqlite_migrations (migration_set, name, applied_at)"
        " values ('planner', 'm999_from_the_future', '2030-01-01')"
    )
    raw.commit()
    raw.close()
    return "newer version of the planner (schema m999_from_the_future)"


def _older(path: Path) -> str:
    raw = sqlite3.connect(path)
    raw.execute("drop table tap_keys")
    raw.execute("delete from _sqlite_migrations where name = 'm015_tap_keys'")
    raw.commit()
    raw.close()
    return "its schema is older than this planner's (it lacks m015_tap_keys); back it up"


def _missing(path: Path) -> str:
    path.unlink()
    return "planner.db: no such file"


def _not_planner(path: Path) -> str:
    path.unlink()
    sqlite3.connect(path).execute("create table notes (text)").connection.close()
    return "not a planner database"


@pytest.mark.parametrize("spoil", [_newer, _older, _missing, _not_planner])
def test_a_source_it_cannot_copy_is_named_and_the_target_untouched(clinic, postgres_url, spoil):
    said = spoil(clinic)
    result = run_copy(clinic, postgres_url)
    assert result.exit_code == 1 and said in result.output, result.output
    assert tables(postgres_url) == []  # not even the schema made


def test_an_unreachable_target_is_named(clinic):
    url = f"postgresql://planner@127.0.0.1:{free_port()}/planner"
    result = run_copy(clinic, url)
    assert result.exit_code == 1
    assert f"Error: {url}: could not connect (" in result.output
    assert "Connection refused" in result.output


def test_a_target_that_is_not_a_url_is_a_usage_error(clinic, tmp_path):
    result = run_copy(clinic, tmp_path / "other.db")
    assert result.exit_code == 2 and "--to" in result.output and "postgresql://" in result.output


def test_a_target_in_use_is_named_and_nothing_is_written(clinic, postgres_url, monkeypatch):
    """Someone reads the target (a server started on it too soon, say) and does not finish:
    the copy waits for its tables a while, then says so, and leaves the target empty."""
    migrate(postgres_url)
    monkeypatch.setattr(copy_db, "LOCK_TIMEOUT", "200ms")  # not the operator's ten seconds
    with psycopg.connect(postgres_url) as reader:  # a transaction left open on users
        reader.execute("select count(*) from users")
        result = run_copy(clinic, postgres_url)
    assert result.exit_code == 1
    assert "is in use (its tables stayed locked for 200ms); stop what uses it" in result.output
    assert {t: count(postgres_url, t) for t in tables(clinic)} == dict.fromkeys(tables(clinic), 0)


def test_a_target_with_other_tables_or_from_a_newer_planner_is_refused(clinic, postgres_url):
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("create table invoices (id bigint)")
        result = run_copy(clinic, postgres_url)
        assert result.exit_code == 1
        assert "has tables that are not the planner's (invoices)" in result.output
        conn.execute("drop table invoices")
    migrate(postgres_url)
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(
            "insert into planner_migrations (migration_set, name, applied_at)"
            " values ('planner', 'm999_from_the_future', 'later')"
        )
    result = run_copy(clinic, postgres_url)
    assert result.exit_code == 1
    assert "made by a newer version of the planner (schema m999_from_the_future)" in result.output
    assert count(postgres_url, "users") == 0


def test_a_copy_while_the_app_taps_is_one_moment_of_the_file(clinic, postgres_url):
    """Taps keep landing in the file during the copy: the copy is the file as it was at one
    moment (its history a prefix of the file's, whole), and checks out."""
    stop, taps = threading.Event(), []
    db = connect(clinic)
    hid = fetch_value(db, "select id from households where name = ?", [demo.HOUSEHOLD])
    by_user = fetch_value(db, "select created_by from households where id = ?", [hid])
    item = fetch_value(
        db,
        "select item_id from tasks where household_id = ? and active = 1 order by position limit 1",
        [hid],
    )
    db.close()

    def tap() -> None:
        own = connect(clinic)
        try:
            day = DAY
            while not stop.is_set():
                day += dt.timedelta(days=1)
                ticks.set_state(
                    own,
                    hid,
                    item,
                    day.isoformat(),
                    0,
                    "done",
                    by_user=by_user,
                    done_for=None,
                    at=f.NOW,
                )
                taps.append(day)
        finally:
            own.close()

    writer = threading.Thread(target=tap)
    writer.start()
    try:
        while len(taps) < 20:  # the app is tapping when the copy begins
            stop.wait(0.01)
        before = len(taps)
        result = run_copy(clinic, postgres_url)
        during = len(taps) - before
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert during > 0  # taps landed while the copy ran
    copied = rows(postgres_url, "tick_events")
    highest = max(dict(row)["id"] for row in copied)
    on_file = [row for row in rows(clinic, "tick_events") if dict(row)["id"] <= highest]
    assert copied == on_file
    assert count(clinic, "tick_events") > highest  # and some came after its moment
