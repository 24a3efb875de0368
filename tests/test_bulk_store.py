"""Bulk writes for imports and the benchmark seeder: the same rows set_state and create_user
would leave, all or nothing."""

from __future__ import annotations

import datetime as dt
import sqlite3

import psycopg
import pytest
from werkzeug.security import generate_password_hash

from planner.store import accounts, ticks
from tests import factories as f
from tests.dbstate import count


def test_imported_history_reads_back_like_taps(db):
    household, anna = f.household(db)
    ben = f.member(db, household["id"])
    hid = household["id"]
    marks = [
        ("walk", "2026-11-22", 0, "done", anna["id"], None, "2026-11-22T09:00:00+00:00"),
        ("walk", "2026-11-23", 0, "done", ben["id"], anna["id"], "2026-11-23T09:00:00+00:00"),
        ("walk", "2026-11-23", 0, "open", anna["id"], None, "2026-11-23T10:00:00+00:00"),
    ]
    assert ticks.import_history(db, hid, marks) == 3
    assert ticks.get_state(db, hid, "walk", "2026-11-22") == "done"
    assert ticks.get_state(db, hid, "walk", "2026-11-23") == "open"  # the last mark wins
    events = ticks.history(db, hid, dt.date(2026, 11, 16), dt.date(2026, 11, 30), dt.UTC)
    assert [(e["occurrence"], e["state"], e["by_name"]) for e in events] == [
        ("2026-11-22", "done", "Anna"),
        ("2026-11-23", "done", "Ben"),
        ("2026-11-23", "open", "Anna"),
    ]
    assert events[1]["for_name"] == "Anna"


def test_a_bad_mark_imports_nothing(db):
    household, anna = f.household(db)
    marks = [
        ("walk", "2026-11-22", 0, "done", anna["id"], None, "2026-11-22T09:00:00+00:00"),
        ("walk", "2026-11-23", 0, "done", 999_999, None, "2026-11-23T09:00:00+00:00"),
    ]
    # No such user: the foreign key refuses it, on either engine.
    with pytest.raises((sqlite3.IntegrityError, psycopg.IntegrityError)):
        ticks.import_history(db, household["id"], marks)
    assert count(db, "tick_events") == 0 and count(db, "ticks") == 0


def test_imported_users_sign_in_with_the_shared_password(db):
    hashed = generate_password_hash("shared-password", method="scrypt")
    ids = accounts.import_users(
        db, [("A@Example.org", " Ann "), ("b@example.org", "Bo")], hashed, at=f.NOW
    )
    signed_in = accounts.authenticate(db, "a@example.org", "shared-password", at=f.NOW)
    assert signed_in["id"] == ids[0] and signed_in["name"] == "Ann"
    assert accounts.authenticate(db, "b@example.org", "wrong-password", at=f.NOW) is None


def test_an_email_taken_imports_no_one(db):
    f.user(db, "Cy")
    taken = db.execute("select email from users").fetchone()[0]
    with pytest.raises(accounts.EmailTaken):
        accounts.import_users(db, [("new@example.org", "New"), (taken, "Twin")], "x", at=f.NOW)
    assert accounts.user_by_email(db, "new@example.org") is None


def test_many_upserts_in_one_call_insert_update_and_keep_what_they_do_not_name(db):
    """sql.upsert_many, as apply_plan writes a plan's tasks: rows of two shapes in one call."""
    from planner.store.sql import fetch, transaction, upsert_many

    household, _ = f.household(db)
    hid = household["id"]
    base = {"household_id": hid, "domain": "exercise", "item_json": "{}", "active": 1}
    with transaction(db):
        upsert_many(
            db,
            "tasks",
            [{**base, "item_id": f"t{n}", "position": n, "since_version": 1} for n in range(3)],
            pk=("household_id", "item_id"),
        )
    with transaction(db):
        upsert_many(
            db,
            "tasks",
            [
                {**base, "item_id": "t2", "position": 0},  # kept: since_version stays 1
                {**base, "item_id": "t9", "position": 1, "since_version": 2},  # new
                {**base, "item_id": "t0", "position": 2, "active": 0},
            ],
            pk=("household_id", "item_id"),
        )
    rows = fetch(
        db,
        "select item_id, position, since_version, active from tasks where household_id = ?"
        " order by item_id",
        [hid],
    )
    assert [tuple(r.values()) for r in rows] == [
        ("t0", 2, 1, 0),
        ("t1", 1, 1, 1),
        ("t2", 0, 1, 1),
        ("t9", 1, 2, 1),
    ]
