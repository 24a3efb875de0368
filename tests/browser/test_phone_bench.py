"""The phone benchmark keeps working: `bench/phone.py` serves the demo, throttles Chromium like a
phone and measures Today's first paint and a tap, before the queue (the worker blocked, the
queue's script refused: it checks that the queue did not run) and after (the worker in charge,
the queue running). Two taps and one load: the figures mean nothing, bench/README.md has them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_phone_benchmark_reports_before_and_after(browser, tmp_path):
    out = tmp_path / "phone.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "phone.py"), "--taps", "2", "--loads", "1"]
        + ["--json", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    figures = json.loads(out.read_text())
    assert set(figures) == {"before", "after"}
    for name in figures:
        assert set(figures[name]) == {
            "fcp_first_ms",
            "fcp_repeat_ms",
            "inp_p75_ms",
            "tap_to_visible_p75_ms",
        }
        assert all(value > 0 for value in figures[name].values()), figures
    assert "goal (after): INP <= 100 ms and FCP <= 1800 ms" in done.stdout
