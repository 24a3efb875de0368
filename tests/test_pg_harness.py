"""The PostgreSQL harness (tests/pg.py) gives what the engine's tests rely on: a server of the
newest installed version on loopback with fsync on, fresh databases apart from each other, and a
crash that loses nothing committed and everything not."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest

from tests.pg import PostgresServer, newest_bin


def _processes_in(folder: Path) -> list[int]:
    """The running processes whose working folder is `folder`: PostgreSQL's all work in their
    data folder."""
    found = []
    for cwd in Path("/proc").glob("[0-9]*/cwd"):
        try:
            if cwd.readlink() == folder:
                found.append(int(cwd.parent.name))
        except OSError:
            pass  # exited, or a zombie
    return found


def _rows(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute("select note from notes order by note").fetchall()


def test_a_new_server_starts_answers_and_is_removed():
    server = PostgresServer()
    try:
        server.start()
        with psycopg.connect(server.url()) as conn:
            user, address, port, version = conn.execute(
                "select current_user, host(inet_server_addr()), inet_server_port(),"
                " current_setting('server_version_num')::int / 10000"
            ).fetchone()
            settings = dict(
                conn.execute(
                    "select name, setting from pg_settings where name in"
                    " ('fsync', 'synchronous_commit', 'listen_addresses', 'server_encoding',"
                    " 'lc_collate', 'unix_socket_directories')"
                ).fetchall()
            )
        assert (user, address, port) == ("planner", "127.0.0.1", server.port)
        assert version == int(newest_bin().parent.name)
        assert settings == {
            "fsync": "on",
            "synchronous_commit": "on",
            "listen_addresses": "127.0.0.1",
            "server_encoding": "UTF8",
            "lc_collate": "C",
            "unix_socket_directories": str(server.folder),
        }
        if os.geteuid() == 0:
            assert os.stat(server.data).st_uid != 0  # PostgreSQL would not have run as root
    finally:
        server.cleanup()
    assert not server.running
    assert not server.folder.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.url(), connect_timeout=5)


def test_a_fresh_database_is_empty_and_keeps_a_write(postgres_url):
    with psycopg.connect(postgres_url) as conn:
        tables = conn.execute(
            "select count(*) from pg_tables where schemaname not in ('pg_catalog',"
            " 'information_schema')"
        ).fetchone()
        assert tables == (0,)
        conn.execute("create table notes (note text primary key)")
        conn.execute("insert into notes values ('written')")
    assert _rows(postgres_url) == [("written",)]


def test_two_databases_are_apart(postgres_server, postgres_url):
    other = postgres_server.create_database("harness_other")
    try:
        assert other != postgres_url
        with psycopg.connect(postgres_url) as conn:
            conn.execute("create table notes (note text)")
            conn.execute("insert into notes values ('first')")
        with psycopg.connect(other) as conn:
            conn.execute("create table notes (note text)")
            conn.execute("insert into notes values ('second')")
        assert _rows(postgres_url) == [("first",)]
        assert _rows(other) == [("second",)]
    finally:
        postgres_server.drop_database("harness_other")


def test_postgres_url_gives_each_test_its_own_database(postgres_server, postgres_url):
    name = postgres_url.rsplit("/", 1)[1]
    with psycopg.connect(postgres_server.url()) as conn:
        names = [row[0] for row in conn.execute("select datname from pg_database").fetchall()]
    assert name in names
    # The databases of earlier tests were dropped: only this one is a test's.
    assert [n for n in names if n.startswith("t") and n[1:2].isdigit()] == [name]


def test_a_database_can_be_dropped_while_in_use(postgres_server):
    url = postgres_server.create_database("harness_in_use")
    with psycopg.connect(url) as kept:
        postgres_server.drop_database("harness_in_use")
        with pytest.raises(psycopg.OperationalError):
            kept.execute("select 1")
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=5)


def test_a_database_can_be_copied_from_a_template(postgres_server, postgres_url):
    with psycopg.connect(postgres_url) as conn:
        conn.execute("create table notes (note text)")
        conn.execute("insert into notes values ('from the template')")
    template = postgres_url.rsplit("/", 1)[1]
    copy = postgres_server.create_database("harness_copy", template=template)
    try:
        assert _rows(copy) == [("from the template",)]
    finally:
        postgres_server.drop_database("harness_copy")


def test_a_kill_keeps_what_was_committed_and_loses_what_was_not(postgres_server, postgres_url):
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("create table notes (note text)")
        conn.execute("insert into notes values ('committed')")
    pending = psycopg.connect(postgres_url)
    pending.execute("insert into notes values ('not committed')")
    url = postgres_server.url()
    log_before = postgres_server.log.read_text()

    assert len(_processes_in(postgres_server.data)) > 1  # the postmaster and its children
    postgres_server.kill()
    assert not postgres_server.running
    assert _processes_in(postgres_server.data) == []
    with pytest.raises(psycopg.OperationalError):
        pending.execute("commit")
    pending.close()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(postgres_url, connect_timeout=5)

    postgres_server.start()
    assert postgres_server.url() == url
    assert _rows(postgres_url) == [("committed",)]
    # A crash, not a shutdown: the server found its last run interrupted and recovered.
    log = postgres_server.log.read_text()[len(log_before) :]
    assert "not properly shut down; automatic recovery in progress" in log
    # Nothing ran on after the crash: a backend left alive would have seen the postmaster go.
    assert "unexpected postmaster exit" not in log


def test_a_restart_keeps_the_port_and_the_data(postgres_server, postgres_url):
    with psycopg.connect(postgres_url) as conn:
        conn.execute("create table notes (note text)")
        conn.execute("insert into notes values ('kept')")
    url = postgres_server.url()
    log_before = postgres_server.log.read_text()
    postgres_server.restart()
    assert postgres_server.url() == url
    assert _rows(postgres_url) == [("kept",)]
    log = postgres_server.log.read_text()[len(log_before) :]
    assert "database system is shut down" in log  # a clean stop, then a start
    assert "automatic recovery" not in log


@pytest.mark.engines("postgresql")
def test_the_apps_pool_leaves_the_global_random_state_alone(database, engine):
    """A pool connecting in its own thread while a property test draws its data would change
    the global random state under it (tests/conftest.py, pool_jitter_of_its_own)."""
    import random

    from planner.store import postgres

    postgres.close_pools()  # so that the pool below connects anew
    before = random.getstate()
    postgres.pooled(database).close()
    postgres.pool(database).wait(timeout=30)
    assert random.getstate() == before
