"""One way for the store to reach SQLite: the helpers of planner/store/sqlite.py (fetch,
fetch_one, fetch_value, run, run_many, insert, upsert, transaction). sqlite-utils' query(),
insert() and upsert() introspect the table or wrap reads in SAVEPOINTs (PERFORMANCE-NOTES), and
several spellings of one thing hide which of them a module pays for."""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

import pytest

from planner.store.migrations import migrate
from planner.store.sqlite import (
    connect,
    fetch,
    fetch_one,
    fetch_value,
    insert,
    run,
    run_many,
    transaction,
    upsert,
)

STORE = Path(__file__).parent.parent / "planner" / "store"
# sqlite.py is where the helpers are; migrations use sqlite-utils' schema API on purpose.
EXEMPT = {"sqlite.py", "migrations.py"}
FORBIDDEN = (".execute(", ".fetchone(", ".fetchall(", ".conn.", "].insert(", "].upsert(")


def _code_without_comments(path: Path) -> str:
    """The module's tokens without its comments, joined without spaces (so `db .execute (` is
    caught as well as `db.execute(`); strings and docstrings stay."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
    return "".join(t.string for t in tokens if t.type != tokenize.COMMENT)


def test_store_modules_reach_sqlite_only_through_the_helpers():
    modules = sorted(p for p in STORE.glob("*.py") if p.name not in EXEMPT)
    assert len(modules) > 10  # the store is where we think it is
    found = [
        f"{path.name}: {pattern}"
        for path in modules
        for pattern in FORBIDDEN
        if pattern in _code_without_comments(path)
    ]
    assert found == []


def test_the_check_sees_a_forbidden_call_but_not_a_comment(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("x = 1  # db.execute( in a comment is fine\n")
    assert ".execute(" not in _code_without_comments(sample)
    sample.write_text("row = db.execute('select 1').fetchone()\n")
    assert ".fetchone(" in _code_without_comments(sample)
    sample.write_text('db["users"] .insert ({"a": 1})\n')
    assert "].insert(" in _code_without_comments(sample)


@pytest.fixture
def store(tmp_path):
    db = connect(tmp_path / "t.db")
    run(db, "create table things (id integer primary key, name text, size int)")
    run(db, "create table pairs (a int, b int, note text, primary key (a, b))")
    yield db
    db.close()


def test_fetch_one_is_none_without_a_row_and_a_dict_with_one(store):
    assert fetch_one(store, "select * from things where id = ?", [1]) is None
    with transaction(store):
        new_id = insert(store, "things", {"name": "cup", "size": 2})
    assert fetch_one(store, "select * from things where id = ?", [new_id]) == {
        "id": new_id,
        "name": "cup",
        "size": 2,
    }


def test_fetch_value_gives_the_default_when_no_row(store):
    assert fetch_value(store, "select name from things where id = ?", [7]) is None
    assert fetch_value(store, "select name from things where id = ?", [7], default="-") == "-"
    assert fetch_value(store, "select count(*) from things") == 0


def test_insert_returns_the_new_id(store):
    with transaction(store):
        first = insert(store, "things", {"name": "a"})
        second = insert(store, "things", {"name": "b"})
    assert second == first + 1
    assert fetch(store, "select id, name, size from things order by id") == [
        {"id": first, "name": "a", "size": None},
        {"id": second, "name": "b", "size": None},
    ]


def test_upsert_inserts_then_updates_only_the_columns_given(store):
    with transaction(store):
        upsert(store, "pairs", {"a": 1, "b": 2, "note": "first"}, pk=("a", "b"))
        upsert(store, "pairs", {"a": 1, "b": 3, "note": "other"}, pk=("a", "b"))
        upsert(store, "pairs", {"a": 1, "b": 2, "note": "second"}, pk=("a", "b"))
    assert fetch(store, "select * from pairs order by b") == [
        {"a": 1, "b": 2, "note": "second"},
        {"a": 1, "b": 3, "note": "other"},
    ]
    with transaction(store):
        new_id = insert(store, "things", {"name": "cup", "size": 2})
        upsert(store, "things", {"id": new_id, "size": 5}, pk=("id",))
    assert fetch_one(store, "select name, size from things where id = ?", [new_id]) == {
        "name": "cup",
        "size": 5,
    }


def test_run_returns_rows_changed_and_run_many_writes_each_row(store):
    with transaction(store):
        run_many(store, "insert into things (name, size) values (?, ?)", [("a", 1), ("b", 1)])
        assert run(store, "update things set size = 2 where size = 1") == 2
        assert run(store, "delete from things where name = ?", ["none"]) == 0
    assert fetch_value(store, "select sum(size) from things") == 4


def test_a_failed_write_inside_a_transaction_leaves_nothing(store):
    with pytest.raises(RuntimeError), transaction(store):
        insert(store, "things", {"name": "half"})
        raise RuntimeError
    assert fetch_value(store, "select count(*) from things") == 0


def test_the_helpers_work_on_the_planner_schema(tmp_path):
    path = tmp_path / "p.db"
    migrate(path)
    db = connect(path)
    try:
        assert fetch_value(db, "select count(*) from users") == 0
    finally:
        db.close()
