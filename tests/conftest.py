"""Fixtures shared by every test: an app on a fresh database, its client, its database.

Every test that uses the app runs on both engines (issue 22): SQLite in a fresh file, and
PostgreSQL, a real server the tests start (tests/pg.py), in a database of this test worker's
emptied before each test. `@pytest.mark.engines("sqlite")` keeps a test to the engines it
names (a test of SQLite's own file, say); PLANNER_TEST_ENGINES=sqlite narrows a local run.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from email import message_from_bytes, policy
from pathlib import Path

import jinja2
import jinja2.bccache
import pytest
from hypothesis import settings

from planner import create_app
from planner.plans.catalog import default_folder, load_catalog
from planner.store.sql import close_thread_dbs
from planner.web.db import get_db
from tests.factories import DAY

# postgres_server and postgres_url: a real PostgreSQL server for the tests that ask for one.
pytest_plugins = ["tests.pg"]

SCENARIOS = Path(__file__).parent / "scenarios"

# Deadlines make property tests flaky on a loaded 2-core machine; speed is measured in bench/.
settings.register_profile("planner", deadline=None)
settings.load_profile("planner")


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the test process, keyed by template and checked
    against its source by Jinja itself."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(scope="session", autouse=True)
def compiled_once():
    """Each test builds its own app, the clean slate it needs, and with it a new Jinja
    environment and URL map; the app compiles every template it renders again, and Werkzeug
    every route's URL builder, about a tenth of a second per test, a minute and more of the
    suite. Both compile the same text to the same code each time, so the test process compiles
    each once: templates through Jinja's own bytecode cache (documented API), URL builders
    through a memo on Werkzeug's builder compiler (a private method: when a Werkzeug release
    renames it, the memo is left out and the tests run as before, only slower).

    A builder is a pure function of the rule's text, its parsed parts, its defaults and
    whether it appends unknown arguments; the rule itself is passed in at each call."""
    from werkzeug.routing import Rule

    from planner.web.templating import PlannerFlask

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            PlannerFlask,
            "jinja_options",
            {**PlannerFlask.jinja_options, "bytecode_cache": _Compiled()},
        )
        compile_builder = getattr(Rule, "_compile_builder", None)
        if compile_builder is not None:
            built: dict[tuple, Callable] = {}

            def memo(rule: Rule, append_unknown: bool = True) -> Callable:
                key = (
                    rule.rule,
                    tuple(rule._trace),
                    repr(sorted((rule.defaults or {}).items())),
                    append_unknown,
                )
                if key not in built:
                    built[key] = compile_builder(rule, append_unknown)
                return built[key]

            patch.setattr(Rule, "_compile_builder", memo)
        yield


@pytest.fixture(scope="session", autouse=True)
def pool_jitter_of_its_own():
    """psycopg-pool spreads its connections' lifetimes and its reconnections with random(),
    the global random module's, from the pool's own threads. Hypothesis seeds that global
    state for each example and fails a test whose state changes while it draws data (it takes
    it for a strategy using random): a pool connecting in the background at that moment failed
    a property test as flaky. In tests the pool draws on a generator of its own. (Raises if a
    psycopg-pool release renames it, so that this is looked at again.)"""
    from random import Random

    import psycopg_pool.base

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(psycopg_pool.base, "random", Random(0).random)
        yield


@pytest.fixture(scope="session")
def catalog():
    """The real catalog, loaded once."""
    return load_catalog(default_folder())


# What a page looks like (axe, reflow at 200% text, targets, print, response headers) does not
# depend on the engine its data came from: such tests run on SQLite only, and every test that
# writes, reads back or checks who may see what runs on both.
LOOKS = pytest.mark.engines("sqlite")

ENGINES = tuple(os.environ.get("PLANNER_TEST_ENGINES", "sqlite,postgresql").split(","))


def pytest_generate_tests(metafunc):
    """Each test that needs a database (the `engine` fixture, through `app` or directly) once
    per engine, or on the engines its `engines` mark names."""
    if "engine" in metafunc.fixturenames:
        mark = metafunc.definition.get_closest_marker("engines")
        named = mark.args if mark else ENGINES
        wanted = [e for e in named if e in ENGINES]
        # A test of engines this run leaves out (PLANNER_TEST_ENGINES) is skipped, never run
        # on another engine than it was written for.
        left_out = pytest.mark.skip(reason=f"only on {', '.join(named)} (PLANNER_TEST_ENGINES)")
        metafunc.parametrize("engine", wanted or [pytest.param(named[0], marks=left_out)])


@pytest.fixture(scope="session")
def worker_pg_url(request):
    """One migrated PostgreSQL database for this test worker's tests (emptied before each)."""
    from planner.store.migrations import migrate

    server = request.getfixturevalue("postgres_server")
    name = f"planner_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    server.create_database(name)
    url = server.url(name)
    migrate(url)
    yield url
    # The connections kept from test to test (below), closed before the server stops.
    from planner.store.postgres import close_pools
    from tests import dbstate

    close_pools()
    dbstate.close_connections()
    for db in _KEPT.values():
        db.close()
    _KEPT.clear()


