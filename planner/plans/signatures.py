"""A reviewer's signature of a content version, and what changed since the last one.

A signature records what the reviewer saw and signed: the release and content hash, their name
and the moment, every exercise's safety outcome under every fact of the safety matrix (one mark
per fact: y on the plan, N left out, . not offered) and a fingerprint of every item, warning,
movement rule and movement as written. The planner keeps each signature in its database and
writes the latest as checklists/signature.yaml, which is committed with the content, so that
`planner check-content` on a clean checkout knows the outcomes last signed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from planner.plans import safety_matrix, yaml_read
from planner.plans.catalog import UNREADABLE, Catalog
from planner.plans.releases import SIGNATURE

MARKS = {"allowed": "y", "excluded": "N", "not offered": "."}
WORDS = {"y": "on the plan", "N": "left out", ".": "not offered", None: "not in the signed matrix"}
KEYS = ("release", "content_hash", "signed_by", "signed_at", "facts", "outcomes", "fingerprints")
HEADER = """\
# The content version a reviewer last signed in the planner (its Review page), written by the
# planner when they signed: commit it beside the content. `planner check-content` fails when an
# exercise's safety outcome differs from `outcomes` (one mark per fact of `facts`: y on the
# plan, N left out, . not offered) until a reviewer signs again. Do not edit it by hand.
"""


class SignatureError(ValueError):
    """signature.yaml cannot be read as a signature."""


@dataclass(frozen=True)
class Signature:
    release: str
    content_hash: str
    signed_by: str  # the reviewer's name, as they signed
    signed_at: str  # the moment, ISO 8601 in UTC
    facts: tuple[str, ...]  # the safety matrix's columns
    outcomes: dict[str, str] = field(default_factory=dict)  # exercise id -> a mark per fact
    fingerprints: dict[str, str] = field(default_factory=dict)  # catalog.fingerprints

    @property
    def signed_on(self) -> dt.date:
        return dt.datetime.fromisoformat(self.signed_at).date()


@dataclass(frozen=True)
class OutcomeChange:
    exercise: str  # id
    title: str
    fact: str  # the matrix column's label
    before: str | None  # the signed mark (None: not in the signed matrix)
    after: str  # the mark now
    why: str  # why it is left out now ("" when it is not)

    def words(self) -> str:
        return f"{self.title}, {self.fact}: {WORDS[self.before]} -> {WORDS[self.after]}"


def outcomes(catalog: Catalog, matrix: dict | None = None) -> tuple[tuple[str, ...], dict]:
    """The safety matrix's facts and each exercise's marks (`matrix`: safety_matrix.build's,
    if the caller has it)."""
    data = matrix or safety_matrix.build(catalog)
    facts = tuple(c["label"] for c in data["columns"])
    marks = {
        ident: "".join(MARKS[c["cells"][ident][0]] for c in data["columns"])
        for ident, _ in data["exercises"]
    }
    return facts, marks


def sign(catalog: Catalog, signed_by: str, signed_at: dt.datetime, matrix: dict | None = None):
    """The signature of `catalog` by `signed_by` at `signed_at` (an aware moment)."""
    facts, marks = outcomes(catalog, matrix)
    return Signature(
        release=catalog.release,
        content_hash=catalog.content_hash,
        signed_by=signed_by,
        signed_at=signed_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        facts=facts,
        outcomes=marks,
        fingerprints=dict(catalog.fingerprints),
    )


def to_yaml(signature: Signature) -> str:
    """signature.yaml's text."""
    data = {
        "release": signature.release,
        "content_hash": signature.content_hash,
        "signed_by": signature.signed_by,
        "signed_at": signature.signed_at,
        "facts": list(signature.facts),
        "outcomes": dict(signature.outcomes),
        "fingerprints": dict(signature.fingerprints),
    }
    return HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def from_data(data: Any) -> Signature:
    """A signature from its YAML (or JSON) mapping; SignatureError naming what is wrong."""
    if not isinstance(data, dict) or set(data) != set(KEYS):
        raise SignatureError(f"a signature has exactly {', '.join(KEYS)}")
    text = ("release", "content_hash", "signed_by", "signed_at")
    if not all(isinstance(data[k], str) and data[k] for k in text):
        raise SignatureError(f"{', '.join(text)} must be text")
    try:
        moment = dt.datetime.fromisoformat(data["signed_at"])
    except ValueError:
        raise SignatureError("signed_at is not a date and time") from None
    if moment.tzinfo is None:
        raise SignatureError("signed_at names no time zone")
    facts, marks, prints = data["facts"], data["outcomes"], data["fingerprints"]
    if not isinstance(facts, list) or not all(isinstance(f, str) for f in facts):
        raise SignatureError("facts must be a list of the matrix's columns")
    if not isinstance(marks, dict) or any(
        not isinstance(m, str) or len(m) != len(facts) or set(m) - set(MARKS.values())
        for m in marks.values()
    ):
        raise SignatureError("outcomes must give each exercise one mark (y, N or .) per fact")
    if not isinstance(prints, dict):
        raise SignatureError("fingerprints must be a mapping")
    return Signature(
        data["release"],
        data["content_hash"],
        data["signed_by"],
        data["signed_at"],
        tuple(facts),
        {str(k): v for k, v in marks.items()},
        {str(k): str(v) for k, v in prints.items()},
    )


