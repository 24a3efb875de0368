"""A guard against the wall clock: modules that tick, plan and show weeks pass with the machine's
clock moved across a daylight-saving change and a year end, in a far time zone (libfaketime).

The suite pins the app's day (tests.factories.DAY); anything that reads the system time outside
planner.clock, or reads the machine's zone, shows up here as a failure on a moved clock.

The whole suite, browser tests included, runs on a moved clock the same way (from the checkout,
in its venv; Chromium keeps the real clock, see tests/browser/conftest.py):

    PYTHONPATH=$PWD/tests/moved_clock TZ=Pacific/Auckland FAKETIME_DONT_FAKE_MONOTONIC=1 \
        faketime '2026-12-31 10:58:00 UTC' python -m pytest

tests/moved_clock/sitecustomize.py works around a libfaketime bug with Python's sleeps.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = ["tests/test_history.py"]  # weeks, days and ticks by the household's clock
MOMENTS = [
    # London's clocks go forward at 01:00 UTC on 28 March 2027, during the run.
    ("2027-03-28 00:59:30 UTC", "Europe/London"),
    # The year ends in Auckland (UTC+13) while it is still the 31st in UTC.
    ("2026-12-31 10:59:50 UTC", "Pacific/Auckland"),
    # The far side of the date line, on another day than DAY and the real today.
    ("2031-07-05 06:59:50 UTC", "America/Los_Angeles"),
]


@pytest.mark.parametrize(("moment", "zone"), MOMENTS)
def test_tick_and_week_modules_pass_on_a_moved_clock(moment, zone):
    faketime = shutil.which("faketime")
    if faketime is None:
        if os.environ.get("CI"):
            pytest.fail("faketime is missing: .ci/run installs Debian's faketime package")
        pytest.skip("faketime is not installed (apt-get install faketime)")
    env = {
        **os.environ,
        "TZ": zone,
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        "PYTHONPATH": str(ROOT / "tests" / "moved_clock"),
        # On SQLite alone: a PostgreSQL started under faketime reads the same moved clock as
        # the app, so its run could not tell a read of the database's clock from the app's.
        "PLANNER_TEST_ENGINES": "sqlite",
    }
    result = subprocess.run(
        [
            faketime,
            moment,
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "-x",
            *MODULES,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


CLOCK_READS = (
    "datetime.now(",
    "date.today(",
    "time.time(",
    "datetime.utcnow(",
    "dt.datetime.now(",
    "dt.date.today(",
    "localtime(",
    "astimezone()",
    "formatdate(",
)


def test_only_planner_clock_reads_the_system_time():
    """The static half of the guard: no other module of the planner or the benchmark asks the
    system for the time or the machine's zone (time.monotonic for durations is fine)."""
    readers = []
    for path in sorted([*(ROOT / "planner").rglob("*.py"), *(ROOT / "bench").glob("*.py")]):
        if path == ROOT / "planner" / "clock.py":
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#")[0]
            if any(call in code for call in CLOCK_READS):
                readers.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not readers, "\n".join(readers)
