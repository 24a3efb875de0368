"""What a phone downloads for Today, and how long until the first byte comes back.

    python bench/page_weight.py

On a fresh database with the demo household (`planner serve --demo`'s) and a new household
whose every answer was "Not sure" (as the profile form reads it: every field unknown, the
careful plan),
served by `planner serve`: the bytes of Today's HTML as sent plain and gzipped, of the static
files it loads (once: they are then kept for a year), and the time to first byte of Today,
rendered afresh (right after a tap, as the household sees it) and kept. One request at a
time on an otherwise idle server: latency, not capacity (run.py measures that).
"""

from __future__ import annotations

import datetime as dt
import http.client
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from server import HOST, Server

from planner import clock, demo, planning
from planner.plans import profile_form
from planner.plans.catalog import default_folder, load_catalog
from planner.store import accounts
from planner.store.migrations import migrate
from planner.store.sql import connect

DAY = "2026-11-23"
NOT_SURE = ("not-sure@example.org", "Sam", "not-sure-password")
ASSETS = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def _database(folder: Path) -> Path:
    path = folder / "weight.db"
    migrate(path)
    catalog = load_catalog(default_folder())
    pinned = clock.pinned(DAY)
    db = connect(path)
    try:
        demo.seed(db, catalog, pinned)
        email, name, password = NOT_SURE
        moment = pinned.now(clock.zone(clock.DEFAULT_ZONE))
        person = accounts.create_user(db, email, name, password, at=moment)
        home = accounts.create_household(db, "Sam's home", person["id"], "patient", at=moment)
        # What the profile form reads when every question is answered "Not sure".
        answers, _ = profile_form.read_form(
            {q.name: q.not_sure_value for q in profile_form.QUESTIONS.values()}
        )
        planning.replan(
            db, home["id"], answers, catalog, dt.date.fromisoformat(DAY), person["id"], at=moment
        )
    finally:
        db.close()
    return path


def _get(conn: http.client.HTTPConnection, path: str, headers: dict) -> tuple[float, bytes]:
    """(seconds to the first byte of the answer, its body as sent)."""
    start = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()  # returns once the status line and headers have come
    first = time.perf_counter() - start
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}")
    return first, body


def _figures(server: Server, email: str, password: str, repeats: int) -> dict:
    session = server.sign_in(email, password)
    page = f"/h/{session.household_id}/today"
    cookie = {"Cookie": session.cookie}
    conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
    try:
        _, plain = _get(conn, page, cookie)
        _, packed = _get(conn, page, {**cookie, "Accept-Encoding": "gzip"})
        assets = ASSETS.findall(plain.decode())
        static_plain = sum(len(_get(conn, a, {})[1]) for a in assets)
        static_packed = sum(len(_get(conn, a, {"Accept-Encoding": "gzip"})[1]) for a in assets)
        item, _slots = server.daily_tasks(session.household_id)[0]
        fresh, kept = [], []
        for n in range(repeats):
            tap = f"occurrence={DAY}&slot=0&state={'done' if n % 2 == 0 else 'open'}"
            conn.request(
                "POST",
                f"/h/{session.household_id}/tasks/{item}/state",
                body=tap,
                headers={
                    **cookie,
                    "X-CSRF-Token": session.csrf,
                    "HX-Request": "true",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            conn.getresponse().read()
            fresh.append(_get(conn, page, {**cookie, "Accept-Encoding": "gzip"})[0])
            kept.append(_get(conn, page, {**cookie, "Accept-Encoding": "gzip"})[0])
    finally:
        conn.close()
    return {
        "html_bytes": len(plain),
        "html_gzip_bytes": len(packed),
        "tasks": plain.decode().count('<li class="task'),
        "static_bytes": static_plain,
        "static_gzip_bytes": static_packed,
        "ttfb_fresh_ms": statistics.median(fresh) * 1000,
        "ttfb_kept_ms": statistics.median(kept) * 1000,
    }


def measure(repeats: int = 21) -> dict:
    """Today's weight and time to first byte for the demo patient and a "Not sure" household."""
    with tempfile.TemporaryDirectory() as folder:
        server = Server(_database(Path(folder)), DAY)
        try:
            return {
                "demo patient": _figures(server, demo.ACCOUNTS[0][0], demo.PASSWORD, repeats),
                '"Not sure" household': _figures(server, NOT_SURE[0], NOT_SURE[2], repeats),
            }
        finally:
            server.stop()


def report(figures: dict) -> list[str]:
    lines = []
    for who, f in figures.items():
        lines.append(
            f"Today for the {who} ({f['tasks']} tasks): HTML {f['html_bytes']:,} bytes, "
            f"{f['html_gzip_bytes']:,} gzipped; static files {f['static_bytes']:,} "
            f"bytes, {f['static_gzip_bytes']:,} gzipped (once, then kept); time to "
            f"first byte {f['ttfb_fresh_ms']:.1f} ms afresh, {f['ttfb_kept_ms']:.1f} ms "
            "kept (median, one request at a time)"
        )
    return lines


if __name__ == "__main__":
    print("\n".join(report(measure())))
