"""Which version of the advice a plan was made from: the content hash of checklists/ and the
human release number and changelog of checklists/CHANGES.md.

The hash covers the bytes of every YAML file of the folder except signature.yaml (the record of
the last review, which is written after the content it signs), so that any change of the advice,
however small, is a new content version. CHANGES.md names each release, newest first:

    ## 1.1

    - Every movement rule has a plain title.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

CHANGES = "CHANGES.md"
SIGNATURE = "signature.yaml"
SHORT = 12  # hex digits of the hash shown to people (48 bits: no two releases share them)
RELEASE = re.compile(r"^## (\S+)\s*$")
NUMBER = re.compile(r"^\d+(\.\d+)*$")


@dataclass(frozen=True)
class Release:
    number: str
    notes: tuple[str, ...]


def content_hash(folder: Path) -> str:
    """SHA-256 of every YAML file of the folder but signature.yaml, names and bytes, in name
    order."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yaml")):
        if path.name == SIGNATURE:
            continue
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def read_releases(folder: Path) -> tuple[list[Release], list[str]]:
    """The releases of CHANGES.md, newest first, and what is wrong with the file (each problem
    starts with "CHANGES.md")."""
    path = folder / CHANGES
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return [], [f"{CHANGES}: is missing or unreadable: it names each release of the advice"]
    releases: list[Release] = []
    problems: list[str] = []
    for line in lines:
        heading = RELEASE.match(line)
        if heading:
            number = heading.group(1)
            if not NUMBER.match(number):
                problems.append(f"{CHANGES}: '{number}' is not a release number such as 1.2")
            releases.append(Release(number, ()))
        elif releases and line.startswith("- "):
            last = releases[-1]
            releases[-1] = Release(last.number, (*last.notes, line[2:].strip()))
        elif releases and releases[-1].notes and line.startswith("  ") and line.strip():
            last = releases[-1]  # a note carried onto the next line
            joined = f"{last.notes[-1]} {line.strip()}"
            releases[-1] = Release(last.number, (*last.notes[:-1], joined))
    for release in releases:
        if not release.notes:
            problems.append(f"{CHANGES}: release {release.number} lists no change")
    numbers = [r.number for r in releases]
    if not releases:
        problems.append(f"{CHANGES}: names no release ('## 1.0' and its changes)")
    for repeated in sorted({n for n in numbers if numbers.count(n) > 1}):
        problems.append(f"{CHANGES}: release {repeated} is named more than once")
    return releases, problems


def fingerprint(value: object) -> str:
    """A short hash of one part of the content as written (a YAML mapping), to tell whether it
    changed since a reviewer signed it."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return short(hashlib.sha256(text.encode()).hexdigest())


def short(full_hash: str) -> str:
    """The hash as people see it."""
    return full_hash[:SHORT]