def read(folder: Path) -> Signature | None:
    """The signature committed in the catalog folder, or None if there is none yet."""
    path = folder / SIGNATURE
    if not path.exists():
        return None
    try:
        data = yaml_read.safe_load(path.read_text(encoding="utf-8"))
    except UNREADABLE as exc:  # a date that is no date (2026-13-45) too
        raise SignatureError(f"cannot be read ({str(exc).splitlines()[0]})") from None
    return from_data(data)


def outcome_changes(
    signature: Signature | None, catalog: Catalog, matrix: dict | None = None
) -> list[OutcomeChange]:
    """Every exercise x fact whose outcome differs from the signed one (every outcome when
    nothing was signed), in the matrix's order."""
    data = matrix or safety_matrix.build(catalog)
    signed: dict[tuple[str, str], str] = {}
    if signature is not None:
        for ident, marks in signature.outcomes.items():
            for fact, mark in zip(signature.facts, marks, strict=True):
                signed[(ident, fact)] = mark
    out = []
    for ident, title in data["exercises"]:
        for column in data["columns"]:
            outcome, why = column["cells"][ident]
            before = signed.get((ident, column["label"]))
            if before != MARKS[outcome]:
                out.append(
                    OutcomeChange(ident, title, column["label"], before, MARKS[outcome], why)
                )
    return out


def changed_parts(signature: Signature | None, catalog: Catalog) -> dict[str, list[str]]:
    """The items, warnings, rules and movements added, changed or removed since the signature
    ("item:ID" keys; with no signature, everything is added)."""
    before = signature.fingerprints if signature else {}
    now = catalog.fingerprints
    return {
        "added": [k for k in now if k not in before],
        "changed": [k for k in now if k in before and before[k] != now[k]],
        "removed": [k for k in before if k not in now],
    }


def last_review(signature: Signature | None, catalog: Catalog, key: str) -> Signature | None:
    """The signature that reviewed this part as it is written now ("item:ID"), or None if it
    was changed since, or never signed."""
    if signature is None or signature.fingerprints.get(key) != catalog.fingerprints.get(key):
        return None
    return signature


def latest(*found: Signature | None) -> Signature | None:
    """The most recent of these signatures (the committed file's, the database's)."""
    signed = [s for s in found if s is not None]
    return max(signed, key=lambda s: s.signed_at) if signed else None


def check(catalog: Catalog, folder: Path) -> tuple[list[str], list[str]]:
    """What `planner check-content` says of the signature: (problems, notes). A problem is a
    safety outcome changed and not signed, or content changed under a signed release number."""
    try:
        signature = read(folder)
    except SignatureError as exc:
        return [f"{SIGNATURE}: {exc}"], []
    if signature is None:
        return [], [
            "not signed yet: no content version has been signed by a reviewer "
            "(`planner reviewer add EMAIL`, then the Review page in the planner)"
        ]
    said = f"release {signature.release} signed by {signature.signed_by} on {signature.signed_on}"
    changes = outcome_changes(signature, catalog)
    problems = [
        f"{SIGNATURE}: a safety outcome changed since {said}, not signed: {c.words()}"
        for c in changes
    ]
    if catalog.content_hash != signature.content_hash and catalog.release == signature.release:
        problems.append(
            f"CHANGES.md: checklists/ changed since {said}: start a new release with its "
            "changes at the top of CHANGES.md"
        )
    if problems:
        problems.append(
            "A reviewer signs the new version on the planner's Review page; then commit the "
            f"{SIGNATURE} it writes."
        )
        return problems, []
    if catalog.content_hash == signature.content_hash:
        return [], [f"signed: {said}"]
    return [], [
        f"release {catalog.release} is not signed yet; its safety outcomes are those of {said}"
    ]
