"""Against the real server process: two people tapping the same tasks from several threads at
once, and a server killed with SIGKILL in the middle of a stream of taps.

The figures (requests, acknowledged writes, events) are printed; run with -s to see them.
"""

from __future__ import annotations

import random
import socket
import sqlite3
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
import requests

from planner.store.migrations import migrate
from tests.server import Server, add_household, seed, signed_in, tick

KEYS = [
    ("belly-breathing", 0),
    ("daily-drinks", 0),
    ("daily-drinks", 1),
    ("daily-drinks", 2),
    ("daily-drinks", 3),
]
THREADS_EACH = 3  # per person: 6 clients against waitress's 8 threads
TAPS = 60  # per thread: 360 taps in all


@pytest.fixture
def world(tmp_path):
    path = tmp_path / "planner.db"
    return path, seed(path)


@pytest.fixture(scope="module")
def running(tmp_path_factory) -> Iterator[tuple[Path, Server]]:
    """One server for the module's tests that neither stop it nor start it differently (a start
    is most of such a test's time); each adds what it needs to its file."""
    folder = tmp_path_factory.mktemp("running")
    path = folder / "planner.db"
    migrate(path)
    server = Server(path, folder)
    try:
        yield path, server
    finally:
        server.stop()


def _events(path, household_id) -> dict[tuple, list[str]]:
    conn = sqlite3.connect(path)
    try:
        out = defaultdict(list)
        for item_id, slot, state in conn.execute(
            "select item_id, slot, state from tick_events where household_id = ? order by id",
            [household_id],
        ):
            out[(item_id, slot)].append(state)
        return out
    finally:
        conn.close()


def _states(path, household_id) -> dict[tuple, str]:
    conn = sqlite3.connect(path)
    try:
        return {
            (i, s): state
            for i, s, state in conn.execute(
                "select item_id, slot, state from ticks where household_id = ?", [household_id]
            )
        }
    finally:
        conn.close()


def test_two_people_tapping_the_same_tasks_at_once(running):
    path, server = running
    w = add_household(path)  # Anna and Ben of this test's own
    writes, failures = [], []  # (key, state, sent, answered)
    lock = threading.Lock()

    def person(email: str, seed_: int):
        http = signed_in(server, email, w["id"])
        rng = random.Random(seed_)
        for _ in range(TAPS):
            key, state = rng.choice(KEYS), rng.choice(("done", "open"))
            sent = time.monotonic()
            response = tick(http, server, w["id"], *key, state)
            answered = time.monotonic()
            with lock:
                if response.status_code == 200 and "locked" not in response.text:
                    writes.append((key, state, sent, answered))
                else:
                    failures.append((response.status_code, response.text[:200]))

    threads = [
        threading.Thread(target=person, args=(who["email"], n * 10 + k))
        for n, who in enumerate((w["patient"], w["caregiver"]))
        for k in range(THREADS_EACH)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(writes) == 2 * THREADS_EACH * TAPS
    events, states = _events(path, w["id"]), _states(path, w["id"])
    for key in KEYS:
        mine = [x for x in writes if x[0] == key]
        history = events.get(key, [])
        final = states.get(key, "open")
        # The history holds every change: replayed from "open", each event changes the state,
        # ends on the stored state, and no event is one nobody asked for.
        replay = ["open", *history]
        assert all(a != b for a, b in pairwise(replay)), key
        assert replay[-1] == final, key
        asked = Counter(state for _, state, _, _ in mine)
        assert all(Counter(history)[s] <= asked[s] for s in asked), key
        # The stored state is the last acknowledged write: that of a write that no other write
        # of the same task started after (writes overlapping in time may land in either order).
        last = [x for x in mine if not any(y[2] > x[3] for y in mine)]
        assert final in {state for _, state, _, _ in last}, (key, final, last)
    print(
        f"\nconcurrency: {len(writes)} taps acknowledged (200), 0 failed, "
        f"{sum(len(v) for v in events.values())} changes in the history, "
        f"{len(KEYS)} tasks shared by {len(threads)} clients"
    )


def test_a_killed_server_keeps_every_acknowledged_write(world, tmp_path):
    path, w = world
    server = Server(path, tmp_path)
    acked: dict[tuple, list[str]] = {key: [] for key in KEYS}
    refused = []
    enough = threading.Event()

    def stream(key, email):
        # One writer per task, alternating, so every acknowledged tap is exactly one change.
        http = signed_in(server, email, w["id"])
        state = "done"
        while True:
            try:
                response = tick(http, server, w["id"], *key, state)
            except requests.RequestException:
                return  # the server is gone
            if response.status_code != 200:
                refused.append(response.status_code)
                return
            acked[key].append(state)
            if sum(map(len, acked.values())) >= 300:
                enough.set()
            state = "open" if state == "done" else "done"

    threads = [
        threading.Thread(target=stream, args=(key, who["email"]))
        for key, who in zip(KEYS, [w["patient"], w["caregiver"]] * 3, strict=False)
    ]
    for thread in threads:
        thread.start()
    enough.wait(timeout=300)
    server.kill()  # while every thread has a tap in flight
    for thread in threads:
        thread.join()
    assert refused == [] and enough.is_set()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    events = _events(path, w["id"])
    lost = 0
    for key, states in acked.items():
        found = events.get(key, [])
        assert found[: len(states)] == states, key  # every acknowledged tap, in order
        assert len(found) - len(states) <= 1, key  # at most the tap in flight, unanswered
        lost += len(states) - len(found[: len(states)])
    restarted = Server(path, tmp_path)
    try:
        http = signed_in(restarted, w["patient"]["email"], w["id"])
        assert tick(http, restarted, w["id"], "belly-breathing", 0, "done").status_code == 200
        assert http.get(f"{restarted.url}/h/{w['id']}/today", timeout=30).status_code == 200
    finally:
        restarted.stop()
    print(
        f"\ncrash: {sum(map(len, acked.values()))} taps acknowledged before SIGKILL, "
        f"{sum(len(events.get(k, [])) for k in KEYS)} found after restart, {lost} lost, "
        "integrity_check ok"
    )


def test_many_idle_connections_do_not_stop_the_server_answering(running):
    """150 clients that connect and send nothing (waitress's default limit was 100 connections,
    after which nobody was answered, issue 13); a real request still gets through."""
    _, server = running
    idle = []
    try:
        for _ in range(150):
            idle.append(socket.create_connection(("127.0.0.1", server.port), timeout=10))
        assert requests.get(server.url + "/healthz", timeout=20).status_code == 200
    finally:
        for connection in idle:
            connection.close()


def test_links_are_built_on_the_base_url_not_the_host_header(tmp_path):
    path = tmp_path / "planner.db"
    migrate(path)
    server = Server(path, tmp_path, "--base-url", "https://planner.example.org/care")
    try:
        http = requests.Session()
        page = http.get(server.url + "/care/login", headers={"Host": "evil.example"}, timeout=30)
        assert page.status_code == 200
        assert 'action="/care/login"' in page.text
        # Served as https://planner.example.org: the cookie is for HTTPS only.
        assert "Secure" in page.headers["Set-Cookie"]
    finally:
        server.stop()
