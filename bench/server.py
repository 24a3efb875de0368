"""The server under test, started the way people start it (`planner serve`: waitress, 8 threads)
in a subprocess on loopback, on an SQLite file or a PostgreSQL database, and what bench/run.py
needs from it: signed-in sessions, the tasks to tap, its peak memory.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from planner.store import accounts, plans
from planner.store.postgres import is_url
from planner.store.sql import connect

HOST = "127.0.0.1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Session:
    """A signed-in patient: their household, their user id, the session cookie and its CSRF
    token."""

    household_id: int
    user_id: int
    cookie: str
    csrf: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _call(
    port: int, method: str, path: str, headers: dict | None = None, body: str | None = None
) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


def _cookie(headers: dict, previous: str = "") -> str:
    sent = headers.get("Set-Cookie")
    return sent.split(";", 1)[0] if sent else previous


class Server:
    """`python -m planner serve --db PATH` (or `--database-url URL`) on a free loopback port,
    with the day pinned. Its log goes beside the file, or to `log_path`."""

    def __init__(
        self,
        db_path: Path | str,
        today: str,
        workers: int = 1,
        demo: bool = False,
        threads: int = 8,
        log_path: Path | None = None,
    ):
        self.db_path = db_path
        # A file, not a pipe: waitress's warnings under load would fill a pipe and stall it.
        self.log_path = log_path or Path(db_path).with_suffix(".log")
        self._log = self.log_path.open("w")
        self.port = _free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.workers = workers
        env = {**os.environ, "PLANNER_TODAY": today, "PLANNER_SECRET_KEY": secrets.token_hex(16)}
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "planner",
                "serve",
                "--database-url" if is_url(db_path) else "--db",
                str(db_path),
                "--host",
                HOST,
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                *(["--demo"] if demo else []),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )
        self.start_seconds = self._wait_until_up(started)

    def _wait_until_up(self, started: float, limit: float = 120.0) -> float:
        """Seconds from launching the process to the first answer of /healthz."""
        while time.perf_counter() - started < limit:
            if self.process.poll() is not None:
                raise RuntimeError(f"planner serve exited: {self.log_path.read_text()}")
            try:
                if _call(self.port, "GET", "/healthz")[0] == 200:
                    return time.perf_counter() - started
            except OSError:
                time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"planner serve did not answer within {limit:.0f} s")

    def sign_in(self, email: str, password: str) -> Session:
        """Sign in through the real login form, open Today, keep the cookie and CSRF token."""
        db = connect(self.db_path)
        try:
            user = accounts.user_by_email(db, email)
            household_id = accounts.households_for(db, user["id"])[0]["id"]
        finally:
            db.close()
        status, headers, page = _call(self.port, "GET", "/login")
        cookie = _cookie(headers)
        form = urlencode(
            {"csrf_token": CSRF.search(page).group(1), "email": email, "password": password}
        )
        status, headers, _ = _call(
            self.port,
            "POST",
            "/login",
            body=form,
            headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 303:
            raise RuntimeError(f"signing in as {email} answered {status}")
        cookie = _cookie(headers, cookie)
        status, headers, page = _call(
            self.port, "GET", f"/h/{household_id}/today", headers={"Cookie": cookie}
        )
        if status != 200:
            raise RuntimeError(f"Today of household {household_id} answered {status}")
        return Session(
            household_id, user["id"], _cookie(headers, cookie), CSRF.search(page).group(1)
        )

    def daily_tasks(self, household_id: int) -> list[tuple[str, int]]:
        """(item id, slots) of the household's daily tasks: a tap on today's is always valid."""
        db = connect(self.db_path)
        try:
            return [
                (item["id"], item["schedule"]["times_per_day"])
                for item in plans.tasks(db, household_id)
                if item["schedule"]["kind"] == "daily"
            ]
        finally:
            db.close()

    def _pids(self) -> list[int]:
        """The processes that answer requests: the server, or its workers."""
        if self.workers == 1:
            return [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def cpu_seconds(self) -> float:
        """CPU time (user and system) the serving processes have used so far, from /proc: what
        a request costs the server, whatever else the machine is doing meanwhile."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self._pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        return total / ticks

    def peak_memory_mb(self) -> list[float]:
        """The peak resident memory (VmHWM) of each serving process, in MB."""
        peaks = []
        for pid in self._pids():
            status = Path(f"/proc/{pid}/status").read_text()
            peaks.append(
                int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024
            )
        return peaks

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()
