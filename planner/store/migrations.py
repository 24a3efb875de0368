"""The schema, as numbered migrations run in their numbered order on both engines. Never
rename one that has shipped.

Each is written once with sqlite-utils' table-making calls; on PostgreSQL the same calls go to
schema_pg.PgSchema, and the triggers, the one part spelled differently, to triggers.py. SQLite
records what ran in sqlite-utils' `_sqlite_migrations`; PostgreSQL in `planner_migrations`.

Until issue 22 the list ran in written order, m011 and m012 before m007: they are now written
in number order. Nothing re-runs on an existing database (what ran is found by name), and
none of m007-m012 needs another of them, so a database part-way through either order ends
the same.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlite_utils
from sqlite_utils import Database, Migrations

from planner.store import postgres, triggers
from planner.store.schema_pg import PgSchema
from planner.store.sqlite import WRITE_LOCK

migrations = Migrations("planner")


@migrations()
def m001_initial(db: Database) -> None:
    """Accounts, households and members, invites, profiles, plan versions, tasks and ticks."""
    db["users"].create(
        {"id": int, "email": str, "name": str, "password_hash": str, "created_at": str},
        pk="id",
        not_null={"email", "password_hash"},
        strict=True,
    )
    db["users"].create_index(["email"], unique=True)
    db["households"].create(
        {"id": int, "name": str, "created_at": str, "created_by": int},
        pk="id",
        foreign_keys=[("created_by", "users", "id")],
        strict=True,
    )
    db["members"].create(
        {"household_id": int, "user_id": int, "role": str, "joined_at": str},
        pk=("household_id", "user_id"),
        foreign_keys=[("household_id", "households", "id"), ("user_id", "users", "id")],
        strict=True,
    )
    # Invite and share links: only a hash of the secret is stored.
    db["invites"].create(
        {
            "id": int,
            "household_id": int,
            "token_hash": str,
            "role": str,
            "kind": str,
            "created_by": int,
            "created_at": str,
            "expires_at": str,
            "used_at": str,
            "used_by": int,
            "revoked_at": str,
        },
        pk="id",
        foreign_keys=[
            ("household_id", "households", "id"),
            ("created_by", "users", "id"),
            ("used_by", "users", "id"),
        ],
        strict=True,
    )
    db["invites"].create_index(["token_hash"], unique=True)
    db["profiles"].create(
        {"household_id": int, "profile_json": str, "updated_at": str, "updated_by": int},
        pk="household_id",
        foreign_keys=[("household_id", "households", "id"), ("updated_by", "users", "id")],
        strict=True,
    )
    # Every applied plan is kept as a version; the tasks table holds the current one's items.
    db["plans"].create(
        {
            "id": int,
            "household_id": int,
            "version": int,
            "plan_json": str,
            "profile_json": str,
            "created_at": str,
            "created_by": int,
        },
        pk="id",
        foreign_keys=[("household_id", "households", "id"), ("created_by", "users", "id")],
        strict=True,
    )
    db["plans"].create_index(["household_id", "version"], unique=True)
    db["tasks"].create(
        {
            "household_id": int,
            "item_id": str,
            "domain": str,
            "item_json": str,
            "active": int,
            "position": int,
            "since_version": int,
        },
        pk=("household_id", "item_id"),
        foreign_keys=[("household_id", "households", "id")],
        strict=True,
    )
    # The current state of each occurrence of a task: `occurrence` is the day for daily and
    # weekly tasks, the dose day for every-n-weeks tasks and "once" for one-off tasks; `slot`
    # numbers the taps of a task done several times a day.
    db["ticks"].create(
        {
            "household_id": int,
            "item_id": str,
            "occurrence": str,
            "slot": int,
            "state": str,
            "by_user": int,
            "done_for": int,
            "updated_at": str,
        },
        pk=("household_id", "item_id", "occurrence", "slot"),
        foreign_keys=[
            ("household_id", "households", "id"),
            ("by_user", "users", "id"),
            ("done_for", "users", "id"),
        ],
        strict=True,
    )
    # Every change of state, never updated: the history a week view reads.
    db["tick_events"].create(
        {
            "id": int,
            "household_id": int,
            "item_id": str,
            "occurrence": str,
            "slot": int,
            "state": str,
            "by_user": int,
            "done_for": int,
            "at": str,
        },
        pk="id",
        foreign_keys=[
            ("household_id", "households", "id"),
            ("by_user", "users", "id"),
            ("done_for", "users", "id"),
        ],
        strict=True,
    )
    db["tick_events"].create_index(["household_id", "at"])
    db["ticks"].create_index(["household_id", "occurrence"])
    db.index_foreign_keys()


@migrations()
def m002_login_failures(db: Database) -> None:
    """Wrong-password attempts per email, so that sign-in can be slowed after many of them."""
    db["login_failures"].create(
        {"id": int, "email": str, "at": str}, pk="id", not_null={"email", "at"}, strict=True
    )
    db["login_failures"].create_index(["email", "at"])


@migrations()
def m003_login_failure_address(db: Database) -> None:
    """The address each wrong password came from, so that sign-in is also slowed per address
    (one machine trying many accounts), not only per account."""
    db["login_failures"].add_column("address", str)
    db["login_failures"].create_index(["address", "at"])


@migrations()
def m004_tailoring(db: Database) -> None:
    """A physiotherapist's tailoring: kept with each plan version, a draft per household being
    edited, named templates per physiotherapist, and the version each household last saw."""
    db["plans"].add_column("tailoring_json", str)
    db["tailoring_drafts"].create(
        {"household_id": int, "tailoring_json": str, "updated_by": int, "updated_at": str},
        pk="household_id",
        foreign_keys=[("household_id", "households", "id"), ("updated_by", "users", "id")],
        strict=True,
    )
    db["exercise_templates"].create(
        {"id": int, "owner_id": int, "name": str, "tailoring_json": str, "created_at": str},
        pk="id",
        not_null={"owner_id", "name", "tailoring_json"},
        foreign_keys=[("owner_id", "users", "id")],
        strict=True,
    )
    db["exercise_templates"].create_index(["owner_id", "name"], unique=True)
    # The plan version a household has acknowledged; until then Today shows what changed.
    # Households with a plan already start acknowledged, so no old change is shown as new.
    db["plan_seen"].create(
        {"household_id": int, "version": int, "seen_by": int, "seen_at": str},
        pk="household_id",
        foreign_keys=[("household_id", "households", "id"), ("seen_by", "users", "id")],
        strict=True,
    )
    db.execute(
        "insert into plan_seen (household_id, version) select household_id, max(version)"
        " from plans group by household_id"
    )
    db.index_foreign_keys()


# Every table whose rows a household's pages show; a write to any of them moves the household's
# revision on, so a page kept in memory for an older revision is never shown again.
REVISED_TABLES = ("members", "profiles", "plans", "tasks", "ticks", "plan_seen")


@migrations()
def m005_household_revision(db: Database) -> None:
    """A revision per household, moved on by triggers in the same statement as any write to its
    data: a new write path cannot forget it, and a second server process sees it too."""
    db["households"].add_column("revision", int, not_null_default=0)
    for table in REVISED_TABLES:
        triggers.revision(db, table)


@migrations()
def m006_household_timezone(db: Database) -> None:
    """The time zone each household lives in (IANA name), so that its days are its own, not the
    server's. Households made before this live in UTC until someone sets their zone."""
    db["households"].add_column("timezone", str, not_null_default="UTC")


