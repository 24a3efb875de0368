"""Benchmark the planner in one command: how fast it ticks, how it scales with households, on
SQLite and on PostgreSQL, against what the engine itself can do.

    python bench/run.py [--engine sqlite,postgresql] [--households 1000] [--json results.json]
    python bench/run.py --quick          # tiny and short: checks that the benchmark works

Seeds (or reuses, see bench/seed.py) an SQLite database of 10 households and one of N, each
with a year of history, and loads both into a PostgreSQL server of its own (bench/pg.py); on a
copy of each, on each engine, it starts the real server (`planner serve`: waitress, 8 threads)
on loopback and measures, for --duration seconds each, a trivial route of the same app
(/healthz, the baseline), the Today page and the tick POST of signed-in patients, with wrk (or
a Python load generator where wrk is missing), and the ceiling: the app's tap statement
through the engine's driver alone at the same concurrency (bench/ceiling.py). Rounds alternate
the engines and sizes, so that other work on the machine weighs on all alike; all of it with 1,
2 and then 4 server processes (--workers). Then `planner plan` throughput, and Today's weight
and time to first byte (page_weight.py). Prints requests per second, p50/p95/p99 latency and
CPU per request, ratios to the baseline and of the tap to its ceiling, server start time and
peak memory, and whether the targets of issue 17 are met. Exits 1 if any request failed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import ceiling  # bench/ is a folder of scripts, not a package
import load
import page_weight
import pg
import plan_bench
import seed
from server import HOST, Server

ENGINES = ("sqlite", "postgresql")
ROUTES = ("baseline", "today", "tick")
MEASURED = (*ROUTES, "ceiling")  # the ceiling: the tap statement through the driver alone
LABELS = {
    "baseline": "baseline GET /healthz",
    "today": "Today page GET",
    "tick": "tick POST",
    "ceiling": "tap statement alone",
}
DRIVERS = {
    "sqlite": "sqlite3, WAL, synchronous=NORMAL",
    "postgresql": "psycopg, fsync on, synchronous_commit on",
}
PROFILE = HERE.parent / "tests" / "scenarios" / "profile-example.json"


def machine() -> dict:
    """What the figures were measured on."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024**2, 1),
        "python": platform.python_version(),
        "sqlite": __import__("sqlite3").sqlite_version,
        # Other work on the machine: the 1-minute load average at the start (and at the end).
        "load_average": [round(os.getloadavg()[0], 1)],
    }


def seeded(data: Path, households: int, days: int, reseed: bool) -> tuple[Path, dict]:
    """A seeded database of this size, made now unless one from the same seeder is there."""
    path = data / f"households-{households}-days-{days}.db"
    note = seed.note_path(path)
    if not reseed and note.exists():
        made = json.loads(note.read_text())
        if made.get("version") == seed.VERSION:
            return path, {**made, "reused": True}
    print(f"seeding {households} households, {days} days of history ...", flush=True)
    return path, {**seed.seed(path, households, days), "reused": False}


def spread(households: int, count: int) -> list[int]:
    """`count` household numbers spread evenly over 1..households."""
    count = min(count, households)
    if count == 1:
        return [1]
    return sorted({1 + round(i * (households - 1) / (count - 1)) for i in range(count)})


def deal(items: list, lanes: int) -> list[list]:
    """Items dealt round-robin into `lanes` lists, none empty (items repeat if few)."""
    while len(items) < lanes:
        items = items + items
    return [items[n::lanes] for n in range(lanes)]


# What Chromium sends with every request, of what matters to the server's work.
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def plans_for(sessions: list, server: Server, today: str, lanes: int) -> dict[str, list]:
    """The request lanes of each route. Tick lanes tap every daily task slot of the signed-in
    households to done, then all back to open, so each request really writes."""
    baseline = [[load.Request("GET", "/healthz")] for _ in range(lanes)]
    # As a browser asks for a page: every browser offers compressed answers.
    pages = [
        load.Request("GET", f"/h/{s.household_id}/today", {"Cookie": s.cookie, **BROWSER})
        for s in sessions
    ]
    targets = [
        (s, item_id, slot)
        for s in sessions
        for item_id, slots in server.daily_tasks(s.household_id)
        for slot in range(slots)
    ]
    tick_lanes = []
    for lane in deal(targets, lanes):
        taps = [
            [
                load.Request(
                    "POST",
                    f"/h/{s.household_id}/tasks/{item_id}/state",
                    {
                        "Cookie": s.cookie,
                        "X-CSRF-Token": s.csrf,
                        "HX-Request": "true",
                        "Content-Type": "application/x-www-form-urlencoded",
                        **BROWSER,
                    },
                    f"occurrence={today}&slot={slot}&state={state}",
                )
                for s, item_id, slot in lane
            ]
            for state in ("done", "open")
        ]
        tick_lanes.append(taps[0] + taps[1])
    return {"baseline": baseline, "today": deal(pages, lanes), "tick": tick_lanes}


