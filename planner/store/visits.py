"""What the household brings to its next clinic visit: a short list of questions it wants to ask,
and the days of the last and the next visit (the summary's "changes since the last visit")."""

from __future__ import annotations

import datetime as dt

from planner.clock import iso
from planner.store.sql import Database, fetch, fetch_value, insert, run, transaction, upsert

MAX_QUESTIONS = 8  # a short list: the summary is one printed page
MAX_LENGTH = 200


class TooMany(Exception):
    """The list already holds MAX_QUESTIONS questions."""


def questions(db: Database, household_id: int) -> list[dict]:
    """The household's questions, oldest first: {id, text, created_at, created_by_name}."""
    return fetch(
        db,
        "select visit_questions.id, text, visit_questions.created_at, users.name as"
        " created_by_name from visit_questions left join users on users.id = created_by"
        " where household_id = ? order by visit_questions.id",
        [household_id],
    )


def add_question(
    db: Database, household_id: int, text: str, user_id: int, *, at: dt.datetime
) -> int:
    """Add a question (the caller has checked its text); TooMany if the list is full."""
    with transaction(db):
        count = fetch_value(
            db, "select count(*) from visit_questions where household_id = ?", [household_id]
        )
        if count >= MAX_QUESTIONS:
            raise TooMany()
        return insert(
            db,
            "visit_questions",
            {
                "household_id": household_id,
                "text": text,
                "created_by": user_id,
                "created_at": iso(at),
            },
        )


def remove_question(db: Database, household_id: int, question_id: int) -> bool:
    """Take a question off the household's list; False if it had no such question."""
    with transaction(db):
        return (
            run(
                db,
                "delete from visit_questions where id = ? and household_id = ?",
                [question_id, household_id],
            )
            == 1
        )


def dates(db: Database, household_id: int) -> dict:
    """{last_visit, next_visit} as dates (None when not given)."""
    rows = fetch(
        db, "select last_visit, next_visit from visit_dates where household_id = ?", [household_id]
    )
    row = rows[0] if rows else {}
    return {
        key: dt.date.fromisoformat(row[key]) if row.get(key) else None
        for key in ("last_visit", "next_visit")
    }


def set_dates(
    db: Database,
    household_id: int,
    last_visit: dt.date | None,
    next_visit: dt.date | None,
    user_id: int,
    *,
    at: dt.datetime,
) -> None:
    """Store the days of the last and next visits (None clears one)."""
    with transaction(db):
        upsert(
            db,
            "visit_dates",
            {
                "household_id": household_id,
                "last_visit": last_visit.isoformat() if last_visit else None,
                "next_visit": next_visit.isoformat() if next_visit else None,
                "updated_by": user_id,
                "updated_at": iso(at),
            },
            pk=("household_id",),
        )
