"""Loaded only in runs on a moved clock (tests/test_moved_clock.py puts this folder on
PYTHONPATH; so does the whole-suite run its docstring gives).

Debian's libfaketime (0.9.10) with FAKETIME_DONT_FAKE_MONOTONIC hands the kernel a negative
deadline for clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME), which Python 3.11's time.sleep
uses, so every sleep fails with EINVAL (wolfcw/libfaketime#426). And without that setting the
monotonic clock is moved too, and every timed wait of a lock hangs. So: the monotonic clock stays
real, and sleeps go through select(), whose timeout is relative. Nothing of the planner is
changed; a subprocess.run(timeout=...) or a waiting loop in a test works as on a real clock.
"""

import select
import time


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    select.select([], [], [], seconds)


time.sleep = _sleep