def _scratch(path: Path, households: int, copy: bool) -> Path:
    """A copy of the seeded database for one run (the taps must not change it), or its removal."""
    scratch = path.with_name(f"run-{households}.db")
    for old in (scratch, Path(f"{scratch}-wal"), Path(f"{scratch}-shm")):
        old.unlink(missing_ok=True)
    if copy:
        shutil.copyfile(path, scratch)
        # Flushed now, or the server's first checkpoint (which syncs the file) would write the
        # whole copy to disk inside a tap: half a second for 1,000 households, once.
        with scratch.open("rb+") as copied:
            os.fsync(copied.fileno())
    return scratch


def _combine(measured: list[tuple[load.Result, float, float]]) -> dict:
    """One figure from several rounds: counts add up, each percentile is the rounds' median,
    and the CPU time per request (the app's processes, or the ceiling's; and PostgreSQL's
    server) is the total's share."""
    rounds = [result for result, _, _ in measured]
    seconds = sum(r.seconds for r in rounds)
    requests = sum(r.requests for r in rounds)
    figure = {
        "rps": requests / seconds,
        "requests": requests,
        "errors": sum(r.errors for r in rounds),
        "cpu_ms": sum(cpu for _, cpu, _ in measured) / max(requests, 1) * 1000,
        "db_cpu_ms": sum(db for _, _, db in measured) / max(requests, 1) * 1000,
    }
    for name in ("p50", "p95", "p99"):
        figure[name] = statistics.median(getattr(r, name) for r in rounds)
    return figure


class Target:
    """One server measured: an engine and a size, its database (a copy of the seed made for
    it), the server on it, its signed-in sessions and request lanes, and the ceiling's taps."""

    def __init__(
        self,
        engine: str,
        size: int,
        seed_path: Path,
        made: dict,
        args: argparse.Namespace,
        workers: int,
        postgres: pg.PostgresServer | None,
    ):
        self.engine, self.size, self.seed_path, self.postgres = engine, size, seed_path, postgres
        self.today = made["today"]
        if postgres is None:
            self.database: Path | str = _scratch(seed_path, size, True)
            log = None
        else:
            self.database = pg.fresh_copy(postgres, _pg_name("seed", size), _pg_name("run", size))
            log = args.data / f"run-postgresql-{size}.log"
        self.server = Server(
            self.database, self.today, workers, threads=args.server_threads, log_path=log
        )
        sessions = [
            self.server.sign_in(seed.patient_email(n), seed.PASSWORD)
            for n in spread(size, args.users)
        ]
        self.lanes = plans_for(sessions, self.server, self.today, args.threads)
        self.taps = [
            (s.household_id, item_id, self.today, slot, s.user_id)
            for s in sessions
            for item_id, slots in self.server.daily_tasks(s.household_id)
            for slot in range(slots)
        ]
        self.concurrency = ceiling.concurrency(workers, args.server_threads, args.connections)

    def db_cpu_seconds(self) -> float:
        """PostgreSQL's server's CPU so far (SQLite's is in the app's processes: 0)."""
        return pg.cpu_seconds(self.postgres) if self.postgres else 0.0

    def run(self, route: str, seconds: float, args: argparse.Namespace):
        """One measurement of a route (or of the ceiling): its result, the CPU seconds of the
        app's processes (the ceiling's own for the ceiling) and of PostgreSQL's server."""
        db = self.db_cpu_seconds()
        if route == "ceiling":
            processes, threads = self.concurrency
            result, cpu = ceiling.measure(
                self.database,
                self.taps,
                f"{self.today}T12:00:00+00:00",
                processes,
                threads,
                seconds,
            )
        else:
            cpu = self.server.cpu_seconds()
            result = load.run(
                args.loadgen, HOST, self.server.port, self.lanes[route], seconds, args.connections
            )
            cpu = self.server.cpu_seconds() - cpu
        return result, cpu, self.db_cpu_seconds() - db

    def stop(self) -> None:
        self.server.stop()
        if self.postgres is None:
            _scratch(self.seed_path, self.size, False)
        else:
            self.postgres.drop_database(_pg_name("run", self.size))


