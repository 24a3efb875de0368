"""What was done, by whom, when: the state of each task occurrence and its append-only history.

Every change is an idempotent *set* to a named state, never a toggle: setting "done" twice
leaves it done, and two people tapping at once both get what they asked for.
"""

from __future__ import annotations

import datetime as dt

from planner.clock import day_start, iso
from planner.plans.recurrence import STATES
from planner.store.sql import Database, atomic, fetch, run, run_alone, run_many, transaction

# A tick's history event is written by the ticks table's triggers (migration m013), in the
# same statement as the tick.
_TICK_SQL = (
    "insert into ticks (household_id, item_id, occurrence, slot, state, by_user,"
    " done_for, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)"
    " on conflict (household_id, item_id, occurrence, slot) do update set"
    " state = excluded.state, by_user = excluded.by_user,"
    " done_for = excluded.done_for, updated_at = excluded.updated_at"
)
# One tap: the state set unless it is so already (the first to mark it keeps the credit), and
# "open" never stored for an occurrence nobody marked (never marked is open).
_SET_SQL = (
    "insert into ticks (household_id, item_id, occurrence, slot, state, by_user,"
    " done_for, updated_at) select ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8"
    " where ?5 != 'open' or exists (select 1 from ticks where household_id = ?1"
    " and item_id = ?2 and occurrence = ?3 and slot = ?4)"
    " on conflict (household_id, item_id, occurrence, slot) do update set"
    " state = excluded.state, by_user = excluded.by_user,"
    " done_for = excluded.done_for, updated_at = excluded.updated_at"
    " where ticks.state != excluded.state"
)


def _get(db: Database, household_id: int, item_id: str, occurrence: str, slot: int) -> dict | None:
    rows = fetch(
        db,
        "select * from ticks where household_id = ? and item_id = ? and occurrence = ?"
        " and slot = ?",
        [household_id, item_id, occurrence, slot],
    )
    return rows[0] if rows else None


def set_state(
    db: Database,
    household_id: int,
    item_id: str,
    occurrence: str,
    slot: int,
    state: str,
    by_user: int,
    done_for: int | None = None,
    *,
    at: dt.datetime,
) -> dict:
    """Set one occurrence (and slot) of a task to `state`; return the ticks row.

    The row and a history event are written in one transaction. Setting the state it already
    has changes nothing and records nothing: the first person to mark it keeps the credit.
    `at` is the moment of the change, from the caller's clock.
    """
    if state not in STATES:
        raise ValueError(f"state must be one of {', '.join(STATES)}")
    at = iso(at)
    key = {"household_id": household_id, "item_id": item_id, "occurrence": occurrence, "slot": slot}
    values = (household_id, item_id, occurrence, slot, state, by_user, done_for, at)
    if run_alone(db, _SET_SQL, values):
        return {**key, "state": state, "by_user": by_user, "done_for": done_for, "updated_at": at}
    row = _get(db, household_id, item_id, occurrence, slot)  # it was so already
    if row is None:
        return {**key, "state": "open", "by_user": None, "done_for": None, "updated_at": None}
    return row


def set_state_once(
    db: Database,
    key: str,
    household_id: int,
    item_id: str,
    occurrence: str,
    slot: int,
    state: str,
    by_user: int,
    done_for: int | None = None,
    *,
    at: dt.datetime,
) -> bool:
    """set_state for a tap that carries a key made on the person's phone: applied only the
    first time the key arrives, in one all-or-nothing step with the key. True if applied,
    False if the key was seen before (a tap sent again changes nothing, even after later
    taps: replaying "done" must not undo a later "open")."""
    with atomic(db):
        new = run(
            db,
            "insert into tap_keys (household_id, key, user_id, at) values (?, ?, ?, ?)"
            " on conflict do nothing",
            [household_id, key, by_user, iso(at)],
        )
        if new:
            set_state(db, household_id, item_id, occurrence, slot, state, by_user, done_for, at=at)
    return bool(new)