@migrations()
def m007_trust(db: Database) -> None:
    """Issue 13: the caregiver the patient names to help manage the household; the activity
    log the patient reads; proposals that make a plan less careful, waiting for the
    physiotherapist; and whether a view link shows the reasons that name the diagnosis.

    Activity rows keep user ids without a foreign key: the log outlives the people in it (an
    entry about someone who has gone reads "a former member")."""
    db["households"].add_column("manager_id", int)
    db["activity"].create(
        {
            "id": int,
            "household_id": int,
            "kind": str,
            "actor_id": int,
            "subject_id": int,
            "detail_json": str,
            "at": str,
        },
        pk="id",
        not_null={"household_id", "kind", "at"},
        foreign_keys=[("household_id", "households", "id")],
        strict=True,
    )
    db["activity"].create_index(["household_id", "at"])
    db["proposals"].create(
        {
            "id": int,
            "household_id": int,
            "changes_json": str,
            "proposed_by": int,
            "proposed_at": str,
            "status": str,
            "decided_by": int,
            "decided_at": str,
        },
        pk="id",
        not_null={"household_id", "changes_json", "status", "proposed_at"},
        foreign_keys=[("household_id", "households", "id")],
        strict=True,
    )
    db["proposals"].create_index(["household_id", "status"])
    db["invites"].add_column("show_details", int, not_null_default=0)
    # A proposal shows on the household's pages: its writes move the revision on (see m005).
    triggers.revision(db, "proposals")


