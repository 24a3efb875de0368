"""Users, households and memberships (links to join or view a household: store/links.py)."""

from __future__ import annotations

import datetime as dt
import functools

from werkzeug.security import check_password_hash, generate_password_hash

from planner import permissions
from planner.clock import DEFAULT_ZONE, iso
from planner.i18n import N_
from planner.permissions import ROLES
from planner.store import activity
from planner.store.sql import (
    Database,
    defer_foreign_keys,
    fetch,
    fetch_value,
    insert,
    run,
    tables_with_column,
    transaction,
)

# A household always keeps one of these roles (who may do what: planner/permissions.py).
MANAGERS = ("patient", "caregiver")


@functools.cache
def _dummy_hash() -> str:
    """Checked when the email is unknown, so that the answer takes as long as for a real
    account. Made at the first such sign-in, not at import: scrypt takes ~0.1 s by design."""
    return generate_password_hash("not a real password", method="scrypt")


# Wrong passwords for one email within the window before sign-in is refused for a while.
MAX_FAILURES = 10
# Wrong passwords from one address within the window (for any accounts): higher than
# MAX_FAILURES, because a household or a clinic may share one address.
MAX_ADDRESS_FAILURES = 30
FAILURE_WINDOW = dt.timedelta(minutes=15)


class AccountError(Exception):
    """Something about accounts that a person can fix; `str()` is a sentence to show them."""


class EmailTaken(AccountError):
    """An account with this email already exists."""


class LastManager(AccountError):
    """Removing this member would leave the household empty, or with no patient or caregiver."""


class NotMember(AccountError):
    """The user is not a member of the household."""


def normalise_email(email: str) -> str:
    """The form of an email address that accounts are stored and looked up by."""
    return email.strip().lower()


# Users ------------------------------------------------------------------------------------------


def get_user(db: Database, user_id: int) -> dict | None:
    """The user with this id (without the password hash), or None."""
    rows = fetch(
        db, "select id, email, name, created_at, language from users where id = ?", [user_id]
    )
    return rows[0] if rows else None


def user_by_email(db: Database, email: str) -> dict | None:
    """The user with this email (without the password hash), or None."""
    rows = fetch(
        db,
        "select id, email, name, created_at, language from users where email = ?",
        [normalise_email(email)],
    )
    return rows[0] if rows else None


def create_user(
    db: Database,
    email: str,
    name: str,
    password: str,
    *,
    at: dt.datetime,
    language: str | None = None,
) -> dict:
    """Create an account; raise EmailTaken if the email already has one.

    The password is kept only as a salted scrypt hash; `language`: the one chosen at signup.
    """
    email = normalise_email(email)
    # A taken email is refused before the costly hash (asked again below, in the transaction,
    # in case someone else took it meanwhile).
    if user_by_email(db, email) is not None:
        raise EmailTaken("An account with this email already exists.")
    password_hash = generate_password_hash(password, method="scrypt")
    with transaction(db):
        if user_by_email(db, email) is not None:
            raise EmailTaken("An account with this email already exists.")
        user_id = insert(
            db,
            "users",
            {
                "email": email,
                "name": name.strip(),
                "password_hash": password_hash,
                "created_at": iso(at),
                "language": language,
            },
        )
    return get_user(db, user_id)


def import_users(
    db: Database, people: list[tuple[str, str]], password_hash: str, *, at: dt.datetime
) -> list[int]:
    """Create many accounts, (email, name) each, that share one password already hashed by the
    caller; return their ids in order. For imports and the benchmark seeder: scrypt takes about
    0.1 s per hash by design, so thousands of create_user calls would take minutes.

    All or nothing: an email that already has an account raises EmailTaken and creates none.
    """
    ids = []
    with transaction(db):
        for email, name in people:
            if user_by_email(db, email) is not None:
                raise EmailTaken("An account with this email already exists.")
            ids.append(
                insert(
                    db,
                    "users",
                    {
                        "email": normalise_email(email),
                        "name": name.strip(),
                        "password_hash": password_hash,
                        "created_at": iso(at),
                    },
                )
            )
    return ids


