"""The ceiling of a tap: the app's own tap statement (planner.store.ticks, imported, not copied)
sent through the engine's driver alone, with nothing of the app around it: no HTTP, no
session, no check, no rendered row. What the engine can do for taps at the same concurrency
and durability as the server measured beside it, so that bench/run.py can say how much of it
the app reaches.

- SQLite: sqlite3, one connection a thread, as the app opens them (WAL, synchronous=NORMAL,
  foreign keys on, a busy timeout), and nothing else: not the app's writers' locks (a thread
  lock and an flock() beside the file, planner.store.sqlite.writer), which the app takes
  around a tap; writers that meet wait in SQLite's busy handler. (With the app's locks the
  statement alone gave up to a third fewer taps/s in a trial, and a p95 of 11-26 ms for
  0.3-0.7 without them: bench/README.md.)
- PostgreSQL: psycopg, one connection a thread in autocommit, the statement as the app sends it
  (planner.store.postgres.translate), on a server with fsync and synchronous_commit on.

The same concurrency: as many processes as the server has workers, each with as many threads
as it could have requests in hand at once (its threads, or its share of the load generator's
connections if fewer).
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
from pathlib import Path

import load

from planner.store.postgres import is_url, translate
from planner.store.ticks import _SET_SQL as TAP_SQL  # the tap, exactly as the app writes it

__all__ = ["TAP_SQL", "concurrency", "lanes_of", "measure"]


def concurrency(workers: int, server_threads: int, connections: int) -> tuple[int, int]:
    """(processes, threads in each) matching a server of `workers` processes of
    `server_threads` threads under `connections` connections."""
    return workers, max(1, min(server_threads, -(-connections // workers)))


def lanes_of(taps: list[tuple], lanes: int, at: str) -> list[list[tuple]]:
    """The statement's values for each thread: its share of the taps (household id, item id,
    occurrence, slot, by user), each set to done, then all back to open, so every statement
    writes (as run.py's tick lanes)."""
    while len(taps) < lanes:
        taps = taps + taps
    dealt = [taps[n::lanes] for n in range(lanes)]
    return [
        [
            (household, item, occurrence, slot, state, user, None, at)
            for state in ("done", "open")
            for household, item, occurrence, slot, user in lane
        ]
        for lane in dealt
    ]


def _writer(database: str):
    """A function running the tap statement on a new connection to `database`."""
    if is_url(database):
        import psycopg

        conn = psycopg.connect(database, autocommit=True)
        text, order = translate(TAP_SQL)

        def tap(values: tuple) -> None:
            conn.execute(text, [values[k] for k in order] if order else values)

        return tap, conn.close
    # Opened by the process, used by one thread of it only.
    conn = sqlite3.connect(database, timeout=10, isolation_level=None, check_same_thread=False)
    for pragma in ("foreign_keys = ON", "busy_timeout = 10000", "synchronous = NORMAL"):
        conn.execute(f"PRAGMA {pragma}")

    def tap(values: tuple) -> None:
        conn.execute(TAP_SQL, values)

    return tap, conn.close


def _process(database: str, lanes: list[list[tuple]], seconds: float, ready, results) -> None:
    """One process's threads, each on its own connection and lane, from when every process is
    ready until `seconds` later; puts (taps, errors, latencies in ms, seconds, CPU seconds)."""
    writers = [_writer(database) for _ in lanes]
    start = threading.Barrier(len(lanes) + 1)
    found: list[tuple[int, list[float]]] = []
    collected = threading.Lock()

    def thread(tap, lane: list[tuple]) -> None:
        start.wait()
        deadline = time.perf_counter() + seconds
        latencies, errors, n = [], 0, 0
        while time.perf_counter() < deadline:
            values = lane[n % len(lane)]
            n += 1
            began = time.perf_counter()
            try:
                tap(values)
            except Exception:  # noqa: BLE001  counted, as the load generators count failures
                errors += 1
            latencies.append((time.perf_counter() - began) * 1000)
        with collected:
            found.append((errors, latencies))

    threads = [
        threading.Thread(target=thread, args=(tap, lane))
        for (tap, _), lane in zip(writers, lanes, strict=True)
    ]
    for each in threads:
        each.start()
    ready.wait()  # every process connected
    cpu, began = time.process_time(), time.perf_counter()
    start.wait()
    for each in threads:
        each.join()
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    for _, close in writers:
        close()
    latencies = [ms for _, mine in found for ms in mine]
    results.put((len(latencies), sum(e for e, _ in found), latencies, elapsed, cpu))


def measure(
    database: str | Path, taps: list[tuple], at: str, processes: int, threads: int, seconds: float
) -> tuple[load.Result, float]:
    """Run the tap statement on `database` from `processes` processes of `threads` threads for
    `seconds`; the result as the load generators give theirs, and the CPU seconds the
    processes used (the driver's and SQLite's own; not PostgreSQL's server)."""
    context = multiprocessing.get_context("fork")  # nothing open to carry over: a bench script
    ready, results = context.Barrier(processes), context.Queue()
    lanes = lanes_of(taps, processes * threads, at)
    children = [
        context.Process(
            target=_process,
            args=(str(database), lanes[n * threads : (n + 1) * threads], seconds, ready, results),
        )
        for n in range(processes)
    ]
    for child in children:
        child.start()
    parts = [results.get(timeout=seconds + 120) for _ in children]
    for child in children:
        child.join()
    latencies = sorted(ms for part in parts for ms in part[2])
    result = load.Result(
        requests=sum(p[0] for p in parts),
        seconds=max(p[3] for p in parts),
        errors=sum(p[1] for p in parts),
        p50=load.percentile(latencies, 0.50),
        p95=load.percentile(latencies, 0.95),
        p99=load.percentile(latencies, 0.99),
    )
    return result, sum(p[4] for p in parts)
