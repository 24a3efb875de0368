"""What people change on their own account: name, email, password, and deleting it.

A deleted account's row stays, emptied: its ticks and history still point at it and read
"A former member". Its name, email and password go, and so do its sessions, reset links,
memberships and exercise templates.
"""

from __future__ import annotations

import datetime as dt

from werkzeug.security import check_password_hash, generate_password_hash

from planner.clock import iso
from planner.store import activity, sessions
from planner.store.accounts import (
    MANAGERS,
    AccountError,
    EmailTaken,
    normalise_email,
    user_by_email,
)
from planner.store.sql import Database, fetch, run, table_names, transaction

FORMER_MEMBER = "A former member"
# Tables of a person's own settings and devices, emptied of them when the account is deleted.
PERSONAL_TABLES = (
    "reminder_settings",
    "outbox",
    "push_subscriptions",
    "unsubscribe_tokens",
    "calendar_feeds",
    "reviewers",  # the role ends with the account; the signatures made keep the name signed
)


class PatientMustDecide(AccountError):
    """The user is the patient of a household: they decide what becomes of it first."""


def password_matches(db: Database, user_id: int, password: str) -> bool:
    """Whether `password` is the user's current password."""
    rows = fetch(
        db, "select password_hash from users where id = ? and deleted_at is null", [user_id]
    )
    return bool(rows) and check_password_hash(rows[0]["password_hash"], password)


def set_name(db: Database, user_id: int, name: str) -> None:
    with transaction(db):
        run(db, "update users set name = ? where id = ?", [name.strip(), user_id])


def set_language(db: Database, user_id: int, language: str) -> None:
    """The language the person reads the planner in (a code planner/i18n.py offers)."""
    with transaction(db):
        run(db, "update users set language = ? where id = ?", [language, user_id])


def set_email(db: Database, user_id: int, email: str) -> None:
    """Change the sign-in email; EmailTaken if another account has it."""
    email = normalise_email(email)
    with transaction(db):
        other = user_by_email(db, email)
        if other is not None and other["id"] != user_id:
            raise EmailTaken("Another account uses this email.")
        run(db, "update users set email = ? where id = ?", [email, user_id])
        # A reset link mailed to the old address stops working.
        run(db, "delete from password_resets where user_id = ?", [user_id])


def set_password(db: Database, user_id: int, password: str, keep_session: str | None) -> int:
    """Set a new password and end every other session of the user (all of them if
    `keep_session` is None); return how many sessions ended. One transaction."""
    password_hash = generate_password_hash(password, method="scrypt")
    with transaction(db):
        run(db, "update users set password_hash = ? where id = ?", [password_hash, user_id])
        run(db, "delete from password_resets where user_id = ?", [user_id])
        return sessions.end_all(db, user_id, keep=keep_session)


def households_to_decide(db: Database, user_id: int) -> list[dict]:
    """The households the user cannot simply leave: where they are the patient (it is their
    record: they delete it first), or the last patient or caregiver while others remain."""
    rows = fetch(
        db,
        "select households.id, households.name, members.role,"
        " (select count(*) from members o where o.household_id = members.household_id"
        "   and o.user_id != members.user_id) as others,"
        " (select count(*) from members o where o.household_id = members.household_id"
        "   and o.user_id != members.user_id and o.role in ('patient', 'caregiver')) as managers"
        " from members join households on households.id = members.household_id"
        " where members.user_id = ? order by households.id",
        [user_id],
    )
    return [
        row
        for row in rows
        if row["role"] == "patient"
        or (row["others"] and row["role"] in MANAGERS and not row["managers"])
    ]


def delete_user(db: Database, user_id: int, *, at: dt.datetime) -> list[int]:
    """Erase the account's personal data and end its memberships; return the households that
    were left with nobody in them and so were deleted. Refuses (PatientMustDecide) while
    households_to_decide() names any household."""
    from planner.store.accounts import delete_household

    with transaction(db):
        if households_to_decide(db, user_id):
            raise PatientMustDecide(
                "Decide first what becomes of the households where you are "
                "the patient or the last one who manages it."
            )
        alone = [
            row["household_id"]
            for row in fetch(
                db,
                "select household_id from members m where user_id = ? and not exists"
                " (select 1 from members o where o.household_id = m.household_id"
                "  and o.user_id != m.user_id)",
                [user_id],
            )
        ]
        for household_id in alone:
            delete_household(db, household_id)
        for row in fetch(db, "select household_id, role from members where user_id = ?", [user_id]):
            if row["household_id"] not in alone:
                activity.record(
                    db, row["household_id"], "account_deleted", at=at, detail={"role": row["role"]}
                )
        run(db, "delete from members where user_id = ?", [user_id])
        # Reminder choices, queued mails, push devices and unsubscribe links are the person's
        # own (their address, their device); history that others share is kept.
        present = set(table_names(db))
        for table in PERSONAL_TABLES:
            if table in present:
                run(db, f"delete from [{table}] where user_id = ?", [user_id])
        run(db, "delete from exercise_templates where owner_id = ?", [user_id])
        run(db, "delete from password_resets where user_id = ?", [user_id])
        run(db, "delete from sessions where user_id = ?", [user_id])
        email = fetch(db, "select email from users where id = ?", [user_id])[0]["email"]
        run(db, "delete from login_failures where email = ?", [email])
        # The row stays for the ticks that point at it; nothing in it says who it was, and no
        # password opens it (the hash "!" matches no password).
        run(
            db,
            "update users set name = ?, email = ?, password_hash = '!',"
            " deleted_at = ? where id = ?",
            [FORMER_MEMBER, f"former-member-{user_id}", iso(at), user_id],
        )
    return alone
