"""Serving the app with waitress: one process, or several worker processes on one port.

A Python process runs one thread at a time (the GIL), so one process uses about one core
however many threads it has. `workers` > 1 binds the port once, then forks that many processes
which each run waitress (threads each) on the same listening socket; the kernel hands each new
connection to one of them.

What the workers share is the SQLite file, and everything that must agree between them lives
there: every write is a transaction (BEGIN IMMEDIATE; SQLite lets one process write at a time
and the others wait in its busy handler, see planner/sqlite.py), the page cache's keys carry
the household's revision that SQLite triggers move on (planner/page_cache.py), and sign-in
failures are counted in a table (store/accounts.py). Each worker keeps its own page cache and
its own connections, opened after the fork.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
from collections.abc import Callable

import waitress
from flask import Flask

from planner.store.postgres import close_pools
from planner.store.sql import close_thread_dbs

THREADS = 8


def serve(
    app: Flask,
    host: str,
    port: int,
    workers: int = 1,
    threads: int = THREADS,
    background: Callable[[], None] | None = None,
    **options,
) -> None:
    """Serve `app` on host:port until stopped (Ctrl-C, SIGTERM). Raises OSError if the port
    cannot be bound. `background` (the reminder scheduler) is started once: in the server
    process, or with workers in the supervising process once they are forked. `options` go to
    waitress (each worker's own limits)."""
    if workers <= 1:
        if background:
            background()
        waitress.serve(app, host=host, port=port, threads=threads, **options)
        return
    if not hasattr(os, "fork"):
        raise OSError(0, "several workers need os.fork (Linux, macOS); use --workers 1")
    listener = socket.create_server((host, port), backlog=1024)
    close_thread_dbs()  # no connection may cross a fork
    close_pools()  # nor a pool's threads
    children = [_fork(app, listener, threads, options) for _ in range(workers)]
    listener.close()  # the workers hold it now
    if background:
        background()
    _supervise(children)


def _fork(app: Flask, listener: socket.socket, threads: int, options: dict) -> int:
    pid = os.fork()
    if pid:
        return pid
    status = 0
    try:  # a worker: the default signal handling, and waitress on the shared socket
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        waitress.serve(app, sockets=[listener], threads=threads, **options)
    except KeyboardInterrupt:
        pass
    except BaseException:  # noqa: BLE001  shown, then the worker ends and the parent stops all
        import traceback

        traceback.print_exc()
        status = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def _supervise(children: list[int]) -> None:
    """Wait for the workers. SIGTERM or Ctrl-C stops them all; if one ends by itself, the
    others are stopped too (a half-served port would hide the fault): run the server under
    something that restarts it (systemd, a container) as with one process."""
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True
        for pid in children:
            _signal(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    remaining = set(children)
    failed = False
    while remaining:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        remaining.discard(pid)
        if not stopping:
            failed = True
            print(f"worker {pid} ended (status {status}): stopping the others", file=sys.stderr)
            stop(None, None)
    if failed:
        raise SystemExit(1)


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it has gone already
        os.kill(pid, signum)
