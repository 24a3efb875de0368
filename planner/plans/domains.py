"""The plan's domains, in one table: key, the label people read, the checklist file that holds
its advice, the top-level keys that file may have, and (by position) the order in which plans,
pages and printouts list them. Adding a domain is its YAML file and one line here."""

from __future__ import annotations

from dataclasses import dataclass

from planner.i18n import N_, Said

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
    Domain("red-flags", N_("Get help now: red flags")),
    Domain("home-safety", N_("Home safety"), frozenset({"fall_screen", "set_up"})),
    Domain("exercise", N_("Exercise"), frozenset({"movements", "avoid_rules"})),
    Domain("dental", N_("Teeth and bone medicine")),
    Domain("hydration", N_("Drinks"), frozenset({"targets"})),
    Domain("comfort", N_("Pain, tiredness and support")),
)
DOMAINS = tuple(d.key for d in REGISTRY)
# Each label in the language being spoken when it is read (planner/i18n.py).
LABELS = Said({d.key: d.label for d in REGISTRY})
# The rooms of the home check (catalog_model.ROOMS), as people name them.
ROOM_LABELS = Said(
    {
        "entrance": N_("Entrance and outside"),
        "floors": N_("Floors"),
        "stairs": N_("Stairs"),
        "kitchen": N_("Kitchen"),
        "bathroom": N_("Bathroom"),
        "bedroom": N_("Bedroom"),
        "other": N_("Everywhere"),
    }
)
# Who an item is for, as people say it.
AUDIENCE_LABELS = Said(
    {
        "patient": N_("For the person themselves"),
        "caregiver": N_("For a caregiver"),
        "physio": N_("For the physiotherapist"),
        "household": N_("For anyone in the household"),
    }
)
FILE_KEYS = {d.key: d.file_keys for d in REGISTRY}
