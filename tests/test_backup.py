"""Data safety: a consistent backup while the app writes, a restore that refuses what it should
and replaces all or nothing, a household's export, and the first released schema upgraded."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner import create_app
from planner.cli import cli
from planner.store import backup, ticks
from planner.store.migrations import migrate
from planner.store.sqlite import close_thread_dbs, connect
from tests import factories as f
from tests.conftest import CSRF
from tests.dbstate import count, dump

FIRST_RELEASE = Path(__file__).parent / "data" / "first-release.sql"


def run(*args, stdin=None):
    return CliRunner().invoke(cli, list(args), input=stdin)


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog)


def _consistent(path: Path) -> tuple[int, int]:
    """Check a copy: intact, and each tick's state is that of its last event (the two are
    written in one transaction, so a torn snapshot would show a mismatch). Returns
    (ticks, events)."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        mismatched = conn.execute(
            "select count(*) from ticks where state != (select e.state from tick_events e"
            " where e.household_id = ticks.household_id and e.item_id = ticks.item_id"
            " and e.occurrence = ticks.occurrence and e.slot = ticks.slot"
            " order by e.id desc limit 1)"
        ).fetchone()[0]
        assert mismatched == 0
        return (
            conn.execute("select count(*) from ticks").fetchone()[0],
            conn.execute("select count(*) from tick_events").fetchone()[0],
        )
    finally:
        conn.close()


@pytest.mark.engines("sqlite")  # SQLite files; PostgreSQL is pg_dump's (test below)
def test_backup_is_consistent_while_the_app_writes(app, db, h, tmp_path):
    path = app.config["DATABASE"]
    stop, written = threading.Event(), []

    def writer():
        own = connect(path)  # another connection, as another server thread has
        n = 0
        while not stop.is_set():
            for slot in range(8):
                ticks.set_state(
                    own,
                    h["id"],
                    "daily-drinks",
                    f.DAY.isoformat(),
                    slot,
                    "done" if n % 2 == 0 else "open",
                    by_user=h["patient"],
                    at=f.NOW,
                )
            n += 1
            written.append(n)
        own.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        seen = []
        for n in range(8):
            while len(written) < 3 * (n + 1):
                stop.wait(0.01)  # let the writer make progress between copies
            copy = tmp_path / f"copy-{n}.db"
            result = run("backup", str(copy), "--db", path)
            assert result.exit_code == 0, result.output
            assert "Backed up" in result.stdout
            seen.append(_consistent(copy)[1])
            assert not Path(f"{copy}-wal").exists()  # one self-contained file
    finally:
        stop.set()
        thread.join()
    assert seen == sorted(seen) and seen[-1] > seen[0] > 0  # copies taken mid-stream


@pytest.mark.engines("sqlite")  # SQLite files; PostgreSQL is pg_dump's (test below)
def test_restore_puts_a_backup_back_and_brings_it_up_to_date(app, db, h, tmp_path):
    path = app.config["DATABASE"]
    copy = tmp_path / "copy.db"
    backup.backup(path, copy)
    kept = dump(path)
    ticks.set_state(
        db, h["id"], "belly-breathing", f.DAY.isoformat(), 0, "done", by_user=h["patient"], at=f.NOW
    )
    assert dump(path) != kept
    revision = db.execute("select revision from households where id = ?", [h["id"]]).fetchone()[0]
    result = run("restore", str(copy), "--db", path, "--yes")
    assert result.exit_code == 0 and "Restored" in result.stdout
    close_thread_dbs()
    # Everything as backed up, but each household's revision past any the app has seen, so that
    # no page it keeps for a revision is shown again for other data.
    assert dump(path, ("households",)) == dump(str(copy), ("households",))
    restored = connect(path)
    assert (
        restored.execute("select revision from households where id = ?", [h["id"]]).fetchone()[0]
        > revision
    )
    restored.close()
    assert _tables(Path(path))["users"] == _tables(copy)["users"]
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.engines("sqlite")  # SQLite files; PostgreSQL is pg_dump's (test below)
def test_restore_asks_first_and_no_keeps_everything(app, db, h, tmp_path):
    path = app.config["DATABASE"]
    copy = tmp_path / "copy.db"
    backup.backup(path, copy)
    ticks.set_state(
        db, h["id"], "belly-breathing", f.DAY.isoformat(), 0, "done", by_user=h["patient"], at=f.NOW
    )
    before = dump(path)
    result = run("restore", str(copy), "--db", path, stdin="n\n")
    assert result.exit_code == 1 and "Replace everything" in result.output
    assert dump(path) == before


