"""The `planner` command: plan, check-content, and (with the web app) migrate and serve."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from planner.catalog import CatalogError, default_folder, load_catalog
from planner.engine import build_plan
from planner.printout import render_text
from planner.profile import ProfileError, parse


def _catalog(folder: str | None):
    try:
        return load_catalog(folder or default_folder())
    except CatalogError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise SystemExit(1) from None


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)
    raise SystemExit(2)


def _read_profile(source: str) -> object:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _fail([f"profile: cannot read {source}: {exc.__class__.__name__}"])
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        _fail([f"profile: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"])


def _parse_today(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail([f"--today: '{value}' is not a real date written YYYY-MM-DD"])


@click.group()
def cli() -> None:
    """Personalised home checklists for people living with bone metastases."""


@cli.command()
@click.option("--profile", "source", required=True, metavar="FILE|-",
              help="The profile as JSON (profile.schema.json); - reads standard input.")
@click.option("--today", metavar="YYYY-MM-DD", help="The day to plan for (default: today).")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json",
              show_default=True, help="JSON for programs, text for people.")
@click.option("--checklists", metavar="DIR", help="Catalog folder (default: the bundled one).")
def plan(source: str, today: str | None, fmt: str, checklists: str | None) -> None:
    """Print the personalised plan for a profile.

    A bad profile prints one line per problem on stderr, naming the field, and exits 2.
    """
    day = _parse_today(today)
    raw = _read_profile(source)
    try:
        profile = parse(raw)
    except ProfileError as exc:
        _fail([str(p) for p in exc.problems])
    result = build_plan(profile, _catalog(checklists), day)
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(result))


@cli.command("check-content")
@click.option("--checklists", metavar="DIR", help="Catalog folder (default: the bundled one).")
def check_content(checklists: str | None) -> None:
    """Validate every checklist file; name the file and item of each problem (exit 1)."""
    catalog = _catalog(checklists)
    click.echo(f"ok: {len(catalog.items)} items, {len(catalog.warnings)} warnings, "
               f"{len(catalog.avoid_rules)} movement rules")


if __name__ == "__main__":
    cli()