def login_blocked(
    db: Database, email: str, address: str | None = None, *, at: dt.datetime
) -> str | None:
    """Why sign-in is paused, or None: "account" after MAX_FAILURES wrong passwords for this
    email within FAILURE_WINDOW, "address" after MAX_ADDRESS_FAILURES from this address (one
    machine trying many accounts, which the per-account count alone would not slow)."""
    since = iso(at - FAILURE_WINDOW)
    count = fetch_value(
        db,
        "select count(*) from login_failures where email = ? and at > ?",
        [normalise_email(email), since],
    )
    if count >= MAX_FAILURES:
        return "account"
    if address:
        count = fetch_value(
            db,
            "select count(*) from login_failures where address = ? and at > ?",
            [address, since],
        )
        if count >= MAX_ADDRESS_FAILURES:
            return "address"
    return None


class LoginPaused(AccountError):
    """Too many wrong passwords lately; `reason` is "account" or "address" (login_blocked)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def authenticate(
    db: Database, email: str, password: str, address: str | None = None, *, at: dt.datetime
) -> dict | None:
    """The user whose email and password these are, or None (and the failure is recorded with
    the address it came from); LoginPaused, without checking the password, while
    login_blocked() says so.

    The limit holds under concurrency: each try is counted and noted as a failure in one
    transaction *before* the password is checked, so sixty simultaneous tries cannot all pass
    the count; a right password then takes its note back.
    An unknown email still costs one hash check, so the time taken does not reveal accounts.
    A success clears the account's failures but not the address's: otherwise a guesser with
    one account of their own could reset the count for their address at will.
    """
    email = normalise_email(email)
    with transaction(db):
        run(db, "delete from login_failures where at <= ?", [iso(at - FAILURE_WINDOW)])
        blocked = login_blocked(db, email, address, at=at)
        if blocked:
            raise LoginPaused(blocked)
        attempt = insert(db, "login_failures", {"email": email, "address": address, "at": iso(at)})
    rows = fetch(db, "select id, password_hash from users where email = ?", [email])
    stored = rows[0]["password_hash"] if rows else _dummy_hash()
    if check_password_hash(stored, password) and rows:
        with transaction(db):
            run(db, "delete from login_failures where email = ? or id = ?", [email, attempt])
        return get_user(db, rows[0]["id"])
    return None


# Households and members -------------------------------------------------------------------------


def get_household(db: Database, household_id: int) -> dict | None:
    """The household with this id, or None."""
    rows = fetch(db, "select * from households where id = ?", [household_id])
    return rows[0] if rows else None


def get_membership(db: Database, household_id: int, user_id: int) -> dict | None:
    """The user's membership of the household ({household_id, user_id, role, ...}), or None."""
    rows = fetch(
        db, "select * from members where household_id = ? and user_id = ?", [household_id, user_id]
    )
    return rows[0] if rows else None


def check_role(role: str) -> None:
    """Refuse (ValueError) a role that is not one of ROLES."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")


def add_member(
    db: Database, household_id: int, user_id: int, role: str, *, at: dt.datetime
) -> None:
    """Make the user a member of the household with this role (no change if already one)."""
    check_role(role)
    with transaction(db):
        run(
            db,
            "insert into members (household_id, user_id, role, joined_at)"
            " values (?, ?, ?, ?) on conflict do nothing",
            [household_id, user_id, role, iso(at)],
        )


def create_household(
    db: Database,
    name: str,
    user_id: int,
    role: str,
    *,
    at: dt.datetime,
    timezone: str = DEFAULT_ZONE,
) -> dict:
    """Create a household living in `timezone` with its creator as its first member, in one
    transaction."""
    check_role(role)
    with transaction(db):
        household_id = insert(
            db,
            "households",
            {
                "name": name.strip(),
                "created_by": user_id,
                "created_at": iso(at),
                "timezone": timezone,
            },
        )
        add_member(db, household_id, user_id, role, at=at)
        activity.record(db, household_id, "joined", at=at, actor_id=user_id, detail={"role": role})
    return get_household(db, household_id)


def set_timezone(db: Database, household_id: int, timezone: str) -> None:
    """Move the household to another time zone. Its revision moves on too: the day its pages
    show may change with it."""
    with transaction(db):
        run(
            db,
            "update households set timezone = ?, revision = revision + 1 where id = ?",
            [timezone, household_id],
        )


def households_for(db: Database, user_id: int) -> list[dict]:
    """The user's households, oldest membership first, each with the user's `role` in it."""
    return fetch(
        db,
        "select households.*, members.role from members join households"
        " on households.id = members.household_id where members.user_id = ?"
        " order by members.joined_at, households.id",
        [user_id],
    )


def members(db: Database, household_id: int) -> list[dict]:
    """The household's members: user_id, name, email, role, joined_at; oldest first."""
    return fetch(
        db,
        "select members.user_id, users.name, users.email, members.role, members.joined_at"
        " from members join users on users.id = members.user_id"
        " where members.household_id = ? order by members.joined_at, users.id",
        [household_id],
    )


