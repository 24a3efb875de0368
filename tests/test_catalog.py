"""The catalog: the real one is valid; a broken one is refused with file and item named."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml
from click.testing import CliRunner

from planner import create_app
from planner.cli import cli
from planner.plans import yaml_read
from planner.plans.catalog import CatalogError, default_folder, load_catalog


def test_the_c_parser_reads_every_advice_file_as_the_python_one_does():
    """Every checklist and translation file, read as the app reads it (libyaml's parser, where
    PyYAML has it), gives exactly what PyYAML's own parser gives."""
    assert yaml_read.LOADER is (yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)
    files = sorted(default_folder().rglob("*.yaml"))
    assert len(files) >= 15
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yaml_read.safe_load(text) == yaml.load(text, Loader=yaml.SafeLoader), path.name


def test_real_catalog_is_complete(catalog):
    by_domain = {}
    for entry in catalog.items:
        by_domain.setdefault(entry.domain, []).append(entry)
        assert entry.why and entry.sources and len(entry.title) >= 3
    assert len(by_domain["home-safety"]) >= 20
    assert len([e for e in by_domain["exercise"] if e.movements]) >= 15
    assert {e.room for e in by_domain["home-safety"]} == {
        "entrance",
        "floors",
        "stairs",
        "kitchen",
        "bathroom",
        "bedroom",
        "other",
    }
    assert len(catalog.fall_screen) == 12
    assert sum(q.points for q in catalog.fall_screen) == 14


def test_no_number_in_hydration_text_outside_placeholders(catalog):
    # Amounts come only from the capped placeholders, so a fluid limit caps every one.
    for entry in catalog.items:
        if entry.domain == "hydration":
            text = re.sub(r"\{[a-z_]+\}", "", entry.title + entry.detail + entry.why)
            assert not re.search(r"\d", text), entry.id


@pytest.fixture
def broken(tmp_path):
    """A copy of the catalog; edit(file, change) rewrites one of its YAML files."""
    folder = tmp_path / "checklists"
    shutil.copytree(default_folder(), folder)

    def edit(name, change):
        path = folder / name
        data = yaml.safe_load(path.read_text())
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return folder

    return edit


def first_item(data):
    return data["items"][0]


CASES = [
    ("home-safety.yaml", lambda d: first_item(d).update(colour="red"), "unknown key(s) colour"),
    ("dental.yaml", lambda d: d["items"].append(dict(d["items"][0])), "used more than once"),
    (
        "red-flags.yaml",
        lambda d: first_item(d).update(when={"favourite_food": "soup"}),
        "'favourite_food' is not a profile field",
    ),
    ("hydration.yaml", lambda d: first_item(d).update(sources=[]), "at least one source"),
    ("hydration.yaml", lambda d: first_item(d).update(sources=["my-blog"]), "'my-blog'"),
    (
        "exercise.yaml",
        lambda d: first_item(d).update(schedule={"kind": "weekly", "times_per_week": 9}),
        "times_per_week",
    ),
    (
        "exercise.yaml",
        lambda d: first_item(d).update(schedule={"kind": "hourly"}),
        "schedule kind 'hourly'",
    ),
    ("exercise.yaml", lambda d: first_item(d).update(movements=["cartwheel"]), "'cartwheel'"),
    (
        "exercise.yaml",
        lambda d: first_item(d).update(movements=["needs-clearance"]),
        "say clearance: needed instead",
    ),
    (
        "exercise.yaml",
        lambda d: first_item(d).update(clearance="maybe"),
        "clearance must be needed or not-needed",
    ),
    (
        "exercise.yaml",
        lambda d: d["movements"]["impact"].update(region="elbow"),
        "region must be one of",
    ),
    ("exercise.yaml", lambda d: d["movements"]["impact"].pop("kind"), "a movement has region"),
    (
        "home-safety.yaml",
        lambda d: first_item(d).update(clearance="needed"),
        "only exercise items have a kind, movements and clearance",
    ),
    (
        "home-safety.yaml",
        lambda d: first_item(d).update(title="Call {doctor_name}"),
        "{doctor_name}",
    ),
    ("home-safety.yaml", lambda d: first_item(d).update(when={"home.bathtub": "maybe"}), "'maybe'"),
    ("home-safety.yaml", lambda d: first_item(d).pop("why"), "missing why"),
]


@pytest.mark.parametrize("name, change, message", CASES, ids=[c[2] for c in CASES])
def test_a_broken_catalog_names_file_item_and_problem(broken, name, change, message):
    folder = broken(name, change)
    with pytest.raises(CatalogError) as caught:
        load_catalog(folder)
    problem = next(p for p in caught.value.problems if message in p)
    assert problem.startswith(name) or problem.startswith("catalog")
    result = CliRunner().invoke(cli, ["check-content", "--checklists", str(folder)])
    assert result.exit_code == 1 and message in result.stderr


def test_app_refuses_to_start_on_a_broken_catalog(broken, tmp_path):
    folder = broken("dental.yaml", lambda d: first_item(d).update(audience="everyone"))
    with pytest.raises(CatalogError, match="dental.yaml"):
        create_app(
            {
                "TESTING": True,
                "DATABASE": str(tmp_path / "x.db"),
                "CHECKLISTS_DIR": str(folder),
                "SECRET_KEY": "x",
            }
        )


def test_unreadable_yaml_is_named(tmp_path):
    folder = tmp_path / "checklists"
    shutil.copytree(default_folder(), folder)
    (folder / "exercise.yaml").write_text("items: [unclosed\n")
    with pytest.raises(CatalogError, match="exercise.yaml: cannot be read as YAML"):
        load_catalog(folder)


def test_a_date_that_is_no_date_is_named(tmp_path):
    """PyYAML reads 2026-13-45 as a date and fails with a ValueError: named, not a traceback."""
    folder = tmp_path / "checklists"
    shutil.copytree(default_folder(), folder)
    (folder / "exercise.yaml").write_text("reviewed_on: 2026-13-45\nitems: []\n")
    with pytest.raises(CatalogError, match=r"exercise.yaml: cannot be read as YAML \(month"):
        load_catalog(folder)
