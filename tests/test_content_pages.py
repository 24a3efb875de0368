"""The public "How your plan is made" pages (issue 25): no sign-in, every item, movement rule
and warning of the catalog with its why, sources and the facts that choose it (walked against
the loader), the safety matrix as a table, the changelog, when each was last reviewed, and the
links to them from the plans, the handout and the sign-in page."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
import yaml
from markupsafe import escape

from planner import create_app
from planner.plans import explain, safety_matrix, signatures
from planner.plans.catalog import DOMAINS, default_folder, load_catalog
from planner.store.sql import close_thread_dbs
from tests import factories as f
from tests.conftest import login

BASE = "/how-plans-are-made"


def text(value: str) -> str:
    """How a catalog text appears in a page."""
    return str(escape(explain.public_text(value)))


def block(page: str, anchor: str) -> str:
    """The part of a page from the element with this id to the next item or rule."""
    start = page.index(f'id="{anchor}"')
    ends = [page.find(m, start + 10) for m in ('id="item-', 'id="rule-', 'id="warning-')]
    ends = [e for e in ends if e > 0]
    return page[start : min(ends) if ends else len(page)]


def test_the_pages_need_no_sign_in(client):
    for path in (
        BASE,
        f"{BASE}/changes",
        f"{BASE}/safety-matrix",
        *(f"{BASE}/{d}" for d in DOMAINS),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
    assert client.get(f"{BASE}/not-a-part").status_code == 404


def test_every_item_rule_and_warning_is_listed_with_its_why_sources_and_facts(client, catalog):
    for domain in DOMAINS:
        page = client.get(f"{BASE}/{domain}").text
        for item in (i for i in catalog.items if i.domain == domain):
            found = block(page, f"item-{item.id}")
            assert text(item.title) in found and text(item.why) in found, item.id
            assert text(item.detail) in found, item.id
            for source in item.sources:
                assert str(escape(catalog.sources[source])) in found, (item.id, source)
                if source in catalog.source_urls:
                    assert f'href="{catalog.source_urls[source]}"' in found
            if item.when is None:
                assert "On every plan." in found, item.id
            assert "Not yet signed by a named clinical reviewer" in found  # none signed yet
        for warning in (w for w in catalog.warnings if w.domain == domain):
            assert text(warning.text) in block(page, f"warning-{warning.id}")
    page = client.get(f"{BASE}/exercise").text
    for rule in catalog.avoid_rules:
        found = block(page, f"rule-{rule.id}")
        assert str(escape(rule.title)) in found, rule.id
        for movement in rule.avoid:
            label = catalog.movements[movement].label
            assert str(escape(label[:1].upper() + label[1:])) in found, (rule.id, movement)
        for source in rule.sources:
            assert str(escape(catalog.sources[source])) in found


def test_the_facts_that_choose_an_item_are_said_in_the_plan_s_words(client, catalog):
    page = client.get(f"{BASE}/exercise").text
    cervical = block(page, "rule-spine-cervical")
    assert "There is a lesion in your neck (cervical spine)." in cervical
    assert "Clinical question, settled:" in cervical and "Table 2" in cervical
    curls = block(page, "item-seated-biceps-curls")
    # Which rules can leave it out, each linked to the rule.
    assert 'href="#rule-humerus-left"' in curls and 'href="#rule-spine-cervical"' not in curls
    home = client.get(f"{BASE}/home-safety").text
    stairs = block(home, "item-stairs-rails-both-sides")
    assert "Any one of these:" in stairs and "There are stairs inside your home." in stairs
    walking_aid = block(home, "item-other-walking-aid-within-reach")
    assert "Flagged for clinical review:" in walking_aid


def test_words_filled_in_for_a_person_are_shown_for_what_they_stand_for(client, catalog):
    page = client.get(f"{BASE}/dental").text
    assert "{agent}" not in page and "{start}" not in page and "your bone medicine" in page


def test_the_safety_matrix_is_a_table_of_every_outcome(client, catalog):
    page = client.get(f"{BASE}/safety-matrix").text
    data = safety_matrix.build(catalog)
    assert "<caption>" in page and page.count('<th scope="col">') == len(data["columns"]) + 1
    for _, title in data["exercises"]:
        assert f'<th scope="row">{escape(title)}</th>' in page
    cells = re.findall(r'<td class="cell-([a-z-]+)">', page)
    expected = [
        c["cells"][ident][0].replace(" ", "-")
        for ident, _ in data["exercises"]
        for c in data["columns"]
    ]
    assert cells == expected
    assert 'role="region"' in page and 'tabindex="0"' in page  # the wide table scrolls by keys


def test_the_index_names_the_release_and_the_changes_list_every_note(client, catalog):
    page = client.get(BASE).text
    assert f"Release <strong>{catalog.release}</strong>" in page
    assert "No release has been signed by a named clinical reviewer" in page
    changes = client.get(f"{BASE}/changes").text
    for release in catalog.releases:
        assert f"Release {release.number}" in changes
        for note in release.notes:
            assert str(escape(note)) in changes


@pytest.fixture
def signed_app(tmp_path, database):
    """The app on a copy of checklists/ signed by Dr Rao, then one item reworded."""
    folder = tmp_path / "checklists"
    shutil.copytree(default_folder(), folder)
    at = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    signature = signatures.sign(load_catalog(folder), "Dr Meera Rao", at)
    (folder / "signature.yaml").write_text(signatures.to_yaml(signature), encoding="utf-8")
    path = folder / "hydration.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["items"][0]["why"] = "Reworded after the signature, to show it is not reviewed yet."
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    app = create_app(
        {"TESTING": True, "DATABASE": database, "SECRET_KEY": "x", "CHECKLISTS_DIR": str(folder)}
    )
    yield app, data["items"][0]["id"]
    close_thread_dbs()


def test_each_part_says_when_it_was_last_reviewed_and_by_whom(signed_app):
    app, reworded = signed_app
    client = app.test_client()
    page = client.get(f"{BASE}/hydration").text
    assert (
        "Changed since the last review (release 1.1, signed on 20 November 2026 by Dr Meera Rao)"
        in block(page, f"item-{reworded}")
    )
    others = [i.id for i in app.extensions["planner_catalog"].items if i.domain == "hydration"]
    untouched = block(page, f"item-{next(i for i in others if i != reworded)}")
    assert "Last reviewed on 20 November 2026 by Dr Meera Rao (release 1.1)." in untouched
    index = client.get(BASE).text
    assert "The last signed release is 1.1, signed by Dr Meera Rao on 20 November 2026" in index


def test_the_committed_signature_is_read_once_until_the_file_changes(signed_app, monkeypatch):
    """Every public page says who signed: signature.yaml is parsed when it changes (a reviewer
    signing in the app may write it), not on every page."""
    app, _ = signed_app
    client = app.test_client()
    reads = []
    real = signatures.read
    monkeypatch.setattr(signatures, "read", lambda folder: reads.append(folder) or real(folder))
    for path in (BASE, f"{BASE}/changes", f"{BASE}/safety-matrix", f"{BASE}/hydration"):
        assert "Dr Meera Rao" in client.get(path).text
    assert len(reads) == 1
    folder = reads[0]
    later = signatures.sign(
        load_catalog(folder), "Dr Ana Ruiz", dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
    )
    (folder / "signature.yaml").write_text(signatures.to_yaml(later), encoding="utf-8")
    assert "Dr Ana Ruiz on 22 November 2026" in client.get(BASE).text
    assert len(reads) == 2


def test_the_plans_the_handout_and_the_sign_in_page_link_here(app, client, db, catalog):
    assert f'href="{BASE}"' in client.get("/login").text
    h = f.home(app, db, catalog)
    login(client, h["patient"])
    for path in ("today", "profile", "handout", "versions/1"):
        page = client.get(f"/h/{h['id']}/{path}").text
        assert f'href="{BASE}"' in page, path
    profile = client.get(f"/h/{h['id']}/profile").text
    assert f"Made from release {catalog.release} of the planner's advice" in profile
    plan_version = client.get(f"/h/{h['id']}/versions/1").text
    assert f'href="{BASE}/exercise#item-belly-breathing"' in plan_version  # each item's rules
    handout = client.get(f"/h/{h['id']}/handout").text
    assert f"How the plan is made, and its sources: http://localhost{BASE}" in handout