def seat(db: Database, household_id: int, user_id: int) -> dict | None:
    """A person's place in a household, in two reads: {"household", "member" (their members
    row, None if they are not a member), "standing" (empty for a non-member), "present" (the
    roles in the household)}; None when there is no such household. Every household page and
    every link's check of its maker read it here. See planner/permissions.py."""
    household = get_household(db, household_id)
    if household is None:
        return None
    rows = fetch(db, "select * from members where household_id = ?", [household_id])
    member = next((row for row in rows if row["user_id"] == user_id), None)
    present = {row["role"] for row in rows}
    standing = (
        permissions.standing(member["role"], user_id, household, present) if member else set()
    )
    return {"household": household, "member": member, "standing": standing, "present": present}


def standing_of(db: Database, household_id: int, user_id: int) -> tuple[set[str], set[str]]:
    """(the user's standing in the household, the roles present there), from `seat`; the
    standing is empty for someone who is not a member."""
    found = seat(db, household_id, user_id)
    return (found["standing"], found["present"]) if found else (set(), set())


def set_manager(
    db: Database, household_id: int, user_id: int | None, *, by: int, at: dt.datetime
) -> None:
    """Name the caregiver who helps the patient manage the household (None: nobody); logged.
    Refuses (NotMember) anyone who is not a caregiver of the household."""
    with transaction(db):
        if user_id is not None:
            member = get_membership(db, household_id, user_id)
            if member is None or member["role"] != "caregiver":
                raise NotMember(N_("Only a caregiver of this household can help manage it."))
        run(
            db,
            "update households set manager_id = ?, revision = revision + 1 where id = ?",
            [user_id, household_id],
        )
        activity.record(db, household_id, "manager_named", at=at, actor_id=by, subject_id=user_id)


def remove_member(
    db: Database,
    household_id: int,
    user_id: int,
    *,
    by: int | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Remove a member; refuse (LastManager) if that would leave the household empty, or
    take away its last patient or caregiver. With `at`, the removal (or leaving, when `by` is
    the member) is logged in the same transaction. Who may remove whom is the views' to
    check (planner/permissions.py).

    A physiotherapist can always be removed while someone else remains.
    """
    with transaction(db):
        member = get_membership(db, household_id, user_id)
        if member is None:
            raise NotMember(N_("This person is not a member of this household."))
        others = {
            row["role"]
            for row in fetch(
                db,
                "select role from members where household_id = ? and user_id != ?",
                [household_id, user_id],
            )
        }
        if not others:
            raise LastManager(N_("The last member of a household cannot be removed."))
        if member["role"] in MANAGERS and not others & set(MANAGERS):
            raise LastManager(
                "A household needs at least one patient or caregiver, "
                "so this person cannot be removed yet."
            )
        run(
            db,
            "delete from members where household_id = ? and user_id = ?",
            [household_id, user_id],
        )
        run(
            db,
            "update households set manager_id = null where id = ? and manager_id = ?",
            [household_id, user_id],
        )
        if member["role"] == "physio" and "physio" not in others:
            # Nobody is left to confirm: a waiting proposal lapses (see store/proposals.py),
            # and without a physiotherapist the household answers for itself again.
            run(
                db,
                "update proposals set status = 'lapsed' where household_id = ?"
                " and status = 'waiting'",
                [household_id],
            )
        if at is not None:
            leaving = by == user_id
            activity.record(
                db,
                household_id,
                "left" if leaving else "removed",
                at=at,
                actor_id=by,
                subject_id=None if leaving else user_id,
                detail={"role": member["role"]},
            )


def delete_household(db: Database, household_id: int) -> None:
    """Delete the household and everything of it: every table with a household_id column (so a
    table added later is not forgotten), then the household itself. One transaction."""
    tables = [t for t in tables_with_column(db, "household_id") if t != "households"]
    with transaction(db):
        # Children and parents go in one transaction; the foreign keys are checked at COMMIT.
        defer_foreign_keys(db)
        for table in tables:
            run(db, f"delete from [{table}] where household_id = ?", [household_id])
        run(db, "delete from households where id = ?", [household_id])