@migrations()
def m008_sessions_and_accounts(db: Database) -> None:
    """Server-side sessions (only a hash of each session's secret id is stored, so that a copy
    of the database opens no session), password-reset tokens (hashed, single use, expiring),
    signups and reset requests per address (to slow account farming and mail flooding), and
    when an account was deleted (its row stays, without name, email or password, so that its
    ticks read "a former member")."""
    db["sessions"].create(
        {"id_hash": str, "user_id": int, "created_at": str, "seen_at": str},
        pk="id_hash",
        not_null={"user_id", "created_at", "seen_at"},
        foreign_keys=[("user_id", "users", "id")],
        strict=True,
    )
    db["sessions"].create_index(["user_id"])
    db["password_resets"].create(
        {"token_hash": str, "user_id": int, "created_at": str, "expires_at": str, "used_at": str},
        pk="token_hash",
        not_null={"user_id", "created_at", "expires_at"},
        foreign_keys=[("user_id", "users", "id")],
        strict=True,
    )
    db["password_resets"].create_index(["user_id"])
    db["attempts"].create(
        {"id": int, "kind": str, "address": str, "at": str},
        pk="id",
        not_null={"kind", "address", "at"},
        strict=True,
    )
    db["attempts"].create_index(["kind", "address", "at"])
    db["users"].add_column("deleted_at", str)


# Tables added after m005 whose rows Today shows: their triggers are made by their own migration.
REVISED_LATER = ("proposals", "assignments", "care_contacts")


@migrations()
def m009_assignments(db: Database) -> None:
    """Who in the household is to do each home set-up task (or help with it when it "needs
    help"): one member per task, or nobody yet. Moves the household's revision like the rest."""
    db["assignments"].create(
        {
            "household_id": int,
            "item_id": str,
            "user_id": int,
            "assigned_by": int,
            "assigned_at": str,
        },
        pk=("household_id", "item_id"),
        not_null={"user_id"},
        foreign_keys=[
            ("household_id", "households", "id"),
            ("user_id", "users", "id"),
            ("assigned_by", "users", "id"),
        ],
        strict=True,
    )
    db["assignments"].create_index(["user_id"])
    triggers.revision(db, "assignments")


@migrations()
def m010_care_contacts(db: Database) -> None:
    """The care team's phone numbers per household (emergency, cancer team, physiotherapist,
    dentist, GP), one row per kind. Today shows them, so a change moves the revision on."""
    db["care_contacts"].create(
        {
            "household_id": int,
            "kind": str,
            "name": str,
            "phone": str,
            "updated_at": str,
            "updated_by": int,
        },
        pk=("household_id", "kind"),
        not_null={"phone"},
        foreign_keys=[("household_id", "households", "id"), ("updated_by", "users", "id")],
        strict=True,
    )
    db.index_foreign_keys()
    triggers.revision(db, "care_contacts")


