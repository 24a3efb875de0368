"""What a loaded catalog is made of: frozen dataclasses and the format's closed vocabularies."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from planner.plans.conditions import Node
from planner.plans.domains import DOMAINS, FILE_KEYS  # noqa: F401  (the catalog's vocabulary)
from planner.plans.questions import ClinicalQuestion
from planner.plans.releases import Release, short

AUDIENCES = ("patient", "caregiver", "physio", "household")
ROOMS = ("entrance", "floors", "stairs", "kitchen", "bathroom", "bedroom", "other")
EXERCISE_KINDS = ("aerobic", "strength", "balance", "flexibility", "breathing", "daily-activity")
ANCHORS = ("today", "agent_start", "next_dose", "dental_recall")
PLACEHOLDERS = (
    "agent",
    "start",
    "days_to_start",
    "weeks_to_start",
    "next_dose",
    "how_often",
    "stopped",
    "last_exam",
    "limit_ml",
    "target_ml",
    "drinks",
    "drink_ml",
)
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ITEM_KEYS = {
    "required": {"id", "title", "detail", "why", "sources", "audience", "schedule"},
    "optional": {"when", "emphasis", "room", "kind", "movements", "clearance"},
}


class CatalogError(ValueError):
    """The catalog is invalid; `problems` lists every one, each naming file and item."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Schedule:
    kind: str
    times: int | str | None = None  # times_per_day / times_per_week; "drinks" for hydration
    weeks: int | str | None = None  # every-n-weeks; "agent" for the agent's interval
    anchor: str | None = None  # once: due anchor; every-n-weeks: from anchor
    days: int = 0  # once: offset from the anchor


@dataclass(frozen=True)
class Item:
    id: str
    domain: str
    title: str
    detail: str
    why: str
    sources: tuple[str, ...]
    audience: str
    schedule: Schedule
    when: Node | None = None
    emphasis: Node | None = None
    room: str | None = None
    kind: str | None = None
    movements: tuple[str, ...] = ()


@dataclass(frozen=True)
class WarningRule:
    id: str
    when: Node
    text: str
    domain: str = ""  # the file it is written in


# Every exercise that does not say `clearance: not-needed` also carries this load: the rules for
# a high or unknown fracture risk and an unstable spine avoid it, leaving what needs no clearance.
NEEDS_CLEARANCE = "needs-clearance"
REGIONS = ("spine", "chest", "arm-left", "arm-right", "leg-left", "leg-right", "whole-body")


@dataclass(frozen=True)
class Movement:
    """One load of the closed vocabulary: what it loads (region, kind) and how a plan says it."""

    label: str
    no: str
    region: str = "whole-body"
    kind: str = ""
    daily_life: str | None = None  # the sentence the plan says when the load is to be avoided
    both: str | None = None  # for a -left load: the sentence when both sides are avoided


@dataclass(frozen=True)
class AvoidRule:
    id: str
    when: Node | None
    avoid: tuple[str, ...]
    daily_life: str | None  # advice that names no load; the loads' own sentences follow it
    sources: tuple[str, ...]
    reason: str | None = None
    title: str = ""  # the rule in plain words: public pages, a physiotherapist's override


@dataclass(frozen=True)
class Agent:
    name: str
    route: str
    interval_weeks: int | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ScreenQuestion:
    text: str
    points: int
    answered_by: Node | None


@dataclass(frozen=True)
class Catalog:
    items: tuple[Item, ...]
    warnings: tuple[WarningRule, ...]
    sources: dict[str, str]
    facts: dict[str, dict[Any, str]]
    agents: dict[str, Agent]
    settings: dict[str, int]
    movements: dict[str, Movement]
    avoid_rules: tuple[AvoidRule, ...]
    targets: dict[str, int] = field(default_factory=dict)
    target_sources: tuple[str, ...] = ()
    fall_screen: tuple[ScreenQuestion, ...] = ()
    at_risk_points: int = 0
    set_up: Any = (
        None  # planner.plans.pacing.SetUp: how the home set-up is paced (home-safety.yaml)
    )
    about: dict[str, dict[str, Any]] = field(default_factory=dict)  # domain -> {text, sources}
    source_urls: dict[str, str] = field(default_factory=dict)  # source id -> where to check it
    questions: tuple[ClinicalQuestion, ...] = ()  # questions.yaml
    releases: tuple[Release, ...] = ()  # CHANGES.md, newest first
    content_hash: str = ""  # releases.content_hash of the folder it was loaded from
    fingerprints: dict[str, str] = field(default_factory=dict)  # "item:ID" -> as written

    def item(self, item_id: str) -> Item | None:
        """The catalog item with this id, or None."""
        return next((i for i in self.items if i.id == item_id), None)

    def rule(self, rule_id: str) -> AvoidRule | None:
        """The movement rule with this id, or None."""
        return next((r for r in self.avoid_rules if r.id == rule_id), None)

    @property
    def release(self) -> str:
        """The human release number of this content (the newest of CHANGES.md)."""
        return self.releases[0].number if self.releases else ""

    @property
    def version(self) -> str:
        """The content version as people read it: "1.1 (3f2a9c1d2e4b)"."""
        return f"{self.release} ({short(self.content_hash)})"
