"""PostgreSQL dies under a running `planner serve` (issue 22, faults): killed as a power cut
would (tests/pg.py), in the middle of a burst of taps from several people at once.

- every tap answered 200 with its row before the kill is in the database after the restart,
  each with its one history event (and a tap sent from the phone's queue with its key):
  nothing acknowledged is lost, nothing is half written;
- a tap while the database is away is answered 503 "We could not save that just now ... try
  again", into Today's alert region, never into the task's row (which stays as it was); a page
  gets the same words on a calm error page; never a 500;
- once PostgreSQL is back the same server process saves taps again by itself, and a queued tap
  sent again whose answer was lost in the crash is applied once.

The test kills this test process's PostgreSQL server (tests/pg.py: each xdist worker has its
own and runs one test at a time) rather than one of its own (an initdb, a start and a stop: five
seconds on a loaded 2-core machine), and starts it again before it checks what survived; were it
to fail in between, `postgres_url` starts it again for the next test.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
import requests
from requests.structures import CaseInsensitiveDict

from planner.store.sql import connect, fetch
from planner.web.errors import STORE_AWAY, TITLES
from tests import factories as f
from tests.pg import PostgresServer
from tests.server import Server, seed, signed_in

DAY = f.DAY.isoformat()
WAIT_S = 90  # the longest any step may take on a loaded 2-core machine: a bound, not a measurement
# One task (and slot) per tapping thread, so that each one's taps come in a known order; the
# first two are sent as the phone's queue sends them, each with a key of its own.
KEYS = [("daily-drinks", 0), ("break-up-sitting", 0), ("daily-drinks", 1), ("belly-breathing", 0)]
KEYED = 2
BEFORE = 8  # taps each thread has had acknowledged when PostgreSQL is killed
DURING = 2  # taps each thread sends, and has refused, once it is dead


@dataclass
class Tap:
    state: str
    key: str  # the tap's key ("" when sent without one)
    started: float
    status: int | None  # None: no answer at all
    body: str
    headers: CaseInsensitiveDict  # as HTTP has them: waitress writes Hx-Retarget


@pytest.fixture
def postgres(postgres_server, postgres_url) -> PostgresServer:
    """The PostgreSQL server the test kills (up: `postgres_url` saw to it)."""
    return postgres_server


@pytest.fixture
def app_server(postgres, postgres_url, tmp_path) -> Iterator[tuple[Server, dict, str]]:
    """`planner serve` on a database of that server, with Anna and Ben's household."""
    url = postgres_url
    household = seed(url)
    # Recovery after the kill then replays this test's writes, not all that earlier tests of
    # this process wrote since the last checkpoint (CREATE DATABASE alone logs megabytes).
    with psycopg.connect(postgres.url(), autocommit=True) as admin:
        admin.execute("checkpoint")
    server = Server(url, tmp_path)
    try:
        yield server, household, url
    finally:
        server.stop()


def send(http: requests.Session, server: Server, hid: int, task, state: str, key: str) -> Tap:
    """One tap on Today as htmx sends it (with the queue's key, if any); never raises."""
    data = {"occurrence": DAY, "slot": task[1], "state": state, **({"tap_key": key} if key else {})}
    started = time.monotonic()
    try:
        answer = http.post(f"{server.url}/h/{hid}/tasks/{task[0]}/state", data=data, timeout=WAIT_S)
    except requests.RequestException as error:
        return Tap(state, key, started, None, repr(error), CaseInsensitiveDict())
    return Tap(state, key, started, answer.status_code, answer.text, answer.headers)


def pressed(tap: Tap, task: tuple[str, int]) -> str | None:
    """Whether the row in a tap's answer shows the task's button pressed ("true"/"false")."""
    item, slot = task
    found = re.search(
        rf'id="tick-{item}-{DAY}-{slot}"\s+name="state"\s+value="\w+"\s+aria-pressed="(\w+)"',
        tap.body,
    )
    return found.group(1) if found else None


def stored(url: str, hid: int) -> tuple[dict, dict, list[str]]:
    """Each task's stored state ("open" without a row), its history events' states in order,
    and the keys of the taps applied."""
    db = connect(url)
    try:
        rows = fetch(
            db, "select * from ticks where household_id = ? and occurrence = ?", [hid, DAY]
        )
        events = fetch(db, "select * from tick_events where household_id = ? order by id", [hid])
        keys = [row["key"] for row in fetch(db, "select key from tap_keys order by key")]
    finally:
        db.close()
    states = {task: "open" for task in KEYS}
    states.update({(r["item_id"], r["slot"]): r["state"] for r in rows})
    history: dict = {task: [] for task in KEYS}
    for event in events:
        history.setdefault((event["item_id"], event["slot"]), []).append(event["state"])
    return states, history, keys


