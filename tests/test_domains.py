"""The domain registry ties together the plan contract, the checklist files, the catalog and
the labels people read: a domain missing from one of them fails here, not silently on Today."""

from __future__ import annotations

import json
from pathlib import Path

from planner.plans.catalog import default_folder
from planner.plans.domains import DOMAINS, LABELS, REGISTRY

CONTRACT = Path(__file__).parent / "contract"
# Shared vocabularies, the clinical questions and the record of the last review: no items.
NOT_DOMAINS = {"agents.yaml", "facts.yaml", "sources.yaml", "questions.yaml", "signature.yaml"}


def test_the_plan_contract_names_exactly_the_registered_domains():
    schema = json.loads((CONTRACT / "plan.schema.json").read_text())
    enums = [
        node["enum"]
        for node in _walk(schema)
        if isinstance(node, dict) and "enum" in node and "exercise" in node["enum"]
    ]
    assert enums and all(set(e) == set(DOMAINS) for e in enums)


def test_every_domain_has_its_file_and_every_item_file_a_domain():
    files = {p.name for p in default_folder().glob("*.yaml")} - NOT_DOMAINS
    assert files == {d.file for d in REGISTRY}


def test_every_domain_has_a_label_and_the_catalog_uses_each(catalog):
    assert set(LABELS) == set(DOMAINS) and all(LABELS.values())
    assert {i.domain for i in catalog.items} == set(DOMAINS)


def _walk(node):
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        yield from _walk(child)
