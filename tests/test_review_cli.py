"""`planner check-content` and the signature (issue 25): an unsigned change of a safety outcome
fails it, as does content changed under a signed release number; `planner reviewer add|list|
remove` grants the role from the command line."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
import yaml
from click.testing import CliRunner

from planner.cli import cli
from planner.plans import signatures
from planner.plans.catalog import default_folder, load_catalog
from planner.store import reviewers
from planner.store.sql import connect
from tests import factories as f

SIGNED_AT = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)


def run(args):
    return CliRunner().invoke(cli, args)


@pytest.fixture
def signed(tmp_path):
    """A copy of checklists/ whose content is signed by Dr Rao."""
    folder = tmp_path / "checklists"
    shutil.copytree(default_folder(), folder)
    signature = signatures.sign(load_catalog(folder), "Dr Meera Rao", SIGNED_AT)
    (folder / "signature.yaml").write_text(signatures.to_yaml(signature), encoding="utf-8")
    return folder


def _edit(folder, name, change):
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _release(folder, number):
    path = folder / "CHANGES.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## 1.1", f"## {number}\n\n- A change.\n\n## 1.1", 1))


def _no_weights_with_a_neck_lesion(data):
    rule = next(r for r in data["avoid_rules"] if r["id"] == "spine-cervical")
    rule["avoid"] += ["arm-carry-left", "arm-carry-right"]


def test_signed_content_passes_and_says_who_signed(signed):
    result = run(["check-content", "--checklists", str(signed)])
    assert result.exit_code == 0, result.output
    assert "signed: release 1.1 signed by Dr Meera Rao on 2026-11-23" in result.stdout


def test_an_unsigned_change_of_a_safety_outcome_fails(signed):
    _edit(signed, "exercise.yaml", _no_weights_with_a_neck_lesion)
    _release(signed, "1.2")
    result = run(["check-content", "--checklists", str(signed)])
    assert result.exit_code == 1
    assert result.stdout.startswith("ok:")  # the content itself is valid
    assert (
        "a safety outcome changed since release 1.1 signed by Dr Meera Rao on 2026-11-23, not "
        "signed: Bend your elbows with a light weight while sitting (biceps curls), "
        "Lesion: spine-cervical: on the plan -> left out"
    ) in result.stderr
    assert "Review page" in result.stderr
    # Signed again (as the Review page writes it), it passes.
    signature = signatures.sign(load_catalog(signed), "Dr Meera Rao", SIGNED_AT)
    (signed / "signature.yaml").write_text(signatures.to_yaml(signature), encoding="utf-8")
    assert run(["check-content", "--checklists", str(signed)]).exit_code == 0


def test_changed_content_needs_a_new_release_but_no_signature(signed):
    # Any edit is a new content version, a comment included; no outcome changes.
    path = signed / "hydration.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# Reviewed the amounts again.\n")
    same = run(["check-content", "--checklists", str(signed)])
    assert same.exit_code == 1 and "start a new release" in same.stderr
    _release(signed, "1.2")
    released = run(["check-content", "--checklists", str(signed)])
    assert released.exit_code == 0, released.output
    assert "release 1.2 is not signed yet; its safety outcomes are those of release 1.1" in (
        released.stdout
    )


def test_a_damaged_signature_is_named(signed):
    (signed / "signature.yaml").write_text("release: 1.1\n")
    result = run(["check-content", "--checklists", str(signed)])
    assert result.exit_code == 1 and "signature.yaml: a signature has exactly" in result.stderr


@pytest.mark.parametrize("date", ["2026-13-45", "2026-11-23 09:30:00+00:00"])
def test_a_signature_dated_with_no_date_or_a_bare_timestamp_is_named(signed, date):
    """Unquoted, YAML reads these as dates: the first is no date at all (a ValueError, not a
    YAML error), the second a datetime where the file holds text."""
    path = signed / "signature.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"signed_at: .*", f"signed_at: {date}", text), encoding="utf-8")
    result = run(["check-content", "--checklists", str(signed)])
    assert result.exit_code == 1, result.output
    assert "signature.yaml: " in result.stderr and "Traceback" not in result.output


def test_the_signature_file_reads_back_as_written(signed):
    found = signatures.read(signed)
    assert found.signed_by == "Dr Meera Rao" and found.signed_on == SIGNED_AT.date()
    assert found.content_hash == load_catalog(signed).content_hash
    assert signatures.outcome_changes(found, load_catalog(signed)) == []
    assert len(found.outcomes["seated-biceps-curls"]) == len(found.facts)


def _db_args(database):
    return ["--database-url", database] if database.startswith("postgresql") else ["--db", database]


def test_reviewers_are_granted_listed_and_removed_from_the_command_line(app, db, database):
    user = f.user(db, "Meera")
    args = _db_args(database)
    added = run(["reviewer", "add", user["email"], *args])
    assert added.exit_code == 0 and "Meera" in added.stdout and "now a reviewer" in added.stdout
    again = run(["reviewer", "add", user["email"].upper(), *args])
    assert again.exit_code == 0 and "already a reviewer" in again.stdout
    listed = run(["reviewer", "list", *args])
    assert user["email"] in listed.stdout
    check = connect(database)
    try:
        assert reviewers.is_reviewer(check, user["id"])
    finally:
        check.close()
    removed = run(["reviewer", "remove", user["email"], *args])
    assert removed.exit_code == 0
    assert "No reviewers yet" in run(["reviewer", "list", *args]).stdout
    gone = run(["reviewer", "remove", user["email"], *args])
    assert gone.exit_code == 1 and "is not a reviewer" in gone.output


def test_an_unknown_email_is_a_clear_message(app, database):
    result = run(["reviewer", "add", "nobody@example.org", *_db_args(database)])
    assert result.exit_code == 1
    assert "no account has the email nobody@example.org" in result.output
