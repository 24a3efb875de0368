"""The closed condition language of checklists/ (see checklists/README.md).

A condition is compiled once, when the catalog loads, into a small tree of frozen nodes; evaluating
it against a profile's field values says whether it holds and which facts made it hold, so that the
plan can tell a person *why* an item is there. Nothing in the data is ever executed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from planner.plans.profile import CONDITION_FIELDS, LESION_SITES

# Facts the engine works out from the profile and the date (None: a number).
DERIVED_FIELDS: dict[str, tuple[Any, ...] | None] = {
    "agent_status": ("none", "planned", "started", "undecided", "unknown"),
    "agent_route": ("none", "injection", "infusion", "unknown"),
    "days_to_start": None,
    "dental_exam_recent": (True, False),
    "fluid_caution": (True, False),  # kidney problems, heart failure or dialysis
    "fall_screen_points": None,
}
FIELDS: dict[str, tuple[Any, ...] | None] = {**CONDITION_FIELDS, **DERIVED_FIELDS}
# Number fields may also be "unknown" and, for the fluid limit, "none" (no limit set).
NUMBER_WORDS = ("unknown", "none")

Fact = tuple[str, Any]  # (field, the value that matched), looked up in facts.yaml


class ConditionError(ValueError):
    """A condition that is not in the language; the message says what is wrong."""


@dataclass(frozen=True)
class Leaf:
    field: str
    op: str  # "in", "not_in", "range", "any_of", "none_of", "empty"
    values: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Group:
    op: str  # "all", "any", "not"
    children: tuple[Node, ...]


Node = Leaf | Group


def _as_tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, list) else (value,)


def _check_values(field: str, values: tuple[Any, ...]) -> None:
    allowed = FIELDS[field]
    if allowed is None:
        allowed = NUMBER_WORDS
    for value in values:
        if not _member(value, allowed):
            choices = ", ".join(str(a).lower() if isinstance(a, bool) else str(a) for a in allowed)
            raise ConditionError(f"{field}: '{value}' is not one of {choices}")


def _compile_leaf(field: str, spec: Any) -> Leaf:
    if field not in FIELDS:
        raise ConditionError(f"'{field}' is not a profile field the catalog can use")
    kind = FIELDS[field]
    if field == "lesion_sites":
        if spec == "empty":
            return Leaf(field, "empty")
        if isinstance(spec, dict) and len(spec) == 1 and next(iter(spec)) in ("any_of", "none_of"):
            op, sites = next(iter(spec.items()))
            sites = _as_tuple(sites)
            bad = [s for s in sites if s not in LESION_SITES]
            if bad or not sites:
                raise ConditionError(f"lesion_sites: {bad or 'no sites'} not a list of known sites")
            return Leaf(field, op, sites)
        raise ConditionError("lesion_sites takes {any_of: [...]}, {none_of: [...]} or empty")
    if isinstance(spec, dict):
        keys = set(spec)
        if keys == {"not"}:
            values = _as_tuple(spec["not"])
            _check_values(field, values)
            return Leaf(field, "not_in", values)
        if keys and keys <= {"at_least", "at_most"}:
            if kind is not None:
                raise ConditionError(f"{field} is not a number: at_least/at_most do not apply")
            bounds = [spec.get("at_least"), spec.get("at_most")]
            if any(b is not None and not _is_number(b) for b in bounds):
                raise ConditionError(f"{field}: at_least/at_most take whole numbers")
            return Leaf(field, "range", low=bounds[0], high=bounds[1])
        raise ConditionError(f"{field}: unknown test {sorted(keys)}")
    values = _as_tuple(spec)
    if not values:
        raise ConditionError(f"{field}: an empty list of values never matches")
    _check_values(field, values)
    return Leaf(field, "in", values)


def compile_condition(spec: Any) -> Node:
    """Compile the YAML form of a condition; raise ConditionError naming what is wrong."""
    if not isinstance(spec, dict) or not spec:
        raise ConditionError("a condition must be a mapping of fields to values")
    children: list[Node] = []
    for key, value in spec.items():
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                raise ConditionError(f"{key}: takes a non-empty list of conditions")
            children.append(Group(key, tuple(compile_condition(v) for v in value)))
        elif key == "not":
            children.append(Group("not", (compile_condition(value),)))
        else:
            children.append(_compile_leaf(str(key), value))
    return children[0] if len(children) == 1 else Group("all", tuple(children))


def _eval_leaf(leaf: Leaf, values: dict[str, Any]) -> tuple[bool, list[Fact]]:
    value = values[leaf.field]
    if leaf.op == "empty":
        return (not value, [(leaf.field, "empty")] if not value else [])
    if leaf.op in ("any_of", "none_of"):
        hits = [site for site in value if site in leaf.values]
        if leaf.op == "any_of":
            return bool(hits), [(leaf.field, site) for site in hits]
        return not hits, []
    if leaf.op == "range":
        if isinstance(value, str):
            return False, []
        ok = (leaf.low is None or value >= leaf.low) and (leaf.high is None or value <= leaf.high)
        return ok, [(leaf.field, "number")] if ok else []
    found = _member(value, leaf.values)
    ok = found if leaf.op == "in" else not found
    return ok, [(leaf.field, "number" if _is_number(value) else value)] if ok else []


def _is_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _member(value: Any, options: tuple[Any, ...]) -> bool:
    # True == 1 in Python; a boolean must only match a boolean.
    return any(value == o and isinstance(value, bool) == isinstance(o, bool) for o in options)


def evaluate(node: Node, values: dict[str, Any]) -> tuple[bool, list[Fact]]:
    """Whether the condition holds for these field values, and the facts that made it hold."""
    if isinstance(node, Leaf):
        return _eval_leaf(node, values)
    if node.op == "not":
        ok, _ = evaluate(node.children[0], values)
        return not ok, []
    facts: list[Fact] = []
    results = []
    for child in node.children:
        ok, child_facts = evaluate(child, values)
        results.append(ok)
        if ok:
            facts.extend(child_facts)
        elif node.op == "all":
            return False, []
    if node.op == "any" and not any(results):
        return False, []
    return True, facts


def fields_used(node: Node) -> set[str]:
    """Every field a condition reads (for checking content against the profile)."""
    if isinstance(node, Leaf):
        return {node.field}
    return set().union(*(fields_used(c) for c in node.children))
