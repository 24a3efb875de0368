"""Load checklists/ into frozen dataclasses, rejecting anything the format does not define.

Every problem is reported as "file: item id: what is wrong", all at once, so that a clinician
editing content sees the whole list; `load_catalog` raises CatalogError when there is any.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from planner.plans import yaml_read
from planner.plans.catalog_model import (  # noqa: F401  (re-exported: the catalog's public names)
    ANCHORS,
    AUDIENCES,
    DOMAINS,
    EXERCISE_KINDS,
    FILE_KEYS,
    ID_PATTERN,
    ITEM_KEYS,
    NEEDS_CLEARANCE,
    PLACEHOLDERS,
    REGIONS,
    ROOMS,
    Agent,
    AvoidRule,
    Catalog,
    CatalogError,
    Item,
    Movement,
    Schedule,
    ScreenQuestion,
    WarningRule,
)
from planner.plans.conditions import FIELDS, ConditionError, Node, compile_condition
from planner.plans.pacing import read_set_up
from planner.plans.questions import ClinicalQuestion, read_questions
from planner.plans.releases import content_hash, fingerprint, read_releases


class _Problems:
    """Collects problems with the place they were found."""

    def __init__(self) -> None:
        self.list: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.list.append(f"{where}: {message}")


# What reading a checklist file (or a translation of one) as YAML may raise: ValueError too,
# for a date that is no date (2026-13-45), which PyYAML raises as such, and for bytes that are
# not UTF-8.
UNREADABLE = (OSError, yaml.YAMLError, ValueError)


def _read_yaml(path: Path, problems: _Problems) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml_read.safe_load(fh)
    except UNREADABLE as exc:
        problems.add(path.name, f"cannot be read as YAML ({str(exc).splitlines()[0]})")
        return None


def _text(
    value: Any,
    where: str,
    name: str,
    problems: _Problems,
    minimum: int = 1,
    allowed: tuple[str, ...] = PLACEHOLDERS,
) -> str:
    if not isinstance(value, str) or len(value.strip()) < minimum:
        problems.add(where, f"{name} must be text of at least {minimum} characters")
        return ""
    for placeholder in re.findall(r"\{([^{}]*)\}", value):
        if placeholder not in allowed:
            problems.add(where, f"{name} uses unknown placeholder {{{placeholder}}}")
    try:
        value.format_map({k: "" for k in allowed})
    except (ValueError, KeyError, IndexError):
        problems.add(where, f"{name} has a stray {{ or }}")
    return value.strip()


def _condition(spec: Any, where: str, problems: _Problems) -> Node | None:
    if spec is None:
        return None
    try:
        return compile_condition(spec)
    except ConditionError as exc:
        problems.add(where, f"condition: {exc}")
        return None


def _int(value: Any, low: int, high: int | None = None) -> bool:
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value >= low
        and (high is None or value <= high)
    )


def _schedule(spec: Any, where: str, problems: _Problems) -> Schedule:
    bad = Schedule("as-needed")
    if not isinstance(spec, dict) or "kind" not in spec:
        problems.add(where, "schedule must be a mapping with a kind")
        return bad
    kind = spec["kind"]
    allowed = {
        "once": {"kind", "due"},
        "daily": {"kind", "times_per_day"},
        "weekly": {"kind", "times_per_week"},
        "every-n-weeks": {"kind", "weeks", "from"},
        "as-needed": {"kind"},
    }
    if kind not in allowed:
        problems.add(where, f"schedule kind '{kind}' is not one of {', '.join(allowed)}")
        return bad
    extra = set(spec) - allowed[kind]
    if extra:
        problems.add(where, f"schedule '{kind}' does not take {', '.join(sorted(extra))}")
    if kind == "once":
        due = spec.get("due", {"anchor": "today"})
        if (
            not isinstance(due, dict)
            or set(due) - {"anchor", "days"}
            or (due.get("anchor", "today") not in ANCHORS or not _int(due.get("days", 0), -3650))
        ):
            problems.add(
                where, "schedule once: due must be {anchor: " + "|".join(ANCHORS) + ", days: N}"
            )
            return bad
        return Schedule(kind, anchor=due.get("anchor", "today"), days=due.get("days", 0))
    if kind == "daily":
        times = spec.get("times_per_day")
        if times != "drinks" and not _int(times, 1, 24):
            problems.add(where, "schedule daily needs times_per_day: 1 to 24 (or drinks)")
            return bad
        return Schedule(kind, times=times)
    if kind == "weekly":
        times = spec.get("times_per_week")
        if not _int(times, 1, 7):
            problems.add(where, "schedule weekly needs times_per_week: 1 to 7")
            return bad
        return Schedule(kind, times=times)
    if kind == "every-n-weeks":
        weeks, anchor = spec.get("weeks"), spec.get("from", "today")
        if weeks != "agent" and not _int(weeks, 1, 520) or anchor not in ANCHORS:
            problems.add(
                where,
                "schedule every-n-weeks needs weeks: N (or agent) and from: " + "|".join(ANCHORS),
            )
            return bad
        return Schedule(kind, weeks=weeks, anchor=anchor)
    return Schedule(kind)


def _item(raw: Any, domain: str, fname: str, catalog: dict, problems: _Problems) -> Item | None:
    if not isinstance(raw, dict):
        problems.add(fname, "every item must be a mapping")
        return None
    item_id = raw.get("id")
    where = f"{fname}: {item_id}"
    if not isinstance(item_id, str) or not ID_PATTERN.match(item_id):
        problems.add(where, "id must be a slug of a-z, 0-9 and -")
        return None
    missing = ITEM_KEYS["required"] - set(raw)
    unknown = set(raw) - ITEM_KEYS["required"] - ITEM_KEYS["optional"]
    if missing:
        problems.add(where, f"missing {', '.join(sorted(missing))}")
    if unknown:
        problems.add(where, f"unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    if missing:
        return None
    sources = raw["sources"]
    if not isinstance(sources, list) or not sources:
        problems.add(where, "sources must list at least one source id")
        sources = []
    for source in sources:
        if source not in catalog["sources"]:
            problems.add(where, f"source '{source}' is not in sources.yaml")
    if raw["audience"] not in AUDIENCES:
        problems.add(where, f"audience must be one of {', '.join(AUDIENCES)}")
    room = raw.get("room")
    if domain == "home-safety" and room not in ROOMS:
        problems.add(where, f"room must be one of {', '.join(ROOMS)}")
    if domain != "home-safety" and room is not None:
        problems.add(where, "only home-safety items have a room")
    kind = raw.get("kind")
    movements = raw.get("movements", [])
    if domain == "exercise":
        if kind not in EXERCISE_KINDS:
            problems.add(where, f"kind must be one of {', '.join(EXERCISE_KINDS)}")
        if not isinstance(movements, list):
            problems.add(where, "movements must be a list")
            movements = []
        for movement in movements:
            if movement not in catalog["movements"] or movement == NEEDS_CLEARANCE:
                problems.add(
                    where,
                    f"movement '{movement}' is not in the movements list"
                    + (" (say clearance: needed instead)" if movement == NEEDS_CLEARANCE else ""),
                )
        clearance = raw.get("clearance", "needed")
        if clearance not in ("needed", "not-needed"):
            problems.add(where, "clearance must be needed or not-needed")
        elif clearance == "needed":
            # Only breathing, ankle pumps, isometrics and gentle range of movement need no
            # clearance (IBMEWG 2022, Galvao); everything else waits for the team.
            movements = [*movements, NEEDS_CLEARANCE]
    elif kind is not None or "movements" in raw or "clearance" in raw:
        problems.add(where, "only exercise items have a kind, movements and clearance")
    schedule = _schedule(raw["schedule"], where, problems)
    if schedule.times == "drinks" and domain != "hydration":
        problems.add(where, "times_per_day: drinks is for hydration items")
    return Item(
        id=item_id,
        domain=domain,
        title=_text(raw["title"], where, "title", problems, minimum=3),
        detail=_text(raw["detail"], where, "detail", problems),
        why=_text(raw["why"], where, "why", problems),
        sources=tuple(sources),
        audience=raw["audience"],
        schedule=schedule,
        when=_condition(raw.get("when"), where, problems),
        emphasis=_condition(raw.get("emphasis"), where, problems),
        room=room,
        kind=kind,
        movements=tuple(movements),
    )


def _warnings(raw: Any, fname: str, domain: str, problems: _Problems) -> list[WarningRule]:
    rules = []
    for entry in raw or []:
        where = f"{fname}: {entry.get('id') if isinstance(entry, dict) else entry}"
        if not isinstance(entry, dict) or set(entry) != {"id", "when", "text"}:
            problems.add(where, "a warning has exactly id, when and text")
            continue
        when = _condition(entry["when"], where, problems)
        text = _text(entry["text"], where, "text", problems)
        if when is not None and text:
            rules.append(WarningRule(entry["id"], when, text, domain))
    return rules


def _movements(raw: Any, fname: str, problems: _Problems) -> dict[str, Movement]:
    movements = {}
    for slug, spec in (raw or {}).items():
        where = f"{fname}: movement {slug}"
        if (
            not isinstance(spec, dict)
            or not {"label", "no", "region", "kind"} <= set(spec)
            or set(spec) - {"label", "no", "region", "kind", "daily_life", "both"}
        ):
            problems.add(
                where,
                'a movement has region, kind, label and "no" (quoted: YAML reads '
                "a bare no as false); optional daily_life and both",
            )
            continue
        if spec["region"] not in REGIONS:
            problems.add(where, f"region must be one of {', '.join(REGIONS)}")
        if "both" in spec and not (slug.endswith("-left") and "daily_life" in spec):
            problems.add(where, "only a -left movement with daily_life has both")
        optional = {
            key: _text(spec[key], where, key, problems)
            for key in ("daily_life", "both")
            if key in spec
        }
        movements[slug] = Movement(
            _text(spec["label"], where, "label", problems),
            _text(spec["no"], where, "no", problems),
            region=spec["region"],
            kind=_text(spec["kind"], where, "kind", problems),
            **optional,
        )
    if raw and NEEDS_CLEARANCE not in movements:
        problems.add(f"{fname}: movements", f"must define {NEEDS_CLEARANCE}")
    return movements


def _avoid_rules(raw: Any, fname: str, catalog: dict, problems: _Problems) -> list[AvoidRule]:
    rules = []
    allowed = {"id", "title", "when", "avoid", "daily_life", "sources", "reason"}
    for entry in raw or []:
        where = f"{fname}: rule {entry.get('id') if isinstance(entry, dict) else entry}"
        if (
            not isinstance(entry, dict)
            or set(entry) - allowed
            or not {"id", "title", "avoid", "sources"} <= set(entry)
        ):
            problems.add(
                where, "a rule has id, title, avoid, sources; optional when, daily_life, reason"
            )
            continue
        for movement in entry["avoid"] or []:
            if movement not in catalog["movements"]:
                problems.add(where, f"movement '{movement}' is not in the movements list")
        for source in entry["sources"] or []:
            if source not in catalog["sources"]:
                problems.add(where, f"source '{source}' is not in sources.yaml")
        if not entry["sources"]:
            problems.add(where, "sources must list at least one source id")
        rules.append(
            AvoidRule(
                id=entry["id"],
                when=_condition(entry.get("when"), where, problems),
                avoid=tuple(entry["avoid"] or ()),
                daily_life=_text(entry["daily_life"], where, "daily_life", problems)
                if "daily_life" in entry
                else None,
                sources=tuple(entry["sources"] or ()),
                reason=_text(entry["reason"], where, "reason", problems)
                if "reason" in entry
                else None,
                title=_text(entry["title"], where, "title", problems, minimum=10, allowed=()),
            )
        )
    seen = [r.id for r in rules]
    for repeated in sorted({r for r in seen if seen.count(r) > 1}):
        problems.add(f"{fname}: rule {repeated}", "the id is used more than once")
    return rules


def _fall_screen(raw: Any, fname: str, problems: _Problems) -> tuple[int, list[ScreenQuestion]]:
    if raw is None:
        return 0, []
    if not isinstance(raw, dict) or set(raw) != {"at_risk_points", "questions"}:
        problems.add(f"{fname}: fall_screen", "needs exactly at_risk_points and questions")
        return 0, []
    questions = []
    for n, q in enumerate(raw["questions"] or [], start=1):
        where = f"{fname}: fall_screen question {n}"
        if (
            not isinstance(q, dict)
            or set(q) - {"text", "points", "answered_by"}
            or not _int(q.get("points"), 0, 10)
        ):
            problems.add(where, "a question has text, points (0-10) and optional answered_by")
            continue
        questions.append(
            ScreenQuestion(
                _text(q.get("text"), where, "text", problems),
                q["points"],
                _condition(q.get("answered_by"), where, problems),
            )
        )
    return raw["at_risk_points"], questions


def _registry_file(folder: Path, name: str, key: str, problems: _Problems) -> dict:
    """One registry file as a mapping; an empty file, or one without its `key:` entries, is a
    problem (an empty facts.yaml was once accepted, and every clinical fact lost its words)."""
    raw = _read_yaml(folder / name, problems)
    if raw is None and (folder / name).exists():
        problems.add(name, f"is empty: it must hold a '{key}:' mapping")
        return {}
    if raw is None:
        return {}  # unreadable: _read_yaml said why
    if not isinstance(raw, dict) or not isinstance(raw.get(key), dict) or not raw[key]:
        problems.add(name, f"must be a mapping with a non-empty '{key}:' mapping")
        return raw if isinstance(raw, dict) else {}
    return raw


def _registry(folder: Path, problems: _Problems) -> dict:
    """sources.yaml, facts.yaml and agents.yaml: what the domain files refer to."""
    sources = _registry_file(folder, "sources.yaml", "sources", problems).get("sources") or {}
    for ident, spec in sources.items():
        if not isinstance(spec, dict) or "cite" not in spec or set(spec) - SOURCE_KEYS:
            problems.add(f"sources.yaml: {ident}", "a source has cite; optional section, seed, url")
        elif "url" in spec and not str(spec["url"]).startswith("https://"):
            problems.add(f"sources.yaml: {ident}", "url must be an https:// address")
    facts = _registry_file(folder, "facts.yaml", "facts", problems).get("facts") or {}
    agents_file = _registry_file(folder, "agents.yaml", "agents", problems)
    agents = {}
    for name, spec in (agents_file.get("agents") or {}).items():
        try:
            agents[name] = Agent(
                spec["name"], spec["route"], spec["interval_weeks"], tuple(spec["sources"])
            )
        except (KeyError, TypeError):
            problems.add(f"agents.yaml: {name}", "needs name, route, interval_weeks, sources")
    settings = agents_file.get("settings") or {}
    for key in ("dental_recent_days", "dental_recall_weeks"):
        if not _int(settings.get(key), 1):
            problems.add("agents.yaml: settings", f"{key} must be a positive whole number")
    for field_name, phrases in facts.items():
        if field_name not in FIELDS or not isinstance(phrases, dict):
            problems.add(f"facts.yaml: {field_name}", "is not a profile field the catalog can use")
            continue
        for key, phrase in phrases.items():
            _text(
                phrase,
                f"facts.yaml: {field_name}.{key}",
                "phrase",
                problems,
                allowed=PLACEHOLDERS + ("value",),
            )
    return {
        "sources": {
            k: v["cite"] for k, v in sources.items() if isinstance(v, dict) and "cite" in v
        },
        "source_urls": {
            k: v["url"] for k, v in sources.items() if isinstance(v, dict) and "url" in v
        },
        "facts": facts,
        "agents": agents,
        "settings": settings,
        "movements": {},
    }


SOURCE_KEYS = {"cite", "section", "seed", "url"}
# What a reviewer signs one by one: the last review of each is shown on the public pages.
SIGNED_PARTS = (("item", "items"), ("warning", "warnings"), ("rule", "avoid_rules"))


def _fingerprints(raw: dict, cites: dict[str, str]) -> dict[str, str]:
    """A fingerprint of each item, warning, movement rule and movement of a domain file, as
    written (with the words of the sources it cites): "item:ID" -> hash."""
    out = {}
    for kind, key in SIGNED_PARTS:
        for entry in raw.get(key) or []:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                cited = [cites.get(s, s) for s in entry.get("sources") or [] if isinstance(s, str)]
                out[f"{kind}:{entry['id']}"] = fingerprint([entry, cited])
    for slug, spec in (raw.get("movements") or {}).items():
        out[f"movement:{slug}"] = fingerprint(spec)
    return out


def _about(raw: Any, fname: str, reg: dict[str, Any], problems: _Problems) -> dict | None:
    """A domain's shared why: {text, sources}, the text plain (no placeholders), the sources
    known."""
    if not (
        isinstance(raw, dict)
        and set(raw) == {"text", "sources"}
        and isinstance(raw["text"], str)
        and raw["text"].strip()
        and isinstance(raw["sources"], list)
        and raw["sources"]
    ):
        problems.add(f"{fname}: about", "must have a text and a list of sources, nothing else")
        return None
    if "{" in raw["text"]:
        problems.add(f"{fname}: about", "the text may not use placeholders")
    unknown = [s for s in raw["sources"] if s not in reg["sources"]]
    for source in unknown:
        problems.add(f"{fname}: about", f"source '{source}' is not in sources.yaml")
    return {
        "text": raw["text"].strip(),
        "sources": [reg["sources"][s] for s in raw["sources"] if s in reg["sources"]],
    }


def load_catalog(folder: str | Path) -> Catalog:
    """Read and validate every file of checklists/; raise CatalogError listing all problems."""
    folder = Path(folder)
    problems = _Problems()
    reg = _registry(folder, problems)
    items: list[Item] = []
    warnings: list[WarningRule] = []
    extra: dict[str, Any] = {}
    fingerprints: dict[str, str] = {}
    for domain in DOMAINS:
        fname = f"{domain}.yaml"
        if not (folder / fname).exists():
            problems.add(fname, "is missing")
            continue
        raw = _read_yaml(folder / fname, problems)
        if not isinstance(raw, dict) or raw.get("domain") != domain:
            problems.add(fname, f"must be a mapping with domain: {domain}")
            continue
        for key in set(raw) - FILE_KEYS[domain]:
            problems.add(fname, f"unknown top-level key '{key}'")
        if domain == "exercise":
            reg["movements"] = _movements(raw.get("movements"), fname, problems)
            extra["avoid_rules"] = _avoid_rules(raw.get("avoid_rules"), fname, reg, problems)
        if domain == "hydration":
            targets = raw.get("targets") or {}
            if not (
                _int(targets.get("drinks_ml"), 1)
                and _int(targets.get("drinks_per_day"), 1)
                and targets.get("sources")
            ):
                problems.add(fname, "targets needs drinks_ml, drinks_per_day and sources")
            extra["targets"] = {k: targets.get(k) for k in ("drinks_ml", "drinks_per_day")}
            extra["target_sources"] = tuple(targets.get("sources") or ())
        if domain == "home-safety":
            extra["at_risk_points"], extra["fall_screen"] = _fall_screen(
                raw.get("fall_screen"), fname, problems
            )
        if "about" in raw:
            about = _about(raw["about"], fname, reg, problems)
            if about:
                extra.setdefault("about", {})[domain] = about
        for entry in raw.get("items") or []:
            item = _item(entry, domain, fname, reg, problems)
            if item is not None:
                items.append(item)
        warnings.extend(_warnings(raw.get("warnings"), fname, domain, problems))
        fingerprints.update(_fingerprints(raw, reg["sources"]))
        if domain == "home-safety":
            extra["set_up_raw"] = raw.get("set_up")
    seen: set[str] = set()
    for ident in [i.id for i in items] + [w.id for w in warnings]:
        if ident in seen:
            problems.add("catalog", f"id '{ident}' is used more than once")
        seen.add(ident)
    set_up, wrong = read_set_up(extra.get("set_up_raw"), seen, ROOMS)
    for problem in wrong:
        problems.add("home-safety.yaml", problem)
    questions: list[ClinicalQuestion] = []
    if (folder / "questions.yaml").exists():
        questions, wrong = read_questions(
            _read_yaml(folder / "questions.yaml", problems),
            reg["sources"],
            {i.id for i in items},
            {r.id for r in extra.get("avoid_rules", ())},
        )
        problems.list.extend(wrong)
    releases, wrong = read_releases(folder)
    problems.list.extend(wrong)
    if problems.list:
        raise CatalogError(problems.list)
    return Catalog(
        items=tuple(items),
        warnings=tuple(warnings),
        sources=reg["sources"],
        facts=reg["facts"],
        agents=reg["agents"],
        settings=reg["settings"],
        movements=reg["movements"],
        avoid_rules=tuple(extra.get("avoid_rules", ())),
        targets=extra.get("targets", {}),
        target_sources=extra.get("target_sources", ()),
        fall_screen=tuple(extra.get("fall_screen", ())),
        at_risk_points=extra.get("at_risk_points", 0),
        about=extra.get("about", {}),
        set_up=set_up,
        source_urls=reg["source_urls"],
        questions=tuple(questions),
        releases=tuple(releases),
        content_hash=content_hash(folder),
        fingerprints=fingerprints,
    )


def default_folder() -> Path:
    """checklists/ beside the package in a checkout, or the copy carried inside the wheel."""
    here = Path(__file__).resolve().parent.parent  # the planner package
    for candidate in (here.parent / "checklists", here / "_data" / "checklists"):
        if (candidate / "sources.yaml").exists():
            return candidate
    return here.parent / "checklists"
