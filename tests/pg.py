"""A real PostgreSQL server for tests: Debian's binaries run from a temporary folder, listening on
a free loopback port, with fsync on. PostgreSQL refuses to run as root, so when the tests run as
root the server runs as Debian's `postgres` user.

Fixtures (tests/conftest.py registers this module as a plugin):
- `postgres_server`: one server per test process (each xdist worker has its own), started the
  first time a test asks for it and stopped at the end of the session;
- `postgres_url`: a fresh empty database on it for one test, dropped after the test.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import NoReturn

import pytest

DEBIAN = Path("/usr/lib/postgresql")
SUPERUSER = "planner"
# Debian's postgresql-common creates this user with the server binaries, so it is there whenever
# they are; creating a user of our own would race between xdist workers and change /etc/passwd.
SYSTEM_USER = "postgres"
# Start-up, crash recovery and shutdown on a loaded machine: a bound, not a measurement.
TIMEOUT_S = 60


def newest_bin() -> Path:
    """The bin folder of the newest PostgreSQL under /usr/lib/postgresql (Debian's layout)."""
    found = [
        initdb.parent
        for initdb in DEBIAN.glob("*/bin/initdb")
        if re.fullmatch(r"\d+(\.\d+)?", initdb.parent.parent.name)
    ]
    if not found:
        raise RuntimeError(
            f"no PostgreSQL server under {DEBIAN}: install Debian's postgresql package "
            "(.ci/run does)"
        )
    return max(found, key=lambda folder: [int(part) for part in folder.parent.name.split(".")])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """One PostgreSQL cluster in a temporary folder: `data/` (the cluster), `server.log`, and the
    Unix socket. The port is chosen at the first start and kept, so URLs stay valid across
    `kill()` and `start()`.

    The postmaster is started directly as a child of this process, not through `pg_ctl start`:
    pg_ctl leaves it an orphan, and a killed orphan stays a zombie until init reaps it (seconds
    later on our CI machine); meanwhile its pid in postmaster.pid looks alive and the next start
    refuses to run. As our child it is reaped by us as it dies, and `kill()` is exact."""

    def __init__(self) -> None:
        self.bin = newest_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="planner-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port: int | None = None
        self._process: subprocess.Popen | None = None
        self._user = _run_as()
        if self._user:
            os.chown(self.folder, self._user["user"], self._user["group"])

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def url(self, dbname: str = "postgres") -> str:
        if self.port is None:
            raise RuntimeError("the server has not been started, so it has no port yet")
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> None:
        """Start the server (creating the cluster the first time) and return once it accepts
        connections; after `kill()` that includes crash recovery."""
        if self.running:
            raise RuntimeError("the server is already running")
        if not (self.data / "PG_VERSION").exists():
            self._initdb()
        if self.port is None:
            self.port = free_port()
        command = [
            str(self.bin / "postgres"),
            "-D",
            str(self.data),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"port={self.port}",
            "-c",
            f"unix_socket_directories={self.folder}",
            # The defaults, said here so that no configuration can turn them off: the fault
            # tests rely on a commit being on disk once acknowledged.
            "-c",
            "fsync=on",
            "-c",
            "synchronous_commit=on",
            "-c",
            "full_page_writes=on",
        ]
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, cwd=self.folder, **self._user
            )
        self._wait_until_ready(self._process)

    def stop(self) -> None:
        """Fast shutdown: sessions are ended, a checkpoint is written, the server exits."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()
            raise self._failure(f"the server did not stop within {TIMEOUT_S} s (killed)") from None

    def kill(self) -> None:
        """Crash the server as a power cut would: the postmaster and every one of its children
        stop at once, without a shutdown checkpoint. Returns once all of them are gone, so that
        `start()` can run recovery on the same folder. (Unlike a power cut, what the kernel has
        not yet written to disk survives: only fsync's promise is tested, not the disk's.)"""
        postmaster = self._process
        if postmaster is None or postmaster.poll() is not None:
            raise RuntimeError("the server is not running")
        # Killing the postmaster alone would let its children run on until they notice, a
        # backend finishing its commit meanwhile; killing them first would let it see them die.
        # So it is stopped first: it can then neither fork a child we would miss, nor react.
        postmaster.send_signal(signal.SIGSTOP)
        try:
            self._wait_for(lambda: _state(postmaster.pid) == "T", "the postmaster to stop")
            children = _children(postmaster.pid)
            for pid in children:
                with contextlib.suppress(ProcessLookupError):  # exited meanwhile
                    os.kill(pid, signal.SIGKILL)
            # SIGKILL lands when the process next runs: until then a backend woken by the
            # postmaster's death could still write, so the postmaster goes last.
            self._wait_for(lambda: not any(map(_alive, children)), "its children to die")
        finally:
            postmaster.kill()
            postmaster.wait(timeout=TIMEOUT_S)

    def restart(self) -> None:
        self.stop()
        self.start()

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database, copied from `template` (template0, empty, by default); its URL."""
        from psycopg import sql

        self._admin(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template or "template0")
            )
        )
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop the database; FORCE ends its open sessions first, which DROP would refuse."""
        from psycopg import sql

        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def cleanup(self) -> None:
        """Stop the server if it runs, and remove its folder."""
        try:
            self.stop()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _initdb(self) -> None:
        command = [
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "-E",
            "UTF8",
            "--locale=C",
            # Only tests connect, from this machine; the port listens on loopback only.
            "--auth=trust",
        ]
        with self.log.open("ab") as log:
            try:
                done = subprocess.run(
                    command,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=self.folder,
                    timeout=TIMEOUT_S,
                    **self._user,
                )
            except subprocess.TimeoutExpired:
                raise self._failure(f"initdb did not finish within {TIMEOUT_S} s") from None
        if done.returncode != 0:
            raise self._failure(f"initdb failed with exit status {done.returncode}")

    def _wait_until_ready(self, process: subprocess.Popen) -> None:
        import psycopg

        deadline = time.monotonic() + TIMEOUT_S
        while True:
            code = process.poll()
            if code is not None:
                raise self._failure(f"the server exited with status {code} while starting")
            try:
                # Refused until the server is up and, after a crash, has finished recovery.
                psycopg.connect(self.url(), connect_timeout=5).close()
                return
            except psycopg.OperationalError as error:
                refused = error
            if time.monotonic() > deadline:
                self.kill()
                raise self._failure(
                    f"the server did not accept connections within {TIMEOUT_S} s "
                    f"(killed); the last attempt: {refused}"
                )
            time.sleep(0.02)

    def _wait_for(self, condition, what: str) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while not condition():
            if time.monotonic() > deadline:
                raise self._failure(f"waited {TIMEOUT_S} s for {what}")
            time.sleep(0.001)

    def _admin(self, statement) -> None:
        import psycopg

        # Autocommit: CREATE and DROP DATABASE refuse to run inside a transaction.
        with psycopg.connect(self.url(), autocommit=True, connect_timeout=10) as conn:
            conn.execute(statement)

    def _failure(self, what: str) -> RuntimeError:
        try:
            tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])
        except OSError:
            tail = "(no log)"
        return RuntimeError(f"PostgreSQL in {self.folder}: {what}; the end of {self.log}:\n{tail}")


def _run_as() -> dict:
    """subprocess's arguments that run the server's programs as an unprivileged user when we
    are root (initdb and postgres refuse root), and none otherwise."""
    if os.geteuid() != 0:
        return {}
    try:
        user = pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        raise RuntimeError(
            f"no user {SYSTEM_USER!r} to run PostgreSQL as: Debian's postgresql package creates it"
        ) from None
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name, in parentheses, may hold spaces: the fields follow the last ")".
            _state, ppid = stat.read_text().rpartition(")")[2].split()[:2]
        except (OSError, ValueError):
            continue  # exited meanwhile
        if int(ppid) == pid:
            found.append(int(stat.parent.name))
    return found


def _state(pid: int) -> str | None:
    """The process's state as /proc shows it (R running, S sleeping, T stopped, Z zombie...), or
    None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return None


