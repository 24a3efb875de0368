"""Where a request's CPU goes, in one thread: the tick, Today (kept and afresh) and /healthz
through the Flask test client on a copy of a seeded database, timed with time.thread_time and
optionally profiled with cProfile.

    python bench/profile_requests.py [--db bench/.data/households-10-days-365.db] [--n 200]
    python bench/profile_requests.py --profile tick [--top 30]

No load, no server, no GIL contention: the CPU one request costs, which is what the server's
throughput on 2 cores is bounded by. Not a substitute for run.py's figures under load.
"""

from __future__ import annotations

import argparse
import cProfile
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

from planner.store import accounts, plans
from planner.store.sqlite import close_thread_dbs, connect

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


def requests_of(kind: str, client, household_id: int, csrf: str, daily: list, today: str):
    """A function making one request of this kind (ticks alternate done and open)."""
    taps = [
        (item, slot, state)
        for state in ("done", "open")
        for item, slots in daily
        for slot in range(slots)
    ]
    count = [0]
    headers = {"X-CSRF-Token": csrf, "HX-Request": "true"}

    def tick():
        item, slot, state = taps[count[0] % len(taps)]
        count[0] += 1
        answer = client.post(
            f"/h/{household_id}/tasks/{item}/state",
            headers=headers,
            data={"occurrence": today, "slot": slot, "state": state},
        )
        assert answer.status_code == 200, answer.status_code

    def today_kept():
        assert client.get(f"/h/{household_id}/today").status_code == 200

    def today_fresh():
        client.application.extensions["planner_pages"].clear()
        today_kept()

    def healthz():
        assert client.get("/healthz").status_code == 200

    return {"tick": tick, "today": today_kept, "today-fresh": today_fresh, "healthz": healthz}[kind]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=HERE / ".data" / "households-10-days-365.db")
    parser.add_argument("--n", type=int, default=200, help="requests of each batch")
    parser.add_argument("--batches", type=int, default=5, help="the least of these is shown")
    parser.add_argument("--profile", choices=("tick", "today", "today-fresh", "healthz"))
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args()
    today = json.loads(seed.note_path(args.db).read_text())["today"]
    with tempfile.TemporaryDirectory() as folder:
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
            spent = float("inf")
            for _ in range(args.batches):  # the least of several: other work on the machine
                start = time.thread_time()  # only ever adds (caches, frequency)
                for _ in range(args.n):
                    one()
                spent = min(spent, time.thread_time() - start)
            if args.profile:
                profiler.disable()
                pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
            print(
                f"{kind:<12} {spent / args.n * 1000:6.3f} ms CPU a request (least of "
                f"{args.batches} x {args.n})"
            )
        close_thread_dbs()


if __name__ == "__main__":
    main()
