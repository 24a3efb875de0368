"""The benchmark keeps working: `bench/run.py --quick` seeds, serves, loads and reports every
figure. Its figures (half a second each, on a tiny database) mean nothing; bench/README.md has
real ones. Uses the Python load generator, tested on its own here too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import load  # bench/ is a folder of scripts


def test_quick_run_reports_every_figure(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    }
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--quick",
            # The Python load generator everywhere (CI has no wrk): the same check on every
            # machine, and wrk's figures under libfaketime (tests/test_moved_clock.py) crawl.
            "--loadgen",
            "python",
            "--data",
            str(tmp_path),
            "--json",
            str(tmp_path / "figures.json"),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for words in (
        "baseline GET /healthz",
        "Today page GET",
        "tick POST",
        "req/s x base",
        "server with 3 households: start",
        "server with 12 households: start",
        "peak memory",
        "planner plan:",
        "plans/s",
        "targets with 1 worker process(es):",
        "Today p95 at 12 vs 3 households",
        "tick req/s vs baseline",
        "2 worker process(es)",
        "targets with 2 worker process(es):",
        "Today for the demo patient",
        'Today for the "Not sure" household',
    ):
        assert words in done.stdout, words
    figures = json.loads((tmp_path / "figures.json").read_text())
    for size in ("3", "12"):
        run = figures["sizes"][size]
        assert 0 < run["start_s"] < 60 and run["peak_mb"] > 10
        for route in ("baseline", "today", "tick"):
            r = run["routes"][route]
            assert r["requests"] > 0 and r["errors"] == 0, (size, route)
            assert 0 < r["p50"] <= r["p95"] <= r["p99"], (size, route)
    assert figures["plan"]["plans_per_s"] > 0
    assert len(figures["targets"]) == 5
    assert figures["runs"]["2"]["sizes"]["12"]["routes"]["tick"]["errors"] == 0
    for weight in figures["page_weight"].values():
        assert 0 < weight["html_gzip_bytes"] < weight["html_bytes"]


def test_python_load_generator_counts_answers_and_failures(tmp_path):
    from server import HOST, Server  # bench/server.py: planner serve in a subprocess

    server = Server(tmp_path / "planner.db", "2026-11-23")
    try:
        lanes = [[load.Request("GET", "/healthz")], [load.Request("GET", "/no-such-page")]]
        # Warmed first, as run.py does: a fresh server's first answers can take a second on a
        # busy machine, which left a 0.3 s figure with two requests.
        load.run("python", HOST, server.port, lanes, 0.3, 2)
        result = load.run("python", HOST, server.port, lanes, 1.0, 2)
    finally:
        server.stop()
    # One connection a lane: the 404s, and only they, are counted as failures (a machine
    # running the whole suite on a moved clock answered two requests in that second).
    assert result.requests >= 2 and 0 < result.errors < result.requests
    assert 0 < result.p50 <= result.p95 <= result.p99 and result.rps > 0
