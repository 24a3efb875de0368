"""Reading the advice's YAML files: PyYAML's safe loader, on libyaml's C parser when PyYAML was
built with it (the wheels on PyPI are). Same objects, same errors (yaml.YAMLError, ValueError
for a date that is no date), about nine times faster: the checklists and their Spanish are
~260 KB of YAML that every `planner` command and every server start reads, a quarter of a
second in the Python parser."""

from __future__ import annotations

from typing import IO, Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str | IO[str]) -> Any:
    """Like yaml.safe_load: plain data only, never Python objects."""
    return yaml.load(text, Loader=LOADER)