def _emptied(url: str) -> str:
    """The worker's database with every table of the store emptied and its ids restarted, as a
    new file would be (the migrations' record kept).

    DELETE, not TRUNCATE: truncating gives each table a new file, synced to disk, a quarter of a
    second per test for ~30 tables; deleting a test's few rows takes milliseconds. Replica mode
    skips the foreign-key and revision triggers, so the order of the tables does not matter.
    On a connection kept for the worker: a new one is a new server process, whose caches of
    the tables are cold."""
    import psycopg

    try:
        _kept(url).conn.execute(_statements(_kept(url), url))
    except psycopg.OperationalError:
        # The server was restarted since (tests/test_pg_faults.py kills it): connect again.
        _KEPT.pop(url).close()
        _kept(url).conn.execute(_statements(_kept(url), url))
    return url


def _kept(url: str):
    from planner.store import postgres

    if url not in _KEPT:
        _KEPT[url] = postgres.connect(url)
    return _KEPT[url]


def _statements(db, url: str) -> str:
    if url not in _STATEMENTS:
        tables = db.conn.execute(
            "select table_name from information_schema.tables"
            " where table_schema = 'public' and table_name <> 'planner_migrations'"
        ).fetchall()
        # pg_class, not information_schema.sequences, which leaves out identity columns'.
        sequences = db.conn.execute(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where c.relkind = 'S' and n.nspname = 'public'"
            " and c.relname <> 'planner_migrations_id_seq'"
        ).fetchall()
        _STATEMENTS[url] = "".join(
            ["set session_replication_role = replica;"]
            + [f'delete from "{name}";' for (name,) in tables]
            + [f'alter sequence "{name}" restart;' for (name,) in sequences]
            + ["set session_replication_role = origin;"]
        )
    return _STATEMENTS[url]


_STATEMENTS: dict[str, str] = {}
_KEPT: dict = {}  # the worker's database URL -> its kept connection


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """One migrated SQLite file for this test worker, copied for each test: migrating a new
    file for every test cost a tenth of a second each, a minute and more of the suite."""
    from planner.store.migrations import migrate

    path = tmp_path_factory.mktemp("template") / "planner.db"
    migrate(path)
    # Everything in the main file, so that a copy of it alone is the whole database.
    with closing(sqlite3.connect(path)) as db:
        db.execute("pragma wal_checkpoint(truncate)")
    return path


@pytest.fixture
def database(engine, tmp_path, request):
    """The test's own empty, migrated database: a file path, or a PostgreSQL URL."""
    if engine == "postgresql":
        # The app's pool of the worker's database is kept from test to test, like the
        # connection that empties it: its connections are handed back after each request,
        # and one that died with a restarted server is replaced when it is next handed out.
        yield _emptied(request.getfixturevalue("worker_pg_url"))
    else:
        path = tmp_path / "planner.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        path.chmod(0o600)
        yield str(path)


@pytest.fixture(autouse=True)
def _dump_connections():
    """tests/dbstate keeps a test's PostgreSQL connection for its dumps: closed as it ends,
    but the one to the worker's database (emptied, not dropped, between tests)."""
    yield
    from tests import dbstate

    dbstate.close_connections(keep=_KEPT)


@pytest.fixture
def app(database, catalog):
    # Every app's clock is pinned to factories.DAY: the suite passes whatever the machine's
    # date and time zone (tests of other days set TODAY themselves).
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": database,
            "SECRET_KEY": "test-secret",
            "TODAY": DAY.isoformat(),
        },
        catalog,
    )
    yield app
    close_thread_dbs()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """The app's database, opened the way a request opens it."""
    with app.app_context():
        yield get_db()


@pytest.fixture
def hx():
    """Headers of a targeted htmx request."""
    return {"HX-Request": "true"}


def login(client, user_id: int) -> None:
    """Sign a test client in as a user, without going through the form: a server-side session
    started as the sign-in form starts one, its id in the client's cookie."""
    from planner.store import sessions
    from planner.web.security import request_now

    app = client.application
    with app.test_request_context():
        session_id = sessions.start(get_db(), user_id, at=request_now())
    with client.session_transaction() as session:
        session["sid"] = session_id
        session["csrf"] = "test-csrf"
        session.permanent = True


CSRF = {"csrf_token": "test-csrf"}


class _Sink:
    """What the SMTP sink received: parsed messages, in order."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


@pytest.fixture
def smtp_sink():
    """A real SMTP server (aiosmtpd) on a free loopback port; `.url` for PLANNER_SMTP_URL and
    `.messages` for what arrived."""
    from aiosmtpd.controller import Controller

    from tests.server import free_port

    handler = _Sink()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.url = f"smtp://127.0.0.1:{port}"
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def spine_profile(tmp_path):
    """The profile of scenarios/spine-denosumab-soon.json as a file, for `planner plan`."""
    path = tmp_path / "profile.json"
    data = json.loads((SCENARIOS / "spine-denosumab-soon.json").read_text())
    path.write_text(json.dumps(data["profile"]))
    return path
