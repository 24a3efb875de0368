"""Ticks are idempotent sets with an append-only history; concurrent taps lose nothing."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from planner import clock
from planner.store import ticks
from planner.store.sql import connect, fetch
from tests import factories as f
from tests.dbstate import count


@pytest.fixture
def home(db):
    household, anna = f.household(db)
    ben = f.member(db, household["id"])
    return household["id"], anna["id"], ben["id"]


def events(db, household_id):
    return list(
        fetch(db, "select * from tick_events where household_id = ? order by id", [household_id])
    )


def test_set_done_twice_stays_done_and_records_once(db, home):
    hid, anna, ben = home
    first = ticks.set_state(db, hid, "walk", "2026-11-23", 0, "done", anna, at=f.NOW)
    again = ticks.set_state(db, hid, "walk", "2026-11-23", 0, "done", ben, at=f.NOW)
    assert first["state"] == again["state"] == "done"
    assert again["by_user"] == anna  # the first to mark it keeps the credit
    assert len(events(db, hid)) == 1


def test_open_after_done_reopens_and_both_are_in_the_history(db, home):
    hid, anna, ben = home
    ticks.set_state(db, hid, "walk", "2026-11-23", 0, "done", anna, at=f.NOW)
    row = ticks.set_state(db, hid, "walk", "2026-11-23", 0, "open", ben, at=f.NOW)
    assert row["state"] == "open" and row["by_user"] == ben
    assert [e["state"] for e in events(db, hid)] == ["done", "open"]
    assert ticks.get_state(db, hid, "walk", "2026-11-23") == "open"


def test_open_when_never_set_stores_nothing(db, home):
    hid, anna, _ = home
    row = ticks.set_state(db, hid, "walk", "2026-11-23", 0, "open", anna, at=f.NOW)
    assert row["state"] == "open" and events(db, hid) == []
    assert count(db, "ticks") == 0


def test_every_state_and_a_bad_one(db, home):
    hid, anna, _ = home
    for state in ("not-today", "not-applicable", "needs-help", "done"):
        assert ticks.set_state(db, hid, "rail", "once", 0, state, anna, at=f.NOW)["state"] == state
    with pytest.raises(ValueError):
        ticks.set_state(db, hid, "rail", "once", 0, "toggle", anna, at=f.NOW)
    assert ticks.get_state(db, hid, "rail", "once") == "done"


def test_done_for_and_names(db, home):
    hid, anna, ben = home
    ticks.set_state(db, hid, "walk", "2026-11-23", 0, "done", ben, done_for=anna, at=f.NOW)
    (row,) = ticks.states(db, hid, ["2026-11-23"])
    assert row["by_name"] == "Ben" and row["for_name"] == "Anna"
    assert ticks.states(db, hid, ["2026-11-24"]) == [] and ticks.states(db, hid, []) == []
    assert ticks.patient_of(db, hid)["user_id"] == anna


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland", "America/Los_Angeles"])
def test_history_covers_whole_local_days(db, home, catalog, zone):
    """A week is the household's week: a tick at 23:00 on Sunday in its zone is not Monday's,
    whatever the server's zone and however far the household's is from UTC."""
    hid, anna, _ = home
    f.with_plan(db, catalog, hid, anna)
    where = clock.zone(zone)

    def stamp(day, hour):
        return dt.datetime.combine(day, dt.time(hour), tzinfo=where)

    sun, mon = dt.date(2026, 11, 22), dt.date(2026, 11, 23)
    ticks.set_state(db, hid, "belly-breathing", "2026-11-22", 0, "done", anna, at=stamp(sun, 23))
    ticks.set_state(db, hid, "belly-breathing", "2026-11-23", 0, "done", anna, at=stamp(mon, 0))
    ticks.set_state(
        db,
        hid,
        "walk-with-aid",
        "2026-11-29",
        0,
        "done",
        anna,
        at=stamp(mon + dt.timedelta(days=6), 23),
    )
    week = ticks.history(db, hid, mon, mon + dt.timedelta(days=6), where)
    assert [(e["item_id"], e["occurrence"]) for e in week] == [
        ("belly-breathing", "2026-11-23"),
        ("walk-with-aid", "2026-11-29"),
    ]
    assert week[0]["domain"] == "exercise" and week[0]["by_name"] == "Anna"
    assert week[0]["title"]
    assert len(ticks.history(db, hid, sun, sun, where)) == 1


@pytest.mark.engines("sqlite")  # SQLite's query plan; tests/test_schema_engines.py compares indexes
def test_history_uses_the_household_at_index(db, home):
    plan = " ".join(
        str(row)
        for row in db.execute(
            "explain query plan select * from tick_events where household_id = ? and at >= ?"
            " and at < ?",
            [1, "a", "b"],
        ).fetchall()
    )
    assert "idx_tick_events_household_id_at" in plan


@pytest.mark.engines("sqlite")  # SQLite's catalogue and query plan
@pytest.mark.parametrize("table", ["ticks", "tick_events"])
def test_lookups_by_household_use_an_index_without_a_repeated_one(db, table):
    """Every index of ticks and tick_events is written whenever a row is added (every history
    event): no index repeats the start of another (a unique one would not be a repeat: it
    enforces something), and a lookup by household alone (what deleting a household checks for
    its foreign keys) still finds its rows through an index, never by reading the whole table."""
    indexes = db.execute(f"select name, [unique] from pragma_index_list('{table}')").fetchall()
    starts = [
        (name, tuple(row[2] for row in db.execute(f"pragma index_info([{name}])")), unique)
        for name, unique in indexes
    ]
    repeats = [
        name
        for name, columns, unique in starts
        if not unique
        and any(o != name and cols[: len(columns)] == columns for o, cols, _ in starts)
    ]
    assert not repeats, starts
    plan = " ".join(
        str(row)
        for row in db.execute(
            f"explain query plan select * from {table} where household_id = ?", [1]
        ).fetchall()
    )
    assert "USING" in plan and "INDEX" in plan, plan


def test_concurrent_sets_from_threads_lose_nothing(app, db, home):
    """Eight people tap different slots and the same slot at once: every tap is kept."""
    hid, anna, ben = home
    path = app.config["DATABASE"]
    barrier = threading.Barrier(8)
    errors = []

    def tap(n):
        conn = connect(path)
        try:
            barrier.wait()
            for slot in range(n * 4, n * 4 + 4):
                ticks.set_state(
                    conn,
                    hid,
                    "daily-drinks",
                    "2026-11-23",
                    slot,
                    "done",
                    anna if n % 2 else ben,
                    at=f.NOW,
                )
            ticks.set_state(conn, hid, "walk", "2026-11-23", 0, "done", anna, at=f.NOW)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=tap, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = ticks.states(db, hid, ["2026-11-23"])
    drinks = [r for r in rows if r["item_id"] == "daily-drinks"]
    assert sorted(r["slot"] for r in drinks) == list(range(32))
    assert all(r["state"] == "done" for r in rows)
    walk_events = [e for e in events(db, hid) if e["item_id"] == "walk"]
    assert len(walk_events) == 1  # the same set by eight people is one change


@pytest.mark.engines("sqlite")  # sqlite3's trace callback; PostgreSQL's triggers are the same
def test_a_tap_is_one_statement_and_its_event_goes_with_it(db, home):
    """The tick, its history event and the household's revision are written by one statement
    (triggers of migration m013), so no reader or crash can see one without the other."""
    hid, anna, _ = home
    revision = db.execute("select revision from households where id = ?", [hid]).fetchone()[0]
    said = []
    db.conn.set_trace_callback(said.append)
    try:
        ticks.set_state(db, hid, "walk", "2026-11-23", 0, "done", anna, at=f.NOW)
    finally:
        db.conn.set_trace_callback(None)
    statements = set(said)  # sqlite3 reports the statement again for each trigger step
    assert len(statements) == 1 and said[0].startswith("insert into ticks"), said
    assert [e["state"] for e in events(db, hid)] == ["done"]
    assert (
        db.execute("select revision from households where id = ?", [hid]).fetchone()[0] > revision
    )


# A trigger that refuses every history event. On PostgreSQL the worker's database outlives
# the test (it is emptied, not dropped), so the trigger is dropped again at the end.
REFUSE_EVENTS = {
    "sqlite": (
        ["create trigger refuse before insert on tick_events begin select raise(abort, 'x'); end"],
        ["drop trigger refuse"],
    ),
    "postgresql": (
        [
            "create function refuse() returns trigger language plpgsql as"
            " $$ begin raise exception 'x'; end $$",
            "create trigger refuse before insert on tick_events"
            " for each row execute function refuse()",
        ],
        ["drop trigger refuse on tick_events", "drop function refuse()"],
    ),
}


def test_a_failed_tap_leaves_neither_tick_nor_event(db, home, engine):
    hid, anna, _ = home
    make, undo = REFUSE_EVENTS[engine]
    for statement in make:
        db.execute(statement)
    try:
        with pytest.raises(Exception, match="x"):
            ticks.set_state(db, hid, "walk", "2026-11-23", 0, "done", anna, at=f.NOW)
    finally:
        for statement in undo:
            db.execute(statement)
    assert ticks.get_state(db, hid, "walk", "2026-11-23") == "open"
    assert events(db, hid) == []
