"""`planner reviewer add|list|remove` and what `planner check-content` says of the signature:
the clinical reviewers (a role outside households) who sign a content version in the app.

planner/cli.py adds the group, giving it its own --db/--database-url option and its way of
finding the database, so that both stay written once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from planner import clock
from planner.plans.catalog import Catalog
from planner.plans.signatures import check
from planner.store.sql import close, connect


def report_signature(catalog: Catalog, folder: Path) -> None:
    """Say whether the content's safety outcomes are those last signed; exit 1 if not."""
    problems, notes = check(catalog, folder)
    for note in notes:
        click.echo(note)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)


def group(db_option: Callable, database: Callable[[str | None], str]) -> click.Group:
    """The `reviewer` command group; `db_option` and `database` are cli.py's."""

    def _open(path: str | None):
        from planner.store.migrations import migrate

        target = database(path)
        migrate(target)
        return connect(target)

    @click.group()
    def reviewer() -> None:
        """Clinical reviewers: people who sign a content version of the advice in the app
        (its Review page) after seeing how the safety outcomes changed. A role outside
        households; a reviewer signs in with an ordinary account."""

    @reviewer.command("add")
    @click.argument("email")
    @db_option("path")
    def add(email: str, path: str | None) -> None:
        """Make the person with the account EMAIL a reviewer."""
        from planner.store import accounts, reviewers

        db = _open(path)
        try:
            user = accounts.user_by_email(db, email)
            if user is None:
                raise click.ClickException(
                    f"no account has the email {email}: the reviewer creates one first "
                    "(the planner's Create an account page), then run this again"
                )
            if not reviewers.grant(db, user["id"], at=clock.system_now()):
                click.echo(f"{user['name']} <{user['email']}> is already a reviewer.")
                return
            click.echo(
                f"{user['name']} <{user['email']}> is now a reviewer: the Review page is on "
                "their start page once they sign in."
            )
        finally:
            close(db)

    @reviewer.command("list")
    @db_option("path")
    def list_(path: str | None) -> None:
        """List the reviewers and when each was made one."""
        from planner.store import reviewers

        db = _open(path)
        try:
            found = reviewers.reviewers(db)
        finally:
            close(db)
        if not found:
            click.echo("No reviewers yet: planner reviewer add EMAIL")
        for row in found:
            click.echo(f"{row['email']}  {row['name']}  (since {row['granted_at'][:10]})")

    @reviewer.command("remove")
    @click.argument("email")
    @db_option("path")
    def remove(email: str, path: str | None) -> None:
        """Take the reviewer role from EMAIL (the signatures they made stay)."""
        from planner.store import accounts, reviewers

        db = _open(path)
        try:
            user = accounts.user_by_email(db, email)
            if user is None or not reviewers.revoke(db, user["id"]):
                raise click.ClickException(f"{email} is not a reviewer")
        finally:
            close(db)
        click.echo(f"{email} is no longer a reviewer.")

    return reviewer
