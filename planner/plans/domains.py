"""The plan's domains, in one table: key, the label people read, the checklist file that holds
its advice, the top-level keys that file may have, and (by position) the order in which plans,
pages and printouts list them. Adding a domain is its YAML file and one line here."""

from __future__ import annotations

from dataclasses import dataclass

# `about` (optional, every file): the "why" shared by the whole domain, said once in a plan
# instead of in every item ({text, sources}).
COMMON_KEYS = frozenset({"domain", "about", "items", "warnings"})


@dataclass(frozen=True)
class Domain:
    key: str
    label: str
    extra_keys: frozenset[str] = frozenset()  # top-level keys beyond COMMON_KEYS

    @property
    def file(self) -> str:
        return f"{self.key}.yaml"

    @property
    def file_keys(self) -> frozenset[str]:
        return COMMON_KEYS | self.extra_keys


# In the order every output shows them: the red flags first, always within reach.
REGISTRY = (
    Domain("red-flags", "Get help now: red flags"),
    Domain("home-safety", "Home safety", frozenset({"fall_screen", "set_up"})),
    Domain("exercise", "Exercise", frozenset({"movements", "avoid_rules"})),
    Domain("dental", "Teeth and bone medicine"),
    Domain("hydration", "Drinks", frozenset({"targets"})),
    Domain("comfort", "Pain, tiredness and support"),
)
DOMAINS = tuple(d.key for d in REGISTRY)
LABELS = {d.key: d.label for d in REGISTRY}
FILE_KEYS = {d.key: d.file_keys for d in REGISTRY}
