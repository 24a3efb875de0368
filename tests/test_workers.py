"""Several server processes on one database (`planner serve --workers N`, or two servers on one
file): what one process writes, the others show at once; what one counts (wrong passwords),
the others see; the workers start and stop together."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from planner.store.accounts import MAX_FAILURES
from planner.store.migrations import migrate
from planner.store.sql import connect, run
from planner.web.views.auth import BLOCKED
from tests.server import (
    PASSWORD,
    TOKEN,
    Server,
    add_household,
    seed,
    signed_in,
    start_together,
    tick,
)

ITEM = "belly-breathing"  # a daily task of the seeded plan, done several times a day


def _today(http: requests.Session, server: Server, household_id: int) -> str:
    # A new connection each time: with --workers, any worker may answer it.
    return http.get(
        f"{server.url}/h/{household_id}/today", headers={"Connection": "close"}, timeout=30
    ).text


@pytest.fixture(scope="module")
def one_file(tmp_path_factory) -> Iterator[tuple[Path, Server, Server]]:
    """Two servers, A and B, on one SQLite file, for the module's tests (starting them is most
    of such a test's time): each test adds a household and people of its own (`household`)."""
    folder = tmp_path_factory.mktemp("one-file")
    path = folder / "planner.db"
    migrate(path)
    folders = [folder / "a", folder / "b"]  # an instance folder each (keys made at start)
    for each in folders:
        each.mkdir()
    a, b = start_together(path, folders)
    try:
        yield path, a, b
    finally:
        a.stop()
        b.stop()


@pytest.fixture
def household(one_file) -> dict:
    """Anna and Ben of this test's own in the file, and no wrong password counted for any email
    or address (the servers share them between tests: all requests come from 127.0.0.1)."""
    path = one_file[0]
    db = connect(path)
    try:
        run(db, "delete from login_failures")
    finally:
        db.close()
    return add_household(path)


def test_a_page_kept_by_one_process_shows_a_tick_made_in_another(one_file, household):
    _, a, b = one_file
    h = household
    anna = signed_in(a, h["patient"]["email"], h["id"])  # the cookie is good on both
    before = _today(anna, b, h["id"])
    assert "1 of " not in before
    assert _today(anna, b, h["id"]) == before  # kept by b (nothing changed)
    assert tick(anna, a, h["id"], ITEM, 0, "done").status_code == 200
    assert "1 of " in _today(anna, b, h["id"])
    assert tick(anna, b, h["id"], ITEM, 0, "open").status_code == 200
    assert "1 of " not in _today(anna, a, h["id"])


def test_wrong_passwords_counted_in_one_process_pause_sign_in_in_the_other(one_file, household):
    _, a, b = one_file
    email = household["patient"]["email"]

    def sign_in(server: Server, password: str) -> requests.Response:
        http = requests.Session()
        token = TOKEN.search(http.get(server.url + "/login", timeout=30).text).group(1)
        return http.post(
            server.url + "/login",
            timeout=60,
            allow_redirects=False,
            data={"email": email, "password": password, "csrf_token": token},
        )

    for n in range(MAX_FAILURES):  # half on each server
        assert sign_in(a if n % 2 else b, "wrong password").status_code == 422
    refused = sign_in(a, PASSWORD)
    assert refused.status_code == 429
    assert BLOCKED["account"].split(".")[0] in refused.text


def _children(pid: int) -> list[int]:
    return [int(n) for n in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_workers_serve_one_port_write_and_stop_together(tmp_path):
    path = tmp_path / "planner.db"
    h = seed(path)
    server = Server(path, tmp_path, "--workers", "2")
    try:
        workers = _children(server.process.pid)
        assert len(workers) == 2
        anna = signed_in(server, h["patient"]["email"], h["id"])
        anna.headers["Connection"] = "close"
        for state in ("done", "open") * 5:
            assert tick(anna, server, h["id"], ITEM, 0, state).status_code == 200
            assert ("1 of " in _today(anna, server, h["id"])) == (state == "done")
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=30) == 0
        for pid in workers:  # gone, not left serving the port
            assert (
                not Path(f"/proc/{pid}").exists()
                or "zombie" in Path(f"/proc/{pid}/status").read_text()
            )
    finally:
        server.stop()


def test_a_write_holds_the_lock_every_process_of_the_database_waits_on(tmp_path):
    """Writers of other processes queue on an flock() beside the database (woken as soon as it
    is free) rather than in SQLite's busy handler, which sleeps in steps of milliseconds."""
    import fcntl
    import os

    import pytest

    from planner.store.migrations import migrate
    from planner.store.sql import connect, transaction

    path = tmp_path / "planner.db"
    migrate(path)
    db = connect(path)
    other = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT)  # as another process opens it
    try:
        with transaction(db):
            db.execute(
                "insert into users (email, name, password_hash, created_at) "
                "values ('a@example.org', 'A', 'x', '2026-11-23T12:00:00+00:00')"
            )
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free once committed
        fcntl.flock(other, fcntl.LOCK_UN)
    finally:
        os.close(other)
        db.close()
