"""The store's triggers, on each engine: the one part of the schema that SQLite and
PostgreSQL spell differently (a PostgreSQL trigger runs a function), kept side by side so
that both do the same thing.

- A household's revision moves on with every write to a table whose rows its pages show
  (migrations m005, m007, m009, m010): the page cache's keys carry it (web/page_cache.py), so a
  page kept by one server process is never shown after a write by another.
- Every change of a tick's state writes its history event in the same statement (m013).
"""

from __future__ import annotations

from typing import Any

from planner.store.schema_pg import PgSchema

_EVENT_COLUMNS = "household_id, item_id, occurrence, slot, state, by_user, done_for, at"
_EVENT_VALUES = (
    "new.household_id, new.item_id, new.occurrence, new.slot, new.state, new.by_user,"
    " new.done_for, new.updated_at"
)


def revision(db: Any, table: str) -> None:
    """Triggers that move the household's revision on at every write to `table`."""
    if isinstance(db, PgSchema):
        # One function for every table: the row's household is NEW's, or OLD's on delete.
        db.execute(
            "create or replace function move_household_revision() returns trigger"
            " language plpgsql as $$ begin"
            " update households set revision = revision + 1 where id ="
            " (case when tg_op = 'DELETE' then old.household_id else new.household_id end);"
            " return null; end $$"
        )
        db.execute(
            f"create trigger {table}_revision after insert or update or delete on {table}"
            " for each row execute function move_household_revision()"
        )
        return
    for event, row in (("insert", "new"), ("update", "new"), ("delete", "old")):
        db.execute(
            f"create trigger {table}_{event}_revision after {event} on {table} begin"
            f" update households set revision = revision + 1"
            f" where id = {row}.household_id; end"
        )


def tick_events(db: Any) -> None:
    """Triggers that write a tick's history event when a tick is made or its state changes."""
    if isinstance(db, PgSchema):
        db.execute(
            "create or replace function write_tick_event() returns trigger language plpgsql"
            f" as $$ begin insert into tick_events ({_EVENT_COLUMNS}) values ({_EVENT_VALUES});"
            " return null; end $$"
        )
        db.execute(
            "create trigger ticks_insert_event after insert on ticks"
            " for each row execute function write_tick_event()"
        )
        db.execute(
            "create trigger ticks_update_event after update of state on ticks for each row"
            " when (old.state is distinct from new.state) execute function write_tick_event()"
        )
        return
    insert = f"insert into tick_events ({_EVENT_COLUMNS}) values ({_EVENT_VALUES})"
    db.execute(f"create trigger ticks_insert_event after insert on ticks begin {insert}; end")
    db.execute(
        "create trigger ticks_update_event after update of state on ticks"
        f" when old.state is not new.state begin {insert}; end"
    )