def test_killing_postgresql_mid_burst_loses_no_acknowledged_tap_and_the_app_recovers(
    postgres, app_server
):
    server, household, url = app_server
    hid = household["id"]
    people = [signed_in(server, household[who]["email"], hid) for who in ("patient", "caregiver")]
    taps: dict = {task: [] for task in KEYS}
    killed = {"from": 0.0, "to": 0.0}
    stop = threading.Event()

    def tapper(n: int, task: tuple[str, int]) -> None:
        http = requests.Session()
        http.cookies.update(people[n % 2].cookies)
        http.headers.update(people[n % 2].headers)
        state, count = "done", 0  # each tap changes the state: each writes one history event
        while not stop.is_set():
            # A refused tap is sent again with its key, as the phone's queue does.
            key = f"fault-{n}-{count:05d}" if n < KEYED else ""
            tap = send(http, server, hid, task, state, key)
            taps[task].append(tap)
            if tap.status == 200:
                state, count = ("open" if state == "done" else "done"), count + 1

    def acknowledged_before() -> bool:
        return all(sum(t.status == 200 for t in taps[task]) >= BEFORE for task in KEYS)

    def refused_after() -> bool:
        return all(sum(t.started > killed["to"] for t in taps[task]) >= DURING for task in KEYS)

    threads = [threading.Thread(target=tapper, args=(n, task)) for n, task in enumerate(KEYS)]
    for thread in threads:
        thread.start()
    try:
        wait_until(acknowledged_before, "taps acknowledged before the kill")
        killed["from"] = time.monotonic()
        postgres.kill()
        killed["to"] = time.monotonic()
        # A page, not a tap, while the database is away: the calm error page.
        page = requests.get(
            f"{server.url}/h/{hid}/today", cookies=people[0].cookies, timeout=WAIT_S
        )
        wait_until(refused_after, "taps refused during the outage")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=WAIT_S)

    assert page.status_code == 503
    assert TITLES[503] in page.text and STORE_AWAY in page.text
    every = [tap for task in KEYS for tap in taps[task]]
    assert {tap.status for tap in every} <= {200, 503}, [t.body[:300] for t in every]
    for task in KEYS:
        for tap in taps[task]:
            if tap.status == 200:  # the row, showing the state the tap set
                assert pressed(tap, task) == ("true" if tap.state == "done" else "false")
                assert tap.started < killed["to"]  # nothing acknowledged while it was dead
            else:  # the words, into the alert region; the row is left as it was
                assert tap.body == f'<p class="field-error">{STORE_AWAY}</p>'
                assert tap.headers["HX-Retarget"] == "#tick-error"
                assert tap.headers["HX-Reswap"] == "innerHTML"

    postgres.start()  # crash recovery, then it takes connections again
    states, history, applied = stored(url, hid)
    in_doubt: dict = {}
    for n, task in enumerate(KEYS):
        acknowledged = [t for t in taps[task] if t.status == 200]
        # A tap in flight while the server was killed may have committed with its answer lost:
        # one refused before the server was dead (sent again meanwhile: the same change, the
        # same key). Nothing else may be there, and nothing acknowledged may be missing.
        doubtful = {(t.state, t.key) for t in taps[task] if t.status != 200}
        doubtful &= {(t.state, t.key) for t in taps[task] if t.started < killed["to"]}
        assert len(doubtful) <= 1, task
        in_doubt[task] = doubtful.pop() if doubtful else None
        states_acknowledged = [t.state for t in acknowledged]
        maybe = [in_doubt[task][0]] if in_doubt[task] else []
        assert history[task] in (states_acknowledged, states_acknowledged + maybe), task
        assert states[task] == history[task][-1], task  # each tick with its event, or neither
        if n < KEYED:  # and each queued tap's key with its change, or neither
            mine = [key for key in applied if key.startswith(f"fault-{n}-")]
            assert mine[: len(acknowledged)] == [t.key for t in acknowledged], task
            assert len(mine) == len(history[task]), task

    # The same server process, not restarted, saves taps again by itself. A queued tap whose
    # answer was lost is sent again with its key and applied once, whether or not it was.
    assert server.process.poll() is None
    expected = {}
    for n, task in enumerate(KEYS):
        again = n < KEYED and in_doubt[task]
        state, key = in_doubt[task] if again else ("open" if states[task] == "done" else "done", "")
        tap = send(people[n % 2], server, hid, task, state, key)
        assert tap.status == 200, tap.body[:300]
        assert pressed(tap, task) == ("true" if state == "done" else "false")
        expected[task] = history[task] + ([] if history[task][-1:] == [state] else [state])
    after, history_after, _ = stored(url, hid)
    assert history_after == {**history, **expected}
    assert after == {task: expected[task][-1] for task in KEYS}


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {WAIT_S} s for {what}")
        time.sleep(0.05)
