"""The reviewed safety matrix (checklists/safety-matrix.md) is what the engine decides today, so
every change of a safety outcome shows as a diff that a clinician signs off."""

from __future__ import annotations

import difflib

from click.testing import CliRunner

from planner.cli import cli
from planner.plans import safety_matrix
from planner.plans.catalog import default_folder
from tests.plans import CATALOG

REVIEWED = default_folder() / "safety-matrix.md"


def test_the_engine_agrees_with_the_reviewed_matrix():
    now = safety_matrix.to_markdown(safety_matrix.build(CATALOG))
    reviewed = REVIEWED.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            reviewed.splitlines(True), now.splitlines(True), "reviewed", "engine", n=1
        )
    )
    assert not diff, (
        "A safety outcome changed. Review it, then run `planner check-content "
        "--matrix checklists` and commit checklists/safety-matrix.md:\n" + diff
    )


def test_the_matrix_covers_every_exercise_and_says_why_each_is_left_out():
    data = safety_matrix.build(CATALOG)
    exercise_ids = [i.id for i in CATALOG.items if i.domain == "exercise"]
    assert [e[0] for e in data["exercises"]] == exercise_ids
    for column in data["columns"]:
        for ident, (outcome, why) in column["cells"].items():
            assert (outcome == "excluded") == bool(why), (column["label"], ident)
    unstable = next(c for c in data["columns"] if c["label"].startswith("Spine unstable, high"))
    assert unstable["cells"]["squats"][0] == "excluded"
    assert unstable["cells"]["belly-breathing"][0] == "allowed"


def test_check_content_writes_the_matrix_as_markdown_and_html(tmp_path):
    result = CliRunner().invoke(cli, ["check-content", "--matrix", str(tmp_path)])
    assert result.exit_code == 0, result.output
    markdown = (tmp_path / "safety-matrix.md").read_text(encoding="utf-8")
    page = (tmp_path / "safety-matrix.html").read_text(encoding="utf-8")
    assert markdown == REVIEWED.read_text(encoding="utf-8")
    assert "<table>" in page and "Squeeze a soft ball in your hand" in page
    assert "<script" not in page and "style=" not in page
    missing = CliRunner().invoke(cli, ["check-content", "--matrix", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "is not a folder" in missing.output