def _pg_name(kind: str, size: int) -> str:
    return f"{kind}_{size}"


def measure(
    databases: dict[int, tuple[Path, dict]],
    args: argparse.Namespace,
    workers: int,
    postgres: pg.PostgresServer | None,
) -> dict:
    """Start a server (`workers` processes) on a copy of each seeded database on each engine,
    then measure every route, and the ceiling, on each in turn, `args.rounds` times round, so
    that a machine busy with something else for a while slows every engine and size alike and
    their ratios still hold."""
    targets: list[Target] = []
    try:
        for engine in args.engine:
            for size, (path, made) in databases.items():
                targets.append(
                    Target(
                        engine,
                        size,
                        path,
                        made,
                        args,
                        workers,
                        postgres if engine == "postgresql" else None,
                    )
                )
                for route in ("today", "tick", "ceiling"):  # templates, connections, plans
                    targets[-1].run(route, args.warmup, args)
        results = {id(t): {r: [] for r in MEASURED} for t in targets}
        for number in range(1, args.rounds + 1):
            for target in targets:
                for route in MEASURED:
                    result = target.run(route, args.duration / args.rounds, args)
                    results[id(target)][route].append(result)
                    print(
                        f"  round {number}  {workers} worker(s)  {target.engine:<10} "
                        f"{target.size:>5} households  {route:<8} "
                        f"{result[0].rps:8,.0f} req/s  p95 {result[0].p95:7.1f} ms  "
                        f"errors {result[0].errors}",
                        flush=True,
                    )
        figures: dict = {engine: {} for engine in args.engine}
        for t in targets:
            figures[t.engine][str(t.size)] = {
                "start_s": t.server.start_seconds,
                "peak_mb": max(t.server.peak_memory_mb()),
                "total_mb": sum(t.server.peak_memory_mb()),
                "ceiling_concurrency": list(t.concurrency),
                "routes": {r: _combine(results[id(t)][r]) for r in MEASURED},
            }
        return figures
    finally:
        for target in targets:
            target.stop()


def plan_figures(quick: bool) -> dict:
    """The engine's plans per second, and one run of the `planner plan` command, start to exit."""
    figures = plan_bench.measure(50 if quick else 500, 1 if quick else 5)
    runs = []
    for _ in range(1 if quick else 3):
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "planner",
                "plan",
                "--profile",
                str(PROFILE),
                "--today",
                "2026-11-22",
            ],
            check=True,
            capture_output=True,
        )
        runs.append(time.perf_counter() - start)
    return {**figures, "command_s": min(runs)}


def targets(sizes: dict, small: int, large: int) -> list[dict]:
    """Issue 17's targets (issue 6's, with Today raised from 1/3 to 1/2), from this run's
    figures for one engine and worker count."""
    big, little = sizes[str(large)]["routes"], sizes[str(small)]["routes"]
    base = big["baseline"]["rps"]
    peak = max(s["peak_mb"] for s in sizes.values())
    rows = [
        ("tick req/s vs baseline", big["tick"]["rps"] / base, ">=", 0.5),
        ("Today req/s vs baseline", big["today"]["rps"] / base, ">=", 0.5),
        (
            f"Today p95 at {large} vs {small} households",
            big["today"]["p95"] / little["today"]["p95"],
            "<=",
            1.3,
        ),
        (
            f"tick p95 at {large} vs {small} households",
            big["tick"]["p95"] / little["tick"]["p95"],
            "<=",
            1.3,
        ),
        ("server peak memory (MB)", peak, "<", 150),
    ]
    return [
        {
            "name": name,
            "value": value,
            "goal": f"{op} {goal:.2f}".rstrip("0").rstrip("."),
            "met": value >= goal if op == ">=" else (value <= goal if op == "<=" else value < goal),
        }
        for name, value, op, goal in rows
    ]


def _runs(figures: dict):
    """(engine, workers, that run's figures) of every run, engines in turn."""
    for engine, runs in figures["engines"].items():
        for workers, run in runs.items():
            yield engine, workers, run


def _errors(figures: dict) -> int:
    return sum(
        r["errors"]
        for _, _, run in _runs(figures)
        for size in run["sizes"].values()
        for r in size["routes"].values()
    )