@migrations()
def m011_reminders(db: Database) -> None:
    """Reminders: each person's choices per household, the outbox of what is due to be sent
    (one row per person, kind, task, day and channel, so nothing is sent twice), the devices
    that take web push, and the hashes of one-click unsubscribe links."""
    db["reminder_settings"].create(
        {
            "household_id": int,
            "user_id": int,
            "digest": int,
            "digest_time": str,
            "key_dates": int,
            "caregiver_alerts": int,
            "tell_caregivers": int,
            "quiet_start": str,
            "quiet_end": str,
            "timezone": str,
            "email": int,
            "push": int,
            "updated_at": str,
        },
        pk=("household_id", "user_id"),
        not_null={
            "digest",
            "digest_time",
            "key_dates",
            "caregiver_alerts",
            "tell_caregivers",
            "email",
            "push",
        },
        defaults={
            "digest": 0,
            "digest_time": "08:00",
            "key_dates": 0,
            "caregiver_alerts": 0,
            "tell_caregivers": 0,
            "email": 0,
            "push": 0,
        },
        foreign_keys=[("household_id", "households", "id"), ("user_id", "users", "id")],
        strict=True,
    )
    # state: queued, sending, sent, failed, cancelled. `ref` is the task an alert is about
    # ("" for a digest); `day` the recipient's local day it belongs to.
    db["outbox"].create(
        {
            "id": int,
            "household_id": int,
            "user_id": int,
            "kind": str,
            "ref": str,
            "day": str,
            "channel": str,
            "state": str,
            "due_at": str,
            "next_try_at": str,
            "attempts": int,
            "last_error": str,
            "created_at": str,
            "claimed_at": str,
            "sent_at": str,
        },
        pk="id",
        not_null={
            "household_id",
            "user_id",
            "kind",
            "ref",
            "day",
            "channel",
            "state",
            "due_at",
            "next_try_at",
            "attempts",
            "created_at",
        },
        foreign_keys=[("household_id", "households", "id"), ("user_id", "users", "id")],
        strict=True,
    )
    db["outbox"].create_index(
        ["user_id", "household_id", "kind", "ref", "day", "channel"], unique=True
    )
    db["outbox"].create_index(["state", "next_try_at"])
    db["push_subscriptions"].create(
        {"id": int, "user_id": int, "endpoint": str, "p256dh": str, "auth": str, "created_at": str},
        pk="id",
        not_null={"user_id", "endpoint", "p256dh", "auth"},
        foreign_keys=[("user_id", "users", "id")],
        strict=True,
    )
    db["push_subscriptions"].create_index(["endpoint"], unique=True)
    db["unsubscribe_tokens"].create(
        {
            "token_hash": str,
            "household_id": int,
            "user_id": int,
            "created_at": str,
            "expires_at": str,
        },
        pk="token_hash",
        foreign_keys=[("household_id", "households", "id"), ("user_id", "users", "id")],
        strict=True,
    )
    db.index_foreign_keys()


@migrations()
def m012_calendar_feeds_and_visits(db: Database) -> None:
    """Calendar subscriptions, one person's each: only a hash of the secret in the address is
    stored; each says whether it shows full titles and a daily summary, when it was last read,
    until when it works and whether it was cancelled. And for the visit summary: the questions a
    household wants to ask at the next clinic visit, and the days of the last and next visits."""
    db["calendar_feeds"].create(
        {
            "id": int,
            "household_id": int,
            "user_id": int,
            "token_hash": str,
            "full_titles": int,
            "daily_summary": int,
            "created_at": str,
            "expires_at": str,
            "last_read_at": str,
            "revoked_at": str,
        },
        pk="id",
        not_null={"household_id", "user_id", "token_hash", "created_at", "expires_at"},
        foreign_keys=[("household_id", "households", "id"), ("user_id", "users", "id")],
        strict=True,
    )
    db["calendar_feeds"].create_index(["token_hash"], unique=True)
    db["calendar_feeds"].create_index(["household_id", "user_id"])
    db["visit_questions"].create(
        {"id": int, "household_id": int, "text": str, "created_by": int, "created_at": str},
        pk="id",
        not_null={"household_id", "text", "created_at"},
        foreign_keys=[("household_id", "households", "id"), ("created_by", "users", "id")],
        strict=True,
    )
    db["visit_questions"].create_index(["household_id"])
    db["visit_dates"].create(
        {
            "household_id": int,
            "last_visit": str,
            "next_visit": str,
            "updated_by": int,
            "updated_at": str,
        },
        pk="household_id",
        foreign_keys=[("household_id", "households", "id"), ("updated_by", "users", "id")],
        strict=True,
    )
    # Written in number order (issue 22), m012 now runs after m010, whose index_foreign_keys()
    # made these tables' foreign-key indexes when m012 ran first: made here instead, so that a
    # new database has what every existing one has.
    db.index_foreign_keys()


