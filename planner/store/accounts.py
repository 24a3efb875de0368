"""Users, households, memberships and invite links."""

from __future__ import annotations

from sqlite_utils import Database


def get_user(db: Database, user_id: int) -> dict | None:
    """The user with this id (without the password hash), or None."""
    rows = list(db.query("select id, email, name, created_at from users where id = ?", [user_id]))
    return rows[0] if rows else None


def get_household(db: Database, household_id: int) -> dict | None:
    """The household with this id, or None."""
    rows = list(db.query("select * from households where id = ?", [household_id]))
    return rows[0] if rows else None


def get_membership(db: Database, household_id: int, user_id: int) -> dict | None:
    """The user's membership of the household ({household_id, user_id, role, ...}), or None."""
    rows = list(db.query("select * from members where household_id = ? and user_id = ?",
                         [household_id, user_id]))
    return rows[0] if rows else None