def _table(engine: str, workers: str, run: dict, s: dict) -> list[str]:
    processes, threads = next(iter(run["sizes"].values()))["ceiling_concurrency"]
    lines = [
        "",
        f"{engine}, {workers} worker process(es), {s['server_threads']} threads each "
        f"(ceiling: {DRIVERS[engine]}, {processes} process(es) x {threads} threads):",
        (
            f"{'households':>10}  {'route':<22}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
            f"{'p99 ms':>9}{'req/s x base':>14}{'p95 x base':>12}{'CPU ms':>8}"
            f"{'CPU x base':>12}{'db CPU ms':>11}"
        ),
    ]
    for size, figures in run["sizes"].items():
        base = figures["routes"]["baseline"]
        for route in MEASURED:
            r = figures["routes"][route]
            lines.append(
                f"{size:>10}  {LABELS[route]:<22}{r['rps']:8,.0f}{r['p50']:9.2f}"
                f"{r['p95']:9.2f}{r['p99']:9.2f}{r['rps'] / base['rps']:14.2f}"
                f"{r['p95'] / base['p95']:12.2f}{r['cpu_ms']:8.3f}"
                f"{base['cpu_ms'] / r['cpu_ms']:12.2f}{r['db_cpu_ms']:11.3f}"
            )
    for size, figures in run["sizes"].items():
        lines.append(
            f"server with {size} households: start {figures['start_s']:.2f} s "
            f"(launch to first answer), peak memory {figures['peak_mb']:.0f} MB "
            f"(VmHWM of the largest process; {figures['total_mb']:.0f} MB all {workers})"
        )
    return lines


def _against_ceiling(figures: dict) -> list[str]:
    """The taps and Today views of every engine and worker count, the taps against the
    statement's ceiling measured in the same rounds."""
    lines = [
        "",
        "taps against their ceiling (the tap statement through the driver alone, same rounds):",
        (
            f"{'engine':<11}{'workers':>7}{'households':>11}{'taps/s':>8}{'tap p95':>9}"
            f"{'ceiling/s':>11}{'ceil p95':>10}{'x ceiling':>11}{'Today/s':>9}{'Today p95':>11}"
        ),
    ]
    for engine, workers, run in _runs(figures):
        for size, sized in run["sizes"].items():
            r = sized["routes"]
            tick, top, today = r["tick"], r["ceiling"], r["today"]
            lines.append(
                f"{engine:<11}{workers:>7}{size:>11}{tick['rps']:8,.0f}{tick['p95']:9.2f}"
                f"{top['rps']:11,.0f}{top['p95']:10.2f}{tick['rps'] / top['rps']:11.2f}"
                f"{today['rps']:9,.0f}{today['p95']:11.2f}"
            )
    return lines


def report(figures: dict) -> str:
    """The results as text, the way bench/README.md shows them."""
    m, s = figures["machine"], figures["settings"]
    lines = [
        (
            f"machine: {m['cpus']} CPUs, {m['cpu']}, {m['ram_gb']} GB RAM; "
            f"Python {m['python']}, SQLite {m['sqlite']}"
            + (f", PostgreSQL {m['postgresql']}" if "postgresql" in m else "")
            + "; load average "
            + " at the start, ".join(map(str, m["load_average"]))
            + " at the end"
        ),
        (
            f"load: {s['loadgen']}, {s['threads']} threads, {s['connections']} connections, "
            f"{s['duration']} s per figure in {s['rounds']} rounds alternating the engines and "
            f"sizes, {s['users']} households signed in per size"
        ),
        "",
    ]
    for size, made in figures["seeding"].items():
        how = "reused" if made["reused"] else "seeded now"
        lines.append(
            f"database of {size} households: {made['events']:,} tick events over "
            f"{made['days']} days, {made['bytes'] / 1e6:,.1f} MB, seeded in "
            f"{made['seconds']} s ({how})"
        )
    for size, loaded in figures.get("postgresql_load", {}).items():
        lines.append(
            f"into PostgreSQL, {size} households: {loaded['rows']:,} rows, "
            f"{loaded['bytes'] / 1e6:,.1f} MB, loaded in {loaded['seconds']} s"
        )
    for engine, workers, run in _runs(figures):
        lines += _table(engine, workers, run, s)
    p = figures["plan"]
    lines += [
        "",
        (
            f"planner plan: {p['plan_ms']:.2f} ms a plan, {p['plans_per_s']:,.0f} plans/s "
            f"(engine, catalog loaded once, {p['ratio']:.0f}x validating the profile); the "
            f"command, start to exit: {p['command_s']:.2f} s"
        ),
        "",
    ]
    lines += page_weight.report(figures["page_weight"])
    for engine, workers, run in _runs(figures):
        lines += ["", f"targets with {engine}, {workers} worker process(es):"]
        for t in run["targets"]:
            lines.append(
                f"  {'met   ' if t['met'] else 'MISSED'} {t['name']}: "
                f"{t['value']:.2f} (goal {t['goal']})"
            )
    lines += _against_ceiling(figures)
    errors = _errors(figures)
    if errors:
        lines.append(f"\n{errors} requests FAILED (4xx/5xx or socket errors): figures invalid")
    return "\n".join(lines)


