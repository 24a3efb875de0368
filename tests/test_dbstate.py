"""tests/dbstate.dump, which the tests of refused writes rely on: any stored change shows (a
changed value, a new row), and a read does not."""

from __future__ import annotations

from planner.store.sql import run_alone
from tests import factories as f
from tests.dbstate import dump


def test_a_changed_value_an_added_row_or_a_deleted_one_changes_the_dump(app, db, database):
    household, anna = f.household(db, "patient", "Anna")
    f.member(db, household["id"], "caregiver", "Ben")
    before = dump(database)
    assert dump(database) == before  # reading changes nothing
    run_alone(db, "update users set name = ? where id = ?", ["Anne", anna["id"]])
    changed = dump(database)
    assert changed != before
    run_alone(db, "update users set name = ? where id = ?", ["Anna", anna["id"]])
    assert dump(database) == before
    f.user(db, "Cleo")
    assert dump(database) != before
