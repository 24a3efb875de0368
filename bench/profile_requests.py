"""Where a request's CPU goes, in one thread: the tick, Today (kept and afresh) and /healthz,
each called straight into the WSGI app (environs made once, signed in through the Flask test
client) on a copy of a seeded database, timed with time.thread_time and optionally profiled
with cProfile.

    python bench/profile_requests.py [--db bench/.data/households-10-days-365.db] [--n 200]
    python bench/profile_requests.py --profile tick [--top 30]
    python bench/profile_requests.py --engine postgresql   # the seed copied into a PostgreSQL

No load, no server, no GIL contention: the CPU one request costs, which is what the server's
throughput on 2 cores is bounded by. Not a substitute for run.py's figures under load. On
PostgreSQL (a server of its own, bench/pg.py) the time a request waits for the database is not
CPU of this thread: the wall time a request takes is shown too, and what PostgreSQL did for
it (transactions and WAL flushes to disk, from its statistics views).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import pstats
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import seed
from werkzeug.test import EnvironBuilder

from planner.store import accounts, plans
from planner.store.sql import close_thread_dbs, connect

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def client_for(db_path: Path, today: str):
    """A signed-in test client of household 1's patient, its household id, CSRF token and the
    (item id, slots) of its daily tasks."""
    from planner.web.app import create_app

    app = create_app(
        {"DATABASE": str(db_path), "SECRET_KEY": "profile", "TODAY": today, "TESTING": False}
    )
    db = connect(db_path)
    user = accounts.user_by_email(db, seed.patient_email(1))
    household_id = accounts.households_for(db, user["id"])[0]["id"]
    daily = [
        (t["id"], t["schedule"]["times_per_day"])
        for t in plans.tasks(db, household_id)
        if t["schedule"]["kind"] == "daily"
    ]
    db.close()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login",
        data={
            "csrf_token": CSRF.search(page).group(1),
            "email": seed.patient_email(1),
            "password": seed.PASSWORD,
        },
    )
    page = client.get(f"/h/{household_id}/today").get_data(as_text=True)
    return app, client, household_id, CSRF.search(page).group(1), daily


def _environ(client, method: str, path: str, headers: dict, data: dict | None = None):
    """The WSGI environ of a request as a browser holding the client's cookie sends it, made
    once, and its body: the app is then called with it directly, so that what is measured is
    the app's own work, not the test client's (which cost about as much as a tap)."""
    cookie = client.get_cookie("session").value
    builder = EnvironBuilder(
        path=path,
        method=method,
        data=data,
        headers={**headers, "Cookie": f"session={cookie}", "Accept-Encoding": "gzip"},
    )
    environ = builder.get_environ()
    body = environ["wsgi.input"].read()
    builder.close()
    return environ, body


def _call(app, environ: dict, body: bytes) -> str:
    environ = {**environ, "wsgi.input": io.BytesIO(body)}
    status = []
    answer = app(environ, lambda code, headers, exc_info=None: status.append(code))
    for _ in answer:
        pass
    if hasattr(answer, "close"):
        answer.close()
    return status[0]


def requests_of(kind: str, client, household_id: int, csrf: str, daily: list, today: str):
    """A function making one request of this kind (ticks alternate done and open), straight
    into the WSGI app."""
    app = client.application
    headers = {"X-CSRF-Token": csrf, "HX-Request": "true"}
    taps = [
        _environ(
            client,
            "POST",
            f"/h/{household_id}/tasks/{item}/state",
            headers,
            {"occurrence": today, "slot": slot, "state": state},
        )
        for state in ("done", "open")
        for item, slots in daily
        for slot in range(slots)
    ]
    count = [0]
    page = _environ(client, "GET", f"/h/{household_id}/today", {})
    health = _environ(client, "GET", "/healthz", {})

    def tick():
        environ, body = taps[count[0] % len(taps)]
        count[0] += 1
        assert _call(app, environ, body).startswith("200")

    def today_kept():
        assert _call(app, *page).startswith("200")

    def today_fresh():
        app.extensions["planner_pages"].clear()
        today_kept()

    def healthz():
        assert _call(app, *health).startswith("200")

    return {"tick": tick, "today": today_kept, "today-fresh": today_fresh, "healthz": healthz}[kind]


_statements = [0]


def _count_statements() -> None:
    """Count the statements the store sends to PostgreSQL (each a round trip to its server)."""
    from planner.store.postgres import PgConnection

    execute = PgConnection.execute

    def counted(self, sql, params=()):
        _statements[0] += 1
        return execute(self, sql, params)

    PgConnection.execute = counted  # type: ignore[method-assign]


def _database_work(target: Path | str) -> dict[str, float]:
    """On PostgreSQL, the counts so far: the store's statements sent, transactions committed
    in the database (a lone statement is one) and WAL flushes to disk (fsyncs) of the whole
    server. Nothing on SQLite."""
    if not isinstance(target, str):
        return {}
    import psycopg

    from planner.store.postgres import close_pools

    # A backend sends its counts to the statistics at most once a second, and when it ends:
    # the app's connections are ended (the pool opens new ones), and their counts given time.
    close_pools()
    time.sleep(1.5)
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute("select pg_stat_clear_snapshot()")
        commits = conn.execute(
            "select xact_commit from pg_stat_database where datname = current_database()"
        ).fetchone()[0]
        syncs = conn.execute("select wal_sync from pg_stat_wal").fetchone()[0]
    # Each of these counts one transaction of its own: the reading connection's.
    return {
        "statements": float(_statements[0]),
        "transactions": float(commits),
        "WAL fsyncs": float(syncs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=HERE / ".data" / "households-10-days-365.db")
    parser.add_argument("--n", type=int, default=200, help="requests of each batch")
    parser.add_argument("--batches", type=int, default=5, help="the least of these is shown")
    parser.add_argument("--profile", choices=("tick", "today", "today-fresh", "healthz"))
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    today = json.loads(seed.note_path(args.db).read_text())["today"]
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        if args.engine == "postgresql":
            import pg

            server = pg.start()
            stack.callback(server.cleanup)
            pg.load(server, args.db, "profile")
            copy: Path | str = server.url("profile")
            _count_statements()
        else:
            copy = Path(folder) / "profile.db"
            shutil.copyfile(args.db, copy)
        _, client, household_id, csrf, daily = client_for(copy, today)
        kinds = [args.profile] if args.profile else ["healthz", "today", "today-fresh", "tick"]
        for kind in kinds:
            one = requests_of(kind, client, household_id, csrf, daily, today)
            for _ in range(50):  # warm: templates compiled, connection opened
                one()
            if args.profile:
                profiler = cProfile.Profile()
                profiler.enable()
            spent = waited = float("inf")
            before = _database_work(copy)
            for _ in range(args.batches):  # the least of several: other work on the machine
                start, wall = time.thread_time(), time.perf_counter()  # only ever adds
                for _ in range(args.n):
                    one()
                spent = min(spent, time.thread_time() - start)
                waited = min(waited, time.perf_counter() - wall)
            after = _database_work(copy)
            if args.profile:
                profiler.disable()
                pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
            work = "".join(
                f", {(after[name] - before[name]) / (args.n * args.batches):.2f} {name}"
                for name in after
            )
            print(
                f"{kind:<12} {spent / args.n * 1000:6.3f} ms CPU a request, "
                f"{waited / args.n * 1000:6.3f} ms wall (least of {args.batches} x {args.n})"
                f"{work}"
            )
        close_thread_dbs()


if __name__ == "__main__":
    main()
