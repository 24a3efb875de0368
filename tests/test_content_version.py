"""The content version (issue 25): a hash of checklists/ and the release of CHANGES.md, the
movement rules' titles, the clinical questions of questions.yaml, and the two questions issue
25 asked settled or flagged."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import yaml

from planner.plans.catalog import CatalogError, default_folder, load_catalog
from planner.plans.engine import build_plan
from planner.plans.releases import content_hash, short
from tests.plans import CATALOG


@pytest.fixture
def folder(tmp_path):
    copy = tmp_path / "checklists"
    shutil.copytree(default_folder(), copy)
    return copy


def _edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_the_version_is_the_release_and_a_hash_of_the_yaml(folder):
    first = load_catalog(folder)
    assert first.release == "1.1" and first.version == f"1.1 ({short(first.content_hash)})"
    assert first.content_hash == CATALOG.content_hash  # the same bytes, the same version
    (folder / "signature.yaml").write_text("release: anything\n")  # the review record: not content
    (folder / "README.md").write_text("Edited documentation.\n")
    assert content_hash(folder) == first.content_hash
    path = folder / "hydration.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# a comment is an edit too\n")
    assert content_hash(folder) != first.content_hash


@pytest.mark.parametrize(
    "text, problem",
    [
        (None, "CHANGES.md: is missing"),
        ("# Changes\n\nNothing yet.\n", "CHANGES.md: names no release"),
        ("## 1.2\n\n## 1.1\n\n- a change\n", "CHANGES.md: release 1.2 lists no change"),
        ("## next\n\n- a change\n", "CHANGES.md: 'next' is not a release number"),
        ("## 1.1\n- a\n## 1.1\n- b\n", "CHANGES.md: release 1.1 is named more than once"),
    ],
)
def test_a_changelog_without_a_proper_release_is_refused(folder, text, problem):
    if text is None:
        (folder / "CHANGES.md").unlink()
    else:
        (folder / "CHANGES.md").write_text(text)
    with pytest.raises(CatalogError) as caught:
        load_catalog(folder)
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_the_changelog_reads_each_release_newest_first():
    assert [r.number for r in CATALOG.releases][:2] == ["1.1", "1.0"]
    assert any("title" in note for note in CATALOG.releases[0].notes)


def test_every_movement_rule_has_a_title_and_one_without_is_refused(folder):
    assert all(len(r.title) >= 10 for r in CATALOG.avoid_rules)
    _edit(folder / "exercise.yaml", lambda d: d["avoid_rules"][3].pop("title"))
    with pytest.raises(CatalogError, match="a rule has id, title, avoid, sources"):
        load_catalog(folder)


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda q: q.update(status="maybe"), "status must be one of settled, open"),
        (lambda q: q.update(sources=["a-blog"]), "source 'a-blog' is not in sources.yaml"),
        (lambda q: q.update(concerns={"items": ["no-such-item"]}), "item 'no-such-item'"),
        (lambda q: q.update(concerns={"rules": ["elbow"]}), "rule 'elbow' is not a movement"),
        (lambda q: q.pop("answer"), "a question has exactly"),
    ],
)
def test_a_clinical_question_names_known_sources_items_and_rules(folder, change, problem):
    _edit(folder / "questions.yaml", lambda d: change(d["questions"][0]))
    with pytest.raises(CatalogError) as caught:
        load_catalog(folder)
    assert any(p.startswith("questions.yaml: ") and problem in p for p in caught.value.problems)


def test_a_source_address_must_be_https(folder):
    _edit(folder / "sources.yaml", lambda d: d["sources"]["nhs-falls"].update(url="nhs.uk"))
    with pytest.raises(CatalogError, match="sources.yaml: nhs-falls: url must be an https"):
        load_catalog(folder)


def test_the_cervical_question_is_settled_with_its_source_and_the_plan_follows_it():
    question = next(q for q in CATALOG.questions if q.id == "cervical-lesion-weights-in-hands")
    assert question.status == "settled" and "exerciseguide-2020" in question.sources
    assert "Table 2" in CATALOG.sources["exerciseguide-2020"]
    assert question.rules == ("spine-cervical",) and question.items == ("seated-biceps-curls",)
    calm = {
        "lesion_sites": ["spine-cervical"],
        "fracture_risk": "low",
        "weight_bearing": "full",
        "spinal_instability": False,
        "mobility_aid": "none",
        "falls_past_year": 0,
    }
    plan = build_plan(calm, CATALOG, dt.date(2026, 11, 23))
    on_plan = {i["id"] for i in plan["items"]}
    left_out = {e["id"]: e["reason"] for e in plan["excluded"]}
    # Elbow work stays; shoulder work against a load and spinal stretches go.
    assert "seated-biceps-curls" in on_plan
    assert "seated-band-row" in left_out and "shoulder" in left_out["seated-band-row"]
    assert "neck-movements" in left_out and "overhead-press" in left_out


def test_the_walking_aid_item_cites_a_named_source_and_is_flagged_for_review():
    item = CATALOG.item("other-walking-aid-within-reach")
    assert any(not s.startswith("seed-") for s in item.sources)
    assert "rubber tips" not in item.detail  # no stored source gives it
    question = next(q for q in CATALOG.questions if item.id in q.items)
    assert question.status == "open"