def options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--engine",
        default=",".join(ENGINES),
        help="the engines measured, in the same rounds: sqlite, postgresql or both (the "
        "default, sqlite,postgresql)",
    )
    parser.add_argument("--households", type=int, default=1000, help="N, the large size")
    parser.add_argument("--small", type=int, default=10, help="the small size")
    parser.add_argument("--days", type=int, default=365, help="days of history")
    parser.add_argument("--duration", type=float, default=10, help="seconds per figure")
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="rounds the duration is split into, alternating the engines and sizes",
    )
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per route")
    parser.add_argument("--threads", type=int, default=2, help="load generator threads")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--users", type=int, default=8, help="households signed in per size")
    parser.add_argument(
        "--server-threads",
        type=int,
        default=8,
        help="threads of each server process (planner serve --threads)",
    )
    parser.add_argument(
        "--workers",
        help="server processes (planner serve --workers), each count in turn (default 1,2,4; "
        "with --quick 1,2)",
    )
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument(
        "--data",
        type=Path,
        default=HERE / ".data",
        help="where seeded databases are kept for the next run",
    )
    parser.add_argument("--reseed", action="store_true", help="seed again even if kept")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="12 and 3 households, 14 days, 0.1 s per figure, 1 and 2 workers: a check, not "
        "figures",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.households, args.small, args.days = 12, 3, 14
        args.duration, args.rounds, args.warmup, args.users, args.connections = 0.1, 1, 0.05, 2, 4
    args.workers = [
        int(n) for n in str(args.workers or ("1,2" if args.quick else "1,2,4")).split(",")
    ]
    args.engine = [e.strip() for e in args.engine.split(",") if e.strip()]
    unknown = [e for e in args.engine if e not in ENGINES]
    if unknown or not args.engine:
        parser.error(f"--engine: {', '.join(unknown) or 'none'}; choose from {', '.join(ENGINES)}")
    if args.loadgen == "auto":
        args.loadgen = load.available()
    return args


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    if args.loadgen == "python" and not args.quick:
        print(
            "wrk not found (apt-get install wrk): the Python load generator measures far "
            "below what the server can do; use these figures for nothing.",
            file=sys.stderr,
        )
    args.data.mkdir(parents=True, exist_ok=True)
    figures: dict = {
        "machine": machine(),
        "seeding": {},
        "settings": {
            k: v
            for k, v in vars(args).items()
            if k
            in (
                "engine",
                "loadgen",
                "threads",
                "connections",
                "duration",
                "rounds",
                "users",
                "days",
                "workers",
            )
        },
        "engines": {engine: {} for engine in args.engine},
    }
    figures["settings"]["server_threads"] = args.server_threads
    databases = {
        size: seeded(args.data, size, args.days, args.reseed)
        for size in (args.small, args.households)
    }
    figures["seeding"] = {str(size): made for size, (_, made) in databases.items()}
    postgres = None
    try:
        if "postgresql" in args.engine:
            print("starting PostgreSQL and loading the seeded databases into it ...", flush=True)
            postgres = pg.start()
            figures["machine"]["postgresql"] = pg.version(postgres)
            figures["postgresql_load"] = {
                str(size): pg.load(postgres, path, _pg_name("seed", size))
                for size, (path, _) in databases.items()
            }
        print(
            f"measuring {args.small} and {args.households} households on "
            f"{' and '.join(args.engine)} in turn, with "
            f"{' and '.join(map(str, args.workers))} server process(es) "
            f"({args.loadgen}) ...",
            flush=True,
        )
        for workers in args.workers:
            for engine, sizes in measure(databases, args, workers, postgres).items():
                figures["engines"][engine][str(workers)] = {
                    "sizes": sizes,
                    "targets": targets(sizes, args.small, args.households),
                }
    finally:
        if postgres is not None:
            postgres.cleanup()
    figures["plan"] = plan_figures(args.quick)
    figures["page_weight"] = page_weight.measure(5 if args.quick else 21)
    figures["machine"]["load_average"].append(round(os.getloadavg()[0], 1))
    print("\n" + report(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 1 if _errors(figures) else 0


if __name__ == "__main__":
    sys.exit(main())
