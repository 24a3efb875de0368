"""PostgreSQL for bench/run.py: a server of the benchmark's own in a temporary folder (the tests'
tests/pg.py PostgresServer: Debian's binaries, a free loopback port, fsync and
synchronous_commit on, never a system service), the seeded SQLite databases loaded into it, a
fresh copy of one for each server measured, and the CPU time the server's processes use.

Loading is `planner copy-db` (planner.store.copy_db) from each seeded file: the same rows as
the SQLite figures, history events included, in a fraction of the time seeding them again
through the store would take.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

from planner.store import copy_db
from planner.store.migrations import migrate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.pg import PostgresServer  # one way to start a throwaway PostgreSQL, shared with tests

MAX_CONNECTIONS = 300


def start() -> PostgresServer:
    """A new PostgreSQL cluster in a temporary folder, started; `cleanup()` removes both."""
    server = PostgresServer()
    try:
        server.start()
        with psycopg.connect(server.url(), autocommit=True) as conn:
            # Two servers of 4 workers at once, each worker's pool up to 16 connections, and
            # the ceiling's: more than the default 100. Nothing else differs from the defaults.
            conn.execute(f"alter system set max_connections = {MAX_CONNECTIONS}")
        server.restart()
    except BaseException:
        server.cleanup()
        raise
    return server


def version(server: PostgresServer) -> str:
    with psycopg.connect(server.url(), autocommit=True) as conn:
        return str(conn.execute("show server_version").fetchone()[0])


def load(server: PostgresServer, sqlite_path: Path, name: str) -> dict:
    """Database `name` with every row of the seeded file `sqlite_path`, copied by `planner
    copy-db` (planner.store.copy_db: COPY, its checks included); returns how long that took
    and the database's size. A template for `fresh_copy`."""
    started = time.perf_counter()
    # copy-db copies a file at this planner's schema only: a seed made before a migration is
    # brought up to date first, as `planner serve` brings up to date the copy it serves.
    migrate(sqlite_path)
    server.drop_database(name)
    url = server.create_database(name)
    copied = copy_db.copy(sqlite_path, url)
    with psycopg.connect(url, autocommit=True) as conn:
        # Statistics for the query planner and the visibility map for index-only reads, as a
        # database in use has them (autovacuum would get there in its own time); the
        # checkpoint writes the copy out before anything is measured.
        conn.execute("vacuum analyze")
        conn.execute("checkpoint")
        size = conn.execute("select pg_database_size(current_database())").fetchone()[0]
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "rows": sum(copied.rows.values()),
        "bytes": size,
    }


def fresh_copy(server: PostgresServer, template: str, name: str) -> str:
    """Database `name` as a file-level copy of `template` (the taps must not change the seed);
    its URL."""
    server.drop_database(name)
    with psycopg.connect(server.url(), autocommit=True) as conn:
        # FILE_COPY copies the files and checkpoints once; the default (WAL_LOG) would write
        # the whole database to the WAL, a gigabyte for 1,000 households.
        conn.execute(
            sql.SQL("create database {} template {} strategy file_copy").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    return server.url(name)


def cpu_seconds(server: PostgresServer) -> float:
    """CPU time (user and system) the server has used so far: the postmaster, its live
    children (the backends serving connections, the WAL writer, the checkpointer...) and the
    children it has reaped (counted in its own cutime and cstime)."""
    postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
    ticks = os.sysconf("SC_CLK_TCK")
    total = sum(_stat(postmaster)[11:15])  # utime, stime, cutime, cstime
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = _fields(stat.read_text())
        except (OSError, ValueError):
            continue  # exited meanwhile
        if int(fields[1]) == postmaster:
            total += fields[11] + fields[12]
    return total / ticks


def _fields(text: str) -> list[int]:
    # The command name, in parentheses, may hold spaces: the numbers follow the last ")".
    # Field 3 (the state, a letter) is kept as 0 so that the indexes stay man proc's, less 3.
    after = text.rpartition(")")[2].split()
    return [0, *(int(f) for f in after[1:])]


def _stat(pid: int) -> list[int]:
    return _fields(Path(f"/proc/{pid}/stat").read_text())