@migrations()
def m013_tick_events_by_trigger(db: Database) -> None:
    """Every change of a tick's state writes its history event in the same statement: a tap is
    one statement, all or nothing with its event (and the household's revision), instead of a
    transaction of five calls into SQLite, each of which gives up the GIL (issue 17)."""
    triggers.tick_events(db)


@migrations()
def m014_drop_repeated_household_indexes(db: Database) -> None:
    """Drop the household_id indexes of ticks and tick_events that m001's index_foreign_keys()
    made beside indexes that already begin with household_id (the ticks' primary key and
    (household_id, occurrence); tick_events' (household_id, at)): those serve every lookup by
    household, the foreign-key checks included. Each new tick and every history event wrote a
    page of each for nothing, and together they were 6 % of a year's database (issue 17). A
    later migration that calls index_foreign_keys() would make them again: drop them there."""
    db.execute("drop index if exists idx_ticks_household_id")
    db.execute("drop index if exists idx_tick_events_household_id")


@migrations()
def m015_tap_keys(db: Database) -> None:
    """The keys of taps sent from a phone's queue (issue 23): each key is made on the phone
    when the person taps, and the server applies a key once, however often it is sent (a
    retry after a lost answer, two tabs). A key is kept with its household, so it goes when
    the household does."""
    db["tap_keys"].create(
        {"household_id": int, "key": str, "user_id": int, "at": str},
        pk=("household_id", "key"),
        not_null={"user_id", "at"},
        foreign_keys=[("household_id", "households", "id"), ("user_id", "users", "id")],
        strict=True,
    )
    db["tap_keys"].create_index(["user_id"])


@migrations()
def m016_content_review(db: Database) -> None:
    """Issue 25: the content version (release number and hash of checklists/) each plan version
    was made from; the reviewers, a role outside households granted from the command line; and
    every content version a reviewer signed, with what they signed (the safety outcomes and a
    fingerprint of each item, as checklists/signature.yaml holds the latest). Plans made before
    this have no content version: they read "made before content versions were recorded"."""
    db["plans"].add_column("content_release", str)
    db["plans"].add_column("content_hash", str)
    db["reviewers"].create(
        {"user_id": int, "granted_at": str},
        pk="user_id",
        not_null={"granted_at"},
        foreign_keys=[("user_id", "users", "id")],
        strict=True,
    )
    db["content_signatures"].create(
        {
            "id": int,
            "release": str,
            "content_hash": str,
            "reviewer_id": int,
            "signed_by": str,
            "signed_at": str,
            "record_json": str,
        },
        pk="id",
        not_null={"release", "content_hash", "reviewer_id", "signed_by", "signed_at"},
        foreign_keys=[("reviewer_id", "users", "id")],
        strict=True,
    )
    # Named, not index_foreign_keys(): that would make m014's dropped indexes again.
    db["content_signatures"].create_index(["reviewer_id"])


