"""`planner plan` and `planner check-content` as a person at a terminal uses them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from planner.cli import cli
from tests.conftest import SCENARIOS

BAD = json.loads((SCENARIOS / "bad-profiles.json").read_text())


def run(args, stdin=None):
    return CliRunner().invoke(cli, args, input=stdin)


def test_plan_json_is_identical_for_identical_input(spine_profile):
    first = run(["plan", "--profile", str(spine_profile), "--today", "2026-11-22"])
    second = run(["plan", "--profile", str(spine_profile), "--today", "2026-11-22"])
    assert first.exit_code == 0 and first.stderr == ""
    assert first.stdout_bytes == second.stdout_bytes
    plan = json.loads(first.stdout)
    assert plan["generated_on"] == "2026-11-22" and plan["items"]


def test_plan_reads_standard_input(spine_profile):
    result = run(
        ["plan", "--profile", "-", "--today", "2026-11-22"], stdin=spine_profile.read_text()
    )
    assert result.exit_code == 0 and json.loads(result.stdout)["warnings"]


def test_plan_text_is_grouped_by_domain(spine_profile):
    result = run(
        ["plan", "--profile", str(spine_profile), "--today", "2026-11-22", "--format", "text"]
    )
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Your plan for Sunday 22 November 2026\n")  # a date as people say it
    # The emergency number and the red flags first (issue 12), then what to act on now.
    positions = [
        out.index(h)
        for h in (
            "EMERGENCY NUMBER",
            "RED FLAGS",
            "ACT NOW",
            "HOME SAFETY",
            "EXERCISE",
            "TEETH AND BONE MEDICINE",
            "DRINKS",
            "PAIN, TIREDNESS AND SUPPORT",
            "LEFT OUT, AND WHY",
        )
    ]
    assert positions == sorted(positions)
    assert "Sit-ups" in out or "sit-ups" in out.lower()


@pytest.mark.parametrize("case", BAD, ids=lambda c: c["why"])
def test_bad_profile_exits_2_naming_the_field_and_prints_nothing(case, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(case.get("raw") or json.dumps(case["profile"]))
    result = run(["plan", "--profile", str(path), "--today", "2026-11-22"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert case["names"] in result.stderr


def test_every_problem_gets_its_own_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps({"lesion_sites": ["liver"], "fracture": "high", "fluid_restriction_ml": 20})
    )
    result = run(["plan", "--profile", str(path), "--today", "2026-11-22"])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3
    assert [line.split(":")[0] for line in lines] == [
        "fracture",
        "lesion_sites",
        "fluid_restriction_ml",
    ]


@pytest.mark.parametrize(
    "args, names",
    [
        (["--today", "2026-02-30"], "--today"),
        (["--today", "tomorrow"], "--today"),
    ],
)
def test_bad_today_is_refused(args, names, spine_profile):
    result = run(["plan", "--profile", str(spine_profile), *args])
    assert result.exit_code == 2 and result.stdout == "" and names in result.stderr


def test_missing_file_is_a_clear_message(tmp_path):
    result = run(["plan", "--profile", str(tmp_path / "nope.json"), "--today", "2026-11-22"])
    assert result.exit_code == 2 and result.stdout == "" and "cannot read" in result.stderr


def test_check_content_passes_on_the_real_catalog():
    result = run(["check-content"])
    assert result.exit_code == 0 and result.stdout.startswith("ok:")


@pytest.mark.parametrize("command", [[], *([name] for name in sorted(cli.commands))])
def test_every_command_has_help(command):
    result = run([*command, "--help"])
    assert result.exit_code == 0
    assert len(result.stdout.split("\n\n")[1].strip()) > 20  # a real description