def _not_sqlite(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("Shopping: milk, bread. " * 300)
    return path, "not an SQLite database"


def _other_sqlite(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("create table recipes (name text)")
    conn.commit()
    conn.close()
    return path, "not a planner database"


def _newer(tmp_path):
    path = tmp_path / "newer.db"
    migrate(path)
    conn = sqlite3.connect(path)
    conn.execute(
        "insert into _sqlite_migrations (migration_set, name, applied_at)"
        " values ('planner', 'm999_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    return path, "newer version of the planner (schema m999_from_the_future)"


def _missing(tmp_path):
    return tmp_path / "nowhere.db", "no such file"


def _look_alike(tmp_path):
    """A foreign file with a users table and the planner's migration names, nothing else: once
    accepted, and the live database was left empty (issue 13)."""
    path = tmp_path / "look-alike.db"
    conn = sqlite3.connect(path)
    conn.execute("create table users (id integer primary key, email text)")
    conn.execute("create table _sqlite_migrations (migration_set text, name text, applied_at text)")
    conn.execute("insert into _sqlite_migrations values ('planner', 'm001_initial', 'x')")
    conn.commit()
    conn.close()
    return path, "its schema is not the planner's at m001_initial"


def _changed_by_hand(tmp_path):
    path = tmp_path / "changed.db"
    migrate(path)
    conn = sqlite3.connect(path)
    conn.execute("drop index idx_ticks_household_id_occurrence")
    conn.execute("alter table users add column nickname text")
    conn.commit()
    conn.close()
    return path, "differs in index idx_ticks_household_id_occurrence, table users"


@pytest.mark.engines("sqlite")  # SQLite files; PostgreSQL is pg_dump's (test below)
@pytest.mark.parametrize(
    "make", [_not_sqlite, _other_sqlite, _newer, _missing, _look_alike, _changed_by_hand]
)
def test_restore_refuses_what_is_not_a_planner_backup_and_changes_nothing(app, h, tmp_path, make):
    path = app.config["DATABASE"]
    source, message = make(tmp_path)
    before = dump(path)
    result = run("restore", str(source), "--db", path, "--yes")
    assert result.exit_code == 1 and message in result.stderr
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.output
    assert dump(path) == before
    if make not in (_look_alike, _changed_by_hand):  # a copy of those is still a copy
        assert run("backup", str(tmp_path / "x.db"), "--db", str(source)).exit_code == 1


@pytest.mark.engines("postgresql")
def test_backup_and_restore_of_postgresql_point_to_pg_dump_and_change_nothing(app, h, tmp_path):
    url = app.config["DATABASE"]
    kept = dump(url, sessions=True)
    copy = tmp_path / "copy.db"
    made = run("backup", str(copy), "--database-url", url)
    assert made.exit_code == 1 and "pg_dump" in made.stderr and not copy.exists()
    put = run("restore", str(copy), "--database-url", url, "--yes")
    assert put.exit_code == 1 and "pg_restore" in put.stderr
    assert dump(url, sessions=True) == kept


def test_export_holds_the_households_data_and_no_secret(app, db, h, tmp_path):
    path = app.config["DATABASE"]
    ticks.set_state(
        db,
        h["id"],
        "belly-breathing",
        f.DAY.isoformat(),
        0,
        "done",
        by_user=h["caregiver"],
        done_for=h["patient"],
        at=f.NOW,
    )
    ticks.set_state(
        db, h["id"], "belly-breathing", f.DAY.isoformat(), 0, "open", by_user=h["patient"], at=f.NOW
    )
    ticks.set_state(
        db, h["id"], "bath-seat", "once", 0, "needs-help", by_user=h["caregiver"], at=f.NOW
    )
    result = run("export", "--household", str(h["id"]), "--db", path)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["household"]["name"] == "Anna's home"
    assert [(m["name"], m["role"]) for m in data["members"]] == [
        ("Anna", "patient"),
        ("Ben", "caregiver"),
        ("Priya", "physio"),
    ]
    assert data["profile"] == f.PROFILE
    assert [p["version"] for p in data["plans"]] == [1]
    assert data["plans"][0]["plan"]["items"] and data["plans"][0]["profile"] == f.PROFILE
    assert len(data["tasks"]) == count(db, "tasks", "household_id = ?", [h["id"]])
    assert {t["item"]["id"] for t in data["tasks"]} >= {"belly-breathing", "bath-seat"}
    assert [(e["item_id"], e["state"]) for e in data["events"]] == [
        ("belly-breathing", "done"),
        ("belly-breathing", "open"),
        ("bath-seat", "needs-help"),
    ]
    assert {t["item_id"]: t["state"] for t in data["ticks"]} == {
        "belly-breathing": "open",
        "bath-seat": "needs-help",
    }
    text = result.stdout
    assert "password" not in text and "scrypt" not in text and "token_hash" not in text
    assert "Olga" not in text  # the other household's member
    out = tmp_path / "export.json"
    assert (
        run("export", "--household", str(h["id"]), "--db", path, "--output", str(out)).exit_code
        == 0
    )
    assert json.loads(out.read_text()) == data


def test_export_of_an_unknown_household_says_so(app, h):
    result = run("export", "--household", "999", "--db", app.config["DATABASE"])
    assert result.exit_code == 1 and "no household with id 999" in result.stderr


def _tables(path: Path) -> dict[str, set[tuple]]:
    conn = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "select name from sqlite_master where type = 'table' and name != 'sqlite_stat1'"
            )
        ]
        return {name: set(conn.execute(f'select * from "{name}"')) for name in names}
    finally:
        conn.close()


def test_the_first_released_schema_upgrades_losing_nothing_and_is_served(tmp_path):
    path = tmp_path / "first.db"
    conn = sqlite3.connect(path)
    conn.executescript(FIRST_RELEASE.read_text())
    conn.close()
    before = _tables(path)
    assert {n for n in before["_sqlite_migrations"]} and len(before["tick_events"]) == 120
    applied = migrate(path)
    assert "m003_login_failure_address" in applied
    after = _tables(path)
    for table, rows in before.items():
        width = len(next(iter(rows))) if rows else 0
        kept = {row[:width] for row in after[table]}
        assert rows <= kept, f"{table} lost rows in the upgrade"
        assert len(after[table]) == len(rows) + (
            len(applied) if table == "_sqlite_migrations" else 0
        ), table
    app = create_app(
        {"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "x", "TODAY": "2026-11-23"}
    )
    client = app.test_client()
    try:
        with client.session_transaction() as session:
            session["csrf"] = CSRF["csrf_token"]
        signed_in = client.post(
            "/login", data={"email": "patient@example.org", "password": "demo-password", **CSRF}
        )
        assert signed_in.status_code == 303
        today = client.get("/h/1/today")
        assert today.status_code == 200 and "Monday 23 November" in today.text
        assert "done today" in today.text
        history = client.get("/h/1/history?week=2026-11-16")
        assert history.status_code == 200 and "by Maria Santos" in history.text
    finally:
        close_thread_dbs()
