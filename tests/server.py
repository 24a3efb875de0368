"""The real server in a subprocess (`planner serve` on a free loopback port, waitress, 8 threads)
and a signed-in HTTP session against it, for tests of concurrency and crashes."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from planner.plans.catalog import default_folder, load_catalog
from planner.store.migrations import migrate
from planner.store.sql import connect
from tests import factories as f

PASSWORD = f.PASSWORD
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(path: Path | str) -> dict:
    """A fresh database with Anna (patient) and Ben (caregiver) and a plan for f.DAY."""
    migrate(path)
    return add_household(path)


def add_household(path: Path | str) -> dict:
    """Anna (patient) and Ben (caregiver), people of their own (unique emails), and a plan for
    f.DAY, in a migrated database that may hold other households: {id, patient, caregiver}."""
    db = connect(path)
    try:
        household, anna = f.household(db, "patient", "Anna")
        ben = f.member(db, household["id"], "caregiver", "Ben")
        f.with_plan(db, load_catalog(default_folder()), household["id"], anna["id"])
        return {"id": household["id"], "patient": anna, "caregiver": ben}
    finally:
        db.close()


class Server:
    """`planner serve --db PATH [args]` as its own process; `url` once it answers."""

    def __init__(
        self, path: Path | str, tmp: Path, *args: str, port: int | None = None, wait: bool = True
    ):
        """`wait=False`: return once the process is started; `wait_until_up()` before use."""
        self.port = port or free_port()  # `port`: back at the address of one that was killed
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "PLANNER_SECRET_KEY": "server-test-secret",
            "PLANNER_TODAY": f.DAY.isoformat(),
        }
        self.log = (tmp / f"server-{self.port}.log").open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "planner",
                "serve",
                "--db",
                str(path),
                "--port",
                str(self.port),
                *args,
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=tmp,
        )
        if wait:
            self.wait_until_up()

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 60  # start-up on a loaded machine, not a measurement
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: see {self.log.name}")
            try:
                requests.get(self.url + "/", timeout=5)
                return
            except requests.ConnectionError:
                time.sleep(0.02)  # a refused connection costs nothing: the test starts sooner
        raise RuntimeError("the server did not answer within 60 s")

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, no checkpoint, as in a power cut of the process."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.log.close()  # closing twice is harmless


def start_together(path: Path | str, folders: list[Path], *args: str) -> list[Server]:
    """A server on `path` in each folder, started at once rather than one after the other (a
    start is mostly imports, on a core of its own when one is free); all up, or none left."""
    started: list[Server] = []
    try:
        for folder in folders:
            started.append(Server(path, folder, *args, wait=False))
        for server in started:
            server.wait_until_up()
    except BaseException:
        for server in started:
            server.kill()
        raise
    return started


def signed_in(server: Server, email: str, household_id: int) -> requests.Session:
    """An HTTP session signed in through the real form, with the CSRF token of its new session
    in the header htmx sends."""
    http = requests.Session()
    token = TOKEN.search(http.get(server.url + "/login", timeout=30).text).group(1)
    response = http.post(
        server.url + "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 303, response.text
    page = http.get(f"{server.url}/h/{household_id}/today", timeout=30).text
    http.headers.update({"X-CSRF-Token": TOKEN.search(page).group(1), "HX-Request": "true"})
    return http


def tick(
    http: requests.Session, server: Server, household_id: int, item_id: str, slot: int, state: str
) -> requests.Response:
    """One tap on Today, as htmx sends it."""
    return http.post(
        f"{server.url}/h/{household_id}/tasks/{item_id}/state",
        data={"occurrence": f.DAY.isoformat(), "slot": slot, "state": state},
        timeout=60,
    )