def _alive(pid: int) -> bool:
    """A zombie is not: it has let go of its memory and files, and waits only to be reaped (by
    the stopped postmaster, never, then by init, in its own time)."""
    return _state(pid) not in (None, "Z", "X")


def _missing(reason: str) -> NoReturn:
    """Skip on a developer's machine without PostgreSQL; fail on CI, which must have it."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server of this test process's own, for the session."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _missing("psycopg is not installed (pip install 'psycopg[binary]')")
    try:
        server = PostgresServer()
    except RuntimeError as error:
        _missing(str(error))
    try:
        server.start()
        yield server
    finally:
        server.cleanup()


_numbers = itertools.count(1)


@pytest.fixture
def postgres_url(postgres_server, request):
    """The URL of a new empty database on `postgres_server`, dropped after the test."""
    # A number makes the name unique; the test's name helps to read the server's log.
    test = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())
    name = f"t{next(_numbers)}_{test}"[:63]  # longer names are cut to 63 bytes by PostgreSQL
    # A test that killed the shared server and failed before starting it again would leave it
    # down for every later test of this process.
    if not postgres_server.running:
        postgres_server.start()
    url = postgres_server.create_database(name)
    yield url
    # The app's pools of this process first: a pool left open on a dropped database keeps
    # reconnecting in its own thread, and its jitter draws on the global random state that
    # hypothesis watches in later tests.
    from planner.store.postgres import close_pools

    close_pools()
    if not postgres_server.running:
        postgres_server.start()
    postgres_server.drop_database(name)