@migrations()
def m017_override_notices(db: Database) -> None:
    """Issue 25: a physiotherapist's override dropped because the profile fact behind its rule
    changed, kept until a physiotherapist of the household has read it (their exercise page and
    caseload say so). Not on the household's own pages, so it moves no revision."""
    db["override_notices"].create(
        {
            "id": int,
            "household_id": int,
            "rule_id": str,
            "item_id": str,
            "reason": str,
            "made_by": int,
            "made_on": str,
            "changed_json": str,
            "dropped_at": str,
            "dismissed_at": str,
            "dismissed_by": int,
        },
        pk="id",
        not_null={"household_id", "rule_id", "reason", "changed_json", "dropped_at"},
        foreign_keys=[("household_id", "households", "id")],
        strict=True,
    )
    db["override_notices"].create_index(["household_id", "dismissed_at"])


@migrations()
def m020_languages(db: Database) -> None:
    """Issue 24: each person's language (NULL: not chosen yet, the browser's is used), and the
    language a read-only link speaks, its maker's when it was made (NULL for links made before:
    they speak English, as they always did)."""
    db["users"].add_column("language", str)
    db["invites"].add_column("language", str)


def private(path: str | Path) -> None:
    """Make the database file readable by its owner only (0600), creating it so if it is new,
    before SQLite opens it: SQLite gives the -wal and -shm files the database file's mode. Health
    data must not be readable by every account on the machine."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for each in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if each.exists() and each.stat().st_mode & 0o077:
            each.chmod(0o600)


def number(name: str) -> int:
    """A migration's number: m007_trust -> 7."""
    return int(name[1:4])


def migrate(path: str | Path) -> list[str]:
    """Bring the database at `path` (a file, or a PostgreSQL URL) up to date; return the names
    of migrations applied.

    Runs on its own connection without the foreign-key pragma, because sqlite-utils' transform()
    inside a migration fails with foreign keys on (STYLE.md section 6).
    """
    if postgres.is_url(path):
        return _migrate_postgres(str(path))
    private(path)
    with WRITE_LOCK, sqlite_utils.Database(path) as db:
        db.execute("PRAGMA busy_timeout = 10000")
        if db.journal_mode != "wal":
            db.enable_wal()
        pending = [m.name for m in migrations.pending(db)]
        migrations.apply(db)
    return pending


PG_RECORD = "planner_migrations"
PG_MIGRATIONS_LOCK = postgres.WRITERS_LOCK + 1


def applied_postgres(db: postgres.PgDatabase) -> list[str]:
    """The migrations applied to a PostgreSQL database, in the order they ran ([] if none)."""
    exists = db.conn.execute("select to_regclass(?) is not null", [PG_RECORD]).fetchone()
    if not exists or not exists[0]:
        return []
    rows = db.conn.execute(f"select name from {PG_RECORD} order by id").fetchall()
    return [row[0] for row in rows]


def _migrate_postgres(url: str) -> list[str]:
    """Each pending migration in its own transaction with its record. A session-wide advisory
    lock makes servers that start at once take turns: the second finds nothing pending."""
    db = postgres.connect(url)
    try:
        db.conn.execute(f"select pg_advisory_lock({PG_MIGRATIONS_LOCK})")
        with db.conn.raw.transaction():
            for statement in postgres.FUNCTIONS:
                db.conn.raw.execute(statement)
            db.conn.raw.execute(
                f"create table if not exists {PG_RECORD} (id bigint generated by default as"
                " identity primary key, migration_set text not null, name text not null,"
                " applied_at text not null, unique (migration_set, name))"
            )
        done = set(applied_postgres(db))
        pending = [m for m in migrations._migrations if m.name not in done]
        for migration in pending:
            with db.conn.raw.transaction():
                migration.fn(PgSchema(db))  # type: ignore[arg-type]
                db.conn.execute(
                    f"insert into {PG_RECORD} (migration_set, name, applied_at)"
                    " values ('planner', ?, now()::text)",
                    [migration.name],
                )
        db.conn.execute(f"select pg_advisory_unlock({PG_MIGRATIONS_LOCK})")
    finally:
        db.close()
    return [m.name for m in pending]
