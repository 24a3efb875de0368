"""The `planner` command: plan, check-content, and (with the web app) migrate, serve, backup,
restore and export."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import click

from planner import clock, i18n, planning
from planner.cli_review import group as reviewer_group
from planner.cli_review import report_signature
from planner.cli_translations import report_translations, stamp, start
from planner.plans.catalog import CatalogError, default_folder, load_catalog
from planner.plans.printout import render_text
from planner.plans.profile import ProfileError, parse
from planner.store import postgres


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
    if value is None:  # the date where the planner is set to live (PLANNER_TIMEZONE, else UTC)
        return clock.Clock().today(clock.zone(os.environ.get("PLANNER_TIMEZONE")))
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
@click.option(
    "--profile",
    "source",
    required=True,
    metavar="FILE|-",
    help="The profile as JSON (profile.schema.json); - reads standard input.",
)
@click.option("--today", metavar="YYYY-MM-DD", help="The day to plan for (default: today).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
    help="JSON for programs, text for people.",
)
@click.option("--checklists", metavar="DIR", help="Catalog folder (default: the bundled one).")
@click.option(
    "--lang",
    default=i18n.SOURCE,
    show_default=True,
    metavar="LANG",
    help=f"The language of the plan: {', '.join(i18n.languages())}.",
)
def plan(source: str, today: str | None, fmt: str, checklists: str | None, lang: str) -> None:
    """Print the personalised plan for a profile.

    A bad profile prints one line per problem on stderr, naming the field, and exits 2.
    """
    if i18n.offered(lang) != lang:
        _fail([f"--lang: '{lang}' is not one of {', '.join(i18n.languages())}"])
    day = _parse_today(today)
    raw = _read_profile(source)
    try:
        profile = parse(raw)
    except ProfileError as exc:
        _fail([str(p) for p in exc.problems])
    catalog = _catalog(checklists)
    if lang != i18n.SOURCE:
        catalog = _spoken(catalog, checklists)[lang]
    with i18n.speaking(lang):
        result = planning.plan_for(profile, catalog, day)
        if fmt == "json":
            if lang != i18n.SOURCE:  # a text still in English says so, in words
                result = {**i18n.plain_all(result), "language": lang}  # type: ignore[dict-item]
            click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        else:
            click.echo(i18n.plain(render_text(result)))


def _spoken(catalog, folder: str | None) -> dict:
    from planner.plans.translations import TranslationError, spoken_catalogs

    try:
        return spoken_catalogs(Path(folder or default_folder()), catalog, i18n.languages())
    except TranslationError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise SystemExit(1) from None


@cli.command("check-content")
@click.option("--checklists", metavar="DIR", help="Catalog folder (default: the bundled one).")
@click.option(
    "--matrix",
    "matrix_dir",
    metavar="DIR",
    help="Also write safety-matrix.md and safety-matrix.html into DIR: every exercise "
    "against every restricting fact, allowed or excluded and why.",
)
@click.option(
    "--stamp",
    "stamp_lang",
    metavar="LANG",
    help="Record, for each translated text of LANG without one, the English it was made from "
    "(from: in checklists/translations/LANG/).",
)
@click.option(
    "--start",
    "start_lang",
    metavar="LANG",
    help="Write the files of a new language in checklists/translations/LANG/: every text to "
    "translate, with its English.",
)
def check_content(
    checklists: str | None,
    matrix_dir: str | None,
    stamp_lang: str | None,
    start_lang: str | None,
) -> None:
    """Validate every checklist file; name the file and item of each problem (exit 1). Fails
    too when a safety outcome changed since the content version last signed by a reviewer
    (checklists/signature.yaml) and the change is not signed yet. Lists, for each language,
    the translated texts whose English changed since (stale) and those not translated
    (missing): both are shown in English, marked, until translated."""
    catalog = _catalog(checklists)
    folder = Path(checklists) if checklists else default_folder()
    if start_lang:
        for path in start(catalog, folder, start_lang):
            click.echo(f"wrote {path}")
    if stamp_lang:
        click.echo(f"stamped {stamp(catalog, folder, stamp_lang)} texts of {stamp_lang}")
    click.echo(
        f"ok: {len(catalog.items)} items, {len(catalog.warnings)} warnings, "
        f"{len(catalog.avoid_rules)} movement rules"
    )
    if matrix_dir:
        from planner.plans import safety_matrix

        folder = Path(matrix_dir)
        if not folder.is_dir():
            _fail([f"--matrix: {matrix_dir} is not a folder"])
        data = safety_matrix.build(catalog)
        for name, text in (
            ("safety-matrix.md", safety_matrix.to_markdown(data)),
            ("safety-matrix.html", safety_matrix.to_html(data)),
        ):
            (folder / name).write_text(text, encoding="utf-8")
            click.echo(f"wrote {folder / name}")
    report_translations(catalog, Path(checklists) if checklists else default_folder())
    report_signature(catalog, Path(checklists) if checklists else default_folder())


def _keep_url(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None and not postgres.is_url(value):
        raise click.BadParameter("write it as postgresql://user:password@host:5432/name")
    ctx.meta["database_url"] = value


def _db_option(dest: str):
    """--db PATH and --database-url URL, the two ways of naming the database a command uses."""

    def wrap(command):
        command = click.option(
            "--database-url",
            metavar="URL",
            expose_value=False,
            callback=_keep_url,
            help="A PostgreSQL database, postgresql://user:password@host:5432/planner, in "
            "place of the file (default: PLANNER_DATABASE_URL).",
        )(command)
        return click.option(
            "--db", dest, metavar="PATH", help="Database file (default: the app's)."
        )(command)

    return wrap


def _database(path: str | None) -> str:
    """The database: --database-url or --db, else what the web app would use
    (PLANNER_DATABASE_URL, PLANNER_DATABASE, the instance config.py, or planner.db in the
    instance folder), without starting the app."""
    context = click.get_current_context(silent=True)
    url = context.meta.get("database_url") if context else None
    if url:
        return url
    if path:
        return path if postgres.is_url(path) else str(Path(path).resolve())
    from flask import Flask

    from planner.web.app import instance_folder

    probe = Flask("planner", instance_path=str(instance_folder()), instance_relative_config=True)
    probe.config["DATABASE"] = str(Path(probe.instance_path) / "planner.db")
    probe.config.from_pyfile("config.py", silent=True)
    probe.config.from_prefixed_env("PLANNER")
    return str(probe.config.get("DATABASE_URL") or probe.config["DATABASE"])


@cli.command()
@_db_option("path")
def migrate(path: str | None) -> None:
    """Create or bring the database up to date (safe to run again)."""
    from planner.store.migrations import migrate as apply

    target = _database(path)
    applied = apply(target)
    click.echo(
        f"{postgres.shown(target)}: "
        + (f"applied {', '.join(applied)}" if applied else "up to date")
    )


def _safely(action):
    """Run a backup action; its refusal is one line on stderr and exit 1."""
    from planner.store.backup import BackupError

    try:
        return action()
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@_db_option("source")
def backup(path: str, source: str | None) -> None:
    """Copy the database to PATH, safely while the app is running.

    Uses SQLite's online backup, so the copy is one consistent moment even while people tick
    tasks. PATH is replaced only once the copy is complete.
    """
    from planner.store import backup as data

    database = _database(source)
    _safely(lambda: data.backup(database, path))
    click.echo(f"Backed up {database} to {Path(path).resolve()}")


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@_db_option("target")
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore(path: str, target: str | None, yes: bool) -> None:
    """Replace the database with the backup at PATH, then bring it up to date.

    Refuses a file that is not a planner database, is damaged, or was made by a newer planner,
    and then changes nothing. Everything recorded since the backup is lost: make a backup of
    the current database first if you may need it.
    """
    from planner.store import backup as data

    database = _database(target)
    _safely(lambda: data.refuse_postgres(database))
    names = _safely(lambda: data.check_schema(path))
    if not yes:
        click.confirm(
            f"Replace everything in {database} with {path} (schema {names[-1]})?", abort=True
        )
    applied = _safely(lambda: data.restore(path, database))
    click.echo(
        f"Restored {database} from {Path(path).resolve()}"
        + (f"; then applied {', '.join(applied)}" if applied else "")
        + ". Every session has ended: everyone signs in again."
    )


@cli.command("copy-db")
@click.option(
    "--from",
    "source",
    required=True,
    metavar="PATH",
    help="The SQLite database file to copy, e.g. instance/planner.db (only read).",
)
@click.option(
    "--to",
    "target",
    required=True,
    metavar="URL",
    help="An empty PostgreSQL database, postgresql://user:password@host:5432/planner "
    "(brought to this planner's schema first).",
)
def copy_db(source: str, target: str) -> None:
    """Copy every table of an SQLite database into an empty PostgreSQL database, ids and all.

    One transaction: the target gets everything or, after any failure, nothing. Each table's
    rows are counted and every household's ticks and history checksummed on both before the
    copy is kept. The file is read as one moment even while the app runs; stop the servers for
    the final copy, or what is saved after it began is not in it.
    """
    from planner.store import copy_db as moving

    if not postgres.is_url(target):
        raise click.BadParameter(
            "write it as postgresql://user:password@host:5432/name", param_hint="--to"
        )
    try:
        copied = moving.copy(source, target, say=click.echo)
    except moving.CopyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Copied {Path(source).resolve()} to {postgres.shown(target)}: "
        f"{sum(copied.rows.values()):,} rows in {len(copied.rows)} tables. "
        "Point the servers at it with PLANNER_DATABASE_URL."
    )


@cli.command()
@click.option(
    "--household",
    "household_id",
    required=True,
    type=int,
    metavar="ID",
    help="The household's number (as in its page addresses, /h/ID/...).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "fhir"]),
    default="json",
    show_default=True,
    help="json: everything; csv: the ticks, one row per change; "
    "fhir: a FHIR R4 Bundle (CarePlan, Goals, Tasks, people).",
)
@_db_option("source")
@click.option(
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Write to this file (default: standard output).",
)
def export(household_id: int, fmt: str, source: str | None, output) -> None:
    """Print one household's data. JSON: members (no password hashes), profile, every plan
    version, tasks, ticks and the history of every change. CSV and FHIR are read from it."""
    from planner.exports import render
    from planner.store import backup as data

    result = _safely(lambda: data.export(_database(source), household_id))
    output.write(render(result, fmt, clock.Clock()))


def _app(path: str | None, base_url: str | None = None):
    """The web app on the database --db names (else the app's own), or exit with the catalog's
    problems (or a setting's, such as a malformed base URL)."""
    from planner import create_app

    # create_app reads these; an empty PLANNER_DATABASE_URL lets --db win over the environment.
    settings = {"PLANNER_DATABASE": _database(path), "PLANNER_DATABASE_URL": ""}
    if base_url:
        settings["PLANNER_BASE_URL"] = base_url
    previous = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        return create_app()
    except CatalogError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise click.ClickException("the checklists have problems (above): not started") from None
    except ValueError as exc:  # a setting that is not usable, e.g. a malformed base URL
        raise click.ClickException(str(exc)) from None
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name)
            else:
                os.environ[name] = value


@cli.command()
@_db_option("path")
@click.option(
    "--at",
    "moment",
    metavar="ISO-DATETIME",
    help="The moment to act as if it were (default: now), e.g. 2026-11-24T08:00Z.",
)
def remind(path: str | None, moment: str | None) -> None:
    """Send the reminders due at this moment, once, and exit (for cron or a systemd timer).

    Running it again for the same moment sends nothing more.
    """
    from planner.reminders import push, scheduler

    if moment is None:
        at = clock.system_now()
    else:
        try:
            at = dt.datetime.fromisoformat(moment)
        except ValueError:
            _fail([f"--at: '{moment}' is not a date and time like 2026-11-24T08:00+00:00"])
        if at.tzinfo is None:
            _fail([f"--at: '{moment}' names no time zone; add Z or +HH:MM"])
    app = _app(path)
    if push.enabled(app):
        push.vapid(app)  # made at first start (cron may start before the server ever has)
    counts = scheduler.run(app, at.astimezone(clock.UTC))
    click.echo(", ".join(f"{n} {what}" for what, n in counts.items()))


# waitress's limits. Its default of 100 connections let about 100 slow or idle clients stop the
# server answering anyone (issue 13); a connection that sends nothing for channel_timeout
# seconds is closed. poll() rather than select(), which cannot watch more than 1,024 sockets.
# Slow clients at scale are a reverse proxy's job (README, "Deploy it").
LIMITS = {
    "connection_limit": 1000,
    "channel_timeout": 30,
    "cleanup_interval": 10,
    "asyncore_use_poll": True,
    "max_request_header_size": 64 * 1024,
    "max_request_body_size": 1024 * 1024,
}


def _enough_files(wanted: int) -> None:
    """Let the process hold `wanted` open files (sockets), within the system's hard limit."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))


@cli.command()
@click.option(
    "--demo",
    is_flag=True,
    help="On an empty database, add a demo household and three demo accounts.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=5000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port to listen on.",
)
@_db_option("path")
@click.option(
    "--base-url",
    metavar="URL",
    help="The address people use, e.g. https://planner.example.org: links in mails, "
    "invite and view links and QR codes are built on it, not on the Host header "
    "(default: PLANNER_BASE_URL, else the address each request names).",
)
@click.option(
    "--trusted-proxy",
    metavar="ADDRESS",
    help="The reverse proxy's address (e.g. 127.0.0.1): only then are its "
    "X-Forwarded-For and X-Forwarded-Proto headers believed, for the client's "
    "address (sign-in limits) and HTTPS. Never set it without a proxy.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes serving the port (one per core; each uses about one core).",
)
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Threads of each process.",
)
def serve(
    demo: bool,
    host: str,
    port: int,
    path: str | None,
    base_url: str | None,
    trusted_proxy: str | None,
    workers: int,
    threads: int,
) -> None:
    """Run the web app with waitress (8 threads in each of --workers processes); Ctrl-C stops
    it."""
    from planner import demo as demo_data
    from planner import mail, serving
    from planner.reminders import push, scheduler
    from planner.web.db import get_db

    postgres.size_pools_for(threads)
    app = _app(path, base_url)
    target = app.config["DATABASE"]
    if push.enabled(app):
        push.vapid(app)  # the push key pair is made at first start, beside the secret key
    if demo:
        with app.app_context():
            outcome = demo_data.seed(
                get_db(),
                app.extensions["planner_catalog"],
                clock.pinned(app.config.get("TODAY")),
                app.config["TIMEZONE"],
            )
        if outcome == "skipped":
            click.echo("This database already has accounts: no demo accounts were added.")
        else:
            click.echo(
                (
                    "Demo household created."
                    if outcome == "created"
                    else "Demo household already there."
                )
                + " Sign in as any of these, "
                f"password {demo_data.PASSWORD}:"
            )
            for email, name, role in demo_data.ACCOUNTS:
                click.echo(f"  {email:<24} {name} ({role})")
    click.echo(f"Database: {postgres.shown(target)}")
    reminders = None
    if mail.mailer(app.config) is not None or push.enabled(app):
        # One scheduler however many workers, started once they are forked (a thread running
        # during a fork could leave a lock held in the children).
        def reminders() -> None:
            scheduler.start_thread(app)

        click.echo(
            "Reminders: sent every minute ("
            + ("email and " if mail.mailer(app.config) else "no email: set PLANNER_SMTP_URL; ")
            + ("web push" if push.enabled(app) else "no push")
            + ")"
        )
    processes = f", {workers} processes" if workers > 1 else ""
    click.echo(f"Serving on http://{host}:{port}/{processes}  (Ctrl-C to stop)")
    _enough_files(LIMITS["connection_limit"] + 100)  # each worker's, inherited at the fork
    proxy = {}
    if trusted_proxy:
        proxy = {
            "trusted_proxy": trusted_proxy,
            "trusted_proxy_count": 1,
            "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
            "clear_untrusted_proxy_headers": True,
        }
    try:
        serving.serve(app, host, port, workers, threads, background=reminders, **LIMITS, **proxy)
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror}; "
            "is something else using that port? Try --port."
        ) from None


cli.add_command(reviewer_group(_db_option, _database), "reviewer")


if __name__ == "__main__":
    cli()