def states(
    db: Database, household_id: int, occurrences: list[str], item_id: str | None = None
) -> list[dict]:
    """The tick rows of a household for these occurrences (days, "once"), of one task if
    `item_id` is given, with the names of who ticked (`by_name`) and for whom (`for_name`)."""
    if not occurrences:
        return []
    marks = ", ".join("?" for _ in occurrences)
    one = " and ticks.item_id = ?" if item_id is not None else ""
    return fetch(
        db,
        "select ticks.*, who.name as by_name, whom.name as for_name from ticks"
        " left join users who on who.id = ticks.by_user"
        " left join users whom on whom.id = ticks.done_for"
        f" where ticks.household_id = ? and ticks.occurrence in ({marks}){one}",
        [household_id, *occurrences, *([item_id] if one else [])],
    )


def get_state(db: Database, household_id: int, item_id: str, occurrence: str, slot: int = 0) -> str:
    """The state of one occurrence and slot ("open" if never set)."""
    row = _get(db, household_id, item_id, occurrence, slot)
    return row["state"] if row else "open"


def tick_rows(db: Database, household_id: int) -> list[dict]:
    """Every tick (current state) of the household as stored, by occurrence, item and slot."""
    return fetch(
        db,
        "select * from ticks where household_id = ? order by occurrence, item_id, slot",
        [household_id],
    )


def event_rows(db: Database, household_id: int) -> list[dict]:
    """Every change of state of the household as stored, oldest first."""
    return fetch(db, "select * from tick_events where household_id = ? order by id", [household_id])


def history(
    db: Database, household_id: int, start_day: dt.date, end_day: dt.date, where: dt.tzinfo
) -> list[dict]:
    """Every change of state from the start of `start_day` to the end of `end_day`, days as
    they are in the household's zone `where`,
    oldest first, with the task's domain, title and drink size, and the names of who did it
    (`by_name`) and for whom (`for_name`). The (household_id, at) index serves the range."""
    return fetch(
        db,
        "select tick_events.*, tasks.domain, json_extract(tasks.item_json, '$.title') as title,"
        " json_extract(tasks.item_json, '$.drink_ml') as drink_ml,"
        " who.name as by_name, whom.name as for_name from tick_events"
        " left join tasks on tasks.household_id = tick_events.household_id"
        " and tasks.item_id = tick_events.item_id"
        " left join users who on who.id = tick_events.by_user"
        " left join users whom on whom.id = tick_events.done_for"
        " where tick_events.household_id = ? and tick_events.at >= ? and tick_events.at < ?"
        " order by tick_events.at, tick_events.id",
        [
            household_id,
            day_start(start_day, where),
            day_start(end_day + dt.timedelta(days=1), where),
        ],
    )


def patient_of(db: Database, household_id: int) -> dict | None:
    """The household's patient member ({user_id, name}), the first if there are several."""
    rows = fetch(
        db,
        "select members.user_id, users.name from members join users on users.id = members.user_id"
        " where members.household_id = ? and members.role = 'patient'"
        " order by members.joined_at, users.id limit 1",
        [household_id],
    )
    return rows[0] if rows else None


def import_history(db: Database, household_id: int, marks: list[tuple]) -> int:
    """Write many past changes of state at once, oldest first, in one transaction; return how
    many. For imports and the benchmark seeder, where set_state's reads per tap cost too much.

    Each mark is (item_id, occurrence, slot, state, by_user, done_for, at), as set_state takes
    them: every mark that changes the state becomes a history event (the ticks table's triggers,
    migration m013), and the last one of each occurrence and slot its current state. Unlike
    set_state nothing is checked: the caller gives valid, changing marks.
    """
    rows = [(household_id, *mark) for mark in marks]
    with transaction(db):
        run_many(db, _TICK_SQL, rows)  # each change writes its event (migration m013)
    return len(rows)
