"""Catalog faults: a broken checklist file stops start-up (the app and `planner serve`) naming
the file and the item; a household planned with an older catalog still loads, shows Today and
re-plans after an item is removed and a movement rule is added."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from click.testing import CliRunner

from planner import create_app
from planner.cli import cli
from planner.plans.catalog import CatalogError, default_folder
from planner.plans.profile_form import form_values
from planner.store import plans, ticks
from planner.store.sql import close_thread_dbs
from planner.web.db import get_db
from tests import factories as f
from tests.conftest import CSRF, login


def _copy(tmp_path, name, change):
    folder = tmp_path / "checklists"
    if not folder.exists():
        shutil.copytree(default_folder(), folder)
    path = folder / name
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return folder


def _break_an_item(data):
    data["items"][1]["audience"] = "everyone"


def test_a_broken_file_stops_the_app_naming_file_and_item(tmp_path):
    folder = _copy(tmp_path, "dental.yaml", _break_an_item)
    item = yaml.safe_load((folder / "dental.yaml").read_text())["items"][1]["id"]
    with pytest.raises(CatalogError) as caught:
        create_app(
            {
                "TESTING": True,
                "DATABASE": str(tmp_path / "x.db"),
                "CHECKLISTS_DIR": str(folder),
                "SECRET_KEY": "x",
            }
        )
    assert any(
        "dental.yaml" in p and item in p and "audience" in p for p in caught.value.problems
    ), caught.value.problems


@pytest.mark.parametrize(
    "name, text, problem",
    [
        ("facts.yaml", "", "facts.yaml: is empty"),
        ("facts.yaml", "# nothing yet\n", "facts.yaml: is empty"),
        ("facts.yaml", "facts: {}\n", "facts.yaml: must be a mapping with a non-empty 'facts:'"),
        ("sources.yaml", "", "sources.yaml: is empty"),
        ("agents.yaml", "- a list\n", "agents.yaml: must be a mapping"),
    ],
)
def test_an_empty_registry_file_is_refused(tmp_path, name, text, problem):
    folder = tmp_path / "checklists"
    shutil.copytree(default_folder(), folder)
    (folder / name).write_text(text)
    with pytest.raises(CatalogError) as caught:
        create_app(
            {
                "TESTING": True,
                "DATABASE": str(tmp_path / "x.db"),
                "CHECKLISTS_DIR": str(folder),
                "SECRET_KEY": "x",
            }
        )
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_serve_refuses_to_start_on_a_broken_catalog_with_a_clear_message(tmp_path, monkeypatch):
    folder = _copy(tmp_path, "dental.yaml", _break_an_item)
    item = yaml.safe_load((folder / "dental.yaml").read_text())["items"][1]["id"]
    monkeypatch.setenv("PLANNER_CHECKLISTS_DIR", str(folder))
    monkeypatch.setenv("PLANNER_SECRET_KEY", "x")
    served = []
    monkeypatch.setattr("waitress.serve", lambda *a, **k: served.append(a))
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1 and served == []
    assert "dental.yaml" in result.stderr and item in result.stderr
    assert "not started" in result.stderr and "Traceback" not in result.output


@pytest.fixture
def before_change(app, db, catalog):
    """A household planned and ticked with today's catalog."""
    h = f.home(app, db, catalog)
    ticks.set_state(
        db, h["id"], "belly-breathing", f.DAY.isoformat(), 0, "done", by_user=h["patient"], at=f.NOW
    )
    return h


def _changed_catalog(tmp_path, catalog, stored_plan):
    """The catalog with a planned item removed and a new movement rule that rules out a planned
    exercise for this profile; returns (folder, removed id, ruled-out id)."""
    planned = {i["id"] for i in stored_plan["items"]}
    ruled_out = next(i for i in catalog.items if i.id in planned and i.movements)

    def change(data):
        data["items"] = [i for i in data["items"] if i["id"] != "belly-breathing"]
        rule = dict(data["avoid_rules"][0])
        rule.update(
            id="new-rule-for-walkers",
            when={"mobility_aid": "walker"},
            avoid=[ruled_out.movements[0]],
        )
        data["avoid_rules"].append(rule)

    return _copy(tmp_path, "exercise.yaml", change), "belly-breathing", ruled_out.id


def test_a_household_planned_before_a_catalog_change_loads_and_replans(
    app, db, catalog, before_change, tmp_path
):
    h = before_change
    stored = plans.current_plan(db, h["id"])
    folder, removed, ruled_out = _changed_catalog(tmp_path, catalog, stored["plan"])
    close_thread_dbs()
    changed = create_app(
        {
            "TESTING": True,
            "DATABASE": app.config["DATABASE"],
            "CHECKLISTS_DIR": str(folder),
            "SECRET_KEY": "test-secret",
            "TODAY": f.DAY.isoformat(),
        }
    )
    client = changed.test_client()
    login(client, h["patient"])
    # Everything stored still shows, the removed task included, until the plan is renewed.
    for page in ("today", "profile", "home", "history", "profile/edit"):
        response = client.get(f"/h/{h['id']}/{page}")
        assert response.status_code == 200, page
    assert 'id="task-belly-breathing' in client.get(f"/h/{h['id']}/today").text
    # Re-plan with the stored answers: the preview, then apply.
    preview = client.post(
        f"/h/{h['id']}/profile/edit", data={**form_values(stored["profile"]), **CSRF}
    )
    assert preview.status_code == 200, preview.text[:500]
    applied = client.post(
        f"/h/{h['id']}/profile/apply", data={"profile_json": json.dumps(stored["profile"]), **CSRF}
    )
    assert applied.status_code == 303
    with changed.app_context():
        new = plans.current_plan(get_db(), h["id"])
        assert new["version"] == 2
        ids = {i["id"] for i in new["plan"]["items"]}
        assert removed not in ids and ruled_out not in ids
        assert ruled_out in {e["id"] for e in new["plan"]["excluded"]}
        assert ticks.get_state(get_db(), h["id"], removed, f.DAY.isoformat()) == "done"
    today = client.get(f"/h/{h['id']}/today")
    assert today.status_code == 200 and 'id="task-belly-breathing' not in today.text
    history = client.get(f"/h/{h['id']}/history")
    assert "Breathe slowly into your belly" in history.text  # the history keeps it
    close_thread_dbs()
