"""The README's two commands stay true: CI runs exactly its test command, and both make and
enter a virtual environment with python3 (Debian's Python refuses a system-wide install)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _commands() -> list[str]:
    return re.findall(r"```sh\n(python3 -m venv[^\n]*)\n```", (ROOT / "README.md").read_text())


def test_the_readme_starts_the_app_and_runs_the_tests_in_a_venv():
    start, tests = _commands()[:2]
    assert start.endswith("planner serve --demo") and tests.endswith("python -m pytest")
    for command in (start, tests):
        assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && ")


def test_ci_runs_exactly_the_readme_test_command():
    run = (ROOT / ".ci" / "run").read_text().splitlines()
    assert _commands()[1] in run


def test_the_default_database_is_where_the_readme_says(tmp_path, monkeypatch):
    """instance/planner.db in the folder the planner starts from, installed or not."""
    from planner.cli import _database

    monkeypatch.delenv("PLANNER_INSTANCE", raising=False)
    monkeypatch.delenv("PLANNER_DATABASE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert _database(None) == str(tmp_path / "instance" / "planner.db")
    assert "`instance/planner.db`" in (ROOT / "README.md").read_text()
