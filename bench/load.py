"""Load generators for bench/run.py: wrk (Debian's `wrk` package) when installed, else a small
Python one (threads and http.client), so that `run.py --quick` and its smoke test work anywhere.

Both take the same plan, `lanes`: lists of requests, each cycled in order. wrk gives each lane
to one of its threads (all of whose connections draw from it in turn); the Python generator's
workers draw from the lanes in the same way. Requests on one task placed a lane's length apart
therefore never race each other, which is how run.py makes its taps alternate done and open.
wrk is the one to trust for figures: the Python generator shares the GIL with itself and
measures far below what the server can do.
"""

from __future__ import annotations

import http.client
import itertools
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Request:
    """One HTTP request of a lane."""

    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


@dataclass(frozen=True)
class Result:
    """What one measurement gave: counts, seconds, and latency percentiles in milliseconds."""

    requests: int
    seconds: float
    errors: int  # HTTP 4xx/5xx and socket errors
    p50: float
    p95: float
    p99: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def available() -> str:
    """The load generator this machine has: "wrk" or "python"."""
    return "wrk" if shutil.which("wrk") else "python"


def run(
    kind: str, host: str, port: int, lanes: list[list[Request]], seconds: float, connections: int
) -> Result:
    """Send the lanes' requests as fast as the server answers, for `seconds`."""
    if kind == "wrk":
        return _wrk(host, port, lanes, seconds, connections)
    return _python(host, port, lanes, seconds, connections)


# wrk --------------------------------------------------------------------------------------------

_LUA = """
local next_lane = 1
function setup(thread)
  thread:set("lane", next_lane)
  next_lane = next_lane + 1
end
local formatted, i = {}, 0
function init(args)
  for _, r in ipairs(lanes[lane]) do
    formatted[#formatted + 1] = wrk.format(r[1], r[2], r[3], r[4])
  end
end
function request()
  i = i % #formatted + 1
  return formatted[i]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout + e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _lua_request(request: Request, host: str, port: int) -> str:
    headers = {"Host": f"{host}:{port}", **request.headers}
    table = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items())
    body = _lua_string(request.body) if request.body is not None else "nil"
    return f"{{{_lua_string(request.method)}, {_lua_string(request.path)}, {{{table}}}, {body}}}"


def _wrk(
    host: str, port: int, lanes: list[list[Request]], seconds: float, connections: int
) -> Result:
    lua_lanes = ",\n".join(
        "{" + ",\n".join(_lua_request(r, host, port) for r in lane) + "}" for lane in lanes
    )
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "lanes.lua"
        script.write_text(f"lanes = {{\n{lua_lanes}\n}}\n{_LUA}")
        command = [
            "wrk",
            f"-t{len(lanes)}",
            f"-c{max(connections, len(lanes))}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://{host}:{port}/",
        ]
        done = subprocess.run(
            command, check=False, capture_output=True, text=True, timeout=seconds + 60
        )
    found = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", done.stdout, re.MULTILINE)
    if done.returncode or not found:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    count, micros, errors, p50, p95, p99 = (int(n) for n in found.groups())
    return Result(count, micros / 1e6, errors, p50 / 1000, p95 / 1000, p99 / 1000)


# Python -----------------------------------------------------------------------------------------


def percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _python(
    host: str, port: int, lanes: list[list[Request]], seconds: float, connections: int
) -> Result:
    cycles = [(threading.Lock(), itertools.cycle(lane)) for lane in lanes]
    latencies: list[float] = []
    errors = [0]
    results = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(number: int) -> None:
        lock, lane = cycles[number % len(cycles)]
        conn = http.client.HTTPConnection(host, port, timeout=10)
        mine, failed = [], 0
        while time.perf_counter() < deadline:
            with lock:
                request = next(lane)
            start = time.perf_counter()
            try:
                conn.request(
                    request.method, request.path, body=request.body, headers=request.headers
                )
                response = conn.getresponse()
                response.read()
                failed += response.status >= 400
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=10)
            mine.append(time.perf_counter() - start)
        conn.close()
        with results:
            latencies.extend(mine)
            errors[0] += failed

    started = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(ms * 1000 for ms in latencies)
    return Result(
        len(ordered),
        elapsed,
        errors[0],
        percentile(ordered, 0.50),
        percentile(ordered, 0.95),
        percentile(ordered, 0.99),
    )
