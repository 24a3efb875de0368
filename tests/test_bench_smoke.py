"""The benchmark keeps working: `bench/run.py --quick` seeds, serves, loads and reports every
figure, on SQLite and on a PostgreSQL of its own, the tap statement's ceiling included. Its
figures (a tenth of a second each, on a tiny database) mean nothing; bench/README.md has real ones.
Uses the Python load generator, tested on its own here too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import load  # bench/ is a folder of scripts
import pytest

from tests.pg import newest_bin


def test_quick_run_reports_every_figure(tmp_path):
    try:
        newest_bin()  # the benchmark starts a PostgreSQL of its own from Debian's binaries
    except RuntimeError as missing:
        if os.environ.get("CI"):
            pytest.fail(str(missing))
        pytest.skip(str(missing))
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
            # Two server processes only: one process is the same code with a count of one, and
            # each count costs a server start and sixteen figures per engine and size.
            "--workers",
            "2",
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
        "tap statement alone",
        "req/s x base",
        "db CPU ms",
        "server with 3 households: start",
        "server with 12 households: start",
        "peak memory",
        "into PostgreSQL, 12 households:",
        "planner plan:",
        "plans/s",
        "Today p95 at 12 vs 3 households",
        "tick req/s vs baseline",
        "Today for the demo patient",
        'Today for the "Not sure" household',
        "taps against their ceiling",
    ):
        assert words in done.stdout, words
    for engine in ("sqlite", "postgresql"):
        assert f"{engine}, 2 worker process(es), 8 threads each" in done.stdout
        assert f"targets with {engine}, 2 worker process(es):" in done.stdout
    figures = json.loads((tmp_path / "figures.json").read_text())
    assert figures["machine"]["postgresql"]
    for engine in ("sqlite", "postgresql"):
        runs = figures["engines"][engine]
        assert sorted(runs) == ["2"], engine
        for workers, run in runs.items():
            assert len(run["targets"]) == 5
            for size in ("3", "12"):
                sized = run["sizes"][size]
                assert 0 < sized["start_s"] < 60 and sized["peak_mb"] > 10
                # The ceiling runs as many processes as the server has workers.
                assert sized["ceiling_concurrency"][0] == int(workers)
                for route in ("baseline", "today", "tick", "ceiling"):
                    r = sized["routes"][route]
                    where = (engine, workers, size, route)
                    assert r["requests"] > 0 and r["errors"] == 0, where
                    assert 0 < r["p50"] <= r["p95"] <= r["p99"], where
                    assert r["cpu_ms"] >= 0 and r["db_cpu_ms"] >= 0, where
                if engine == "sqlite":  # SQLite works inside the app's processes
                    assert sized["routes"]["tick"]["db_cpu_ms"] == 0
    assert figures["plan"]["plans_per_s"] > 0
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
