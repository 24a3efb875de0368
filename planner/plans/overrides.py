"""A physiotherapist's overrides of the movement rules, tied to the rule they override.

Two kinds, both kept in the tailoring (planner/plans/tailoring.py) and so on every re-plan:

- allowing an exercise the profile rules out: the tailoring's exercise entry carries
  `override_reason` and `override`: {"rules": [the rules that ruled it out], "facts": {rule:
  the profile facts that made it match}, "by": user id, "on": "YYYY-MM-DD"};
- lifting a movement rule for this person: the tailoring's `lifted` list holds {"rule",
  "reason", "facts", "by", "on"}; the engine then leaves the rule out (engine.build_plan's
  `lifted`), and the plan lists it under `lifted` with who allowed it, when and why.

An override stands on the facts its rules matched when it was made. When those change (a lesion
site added or gone, a fracture risk assessed) or the rule leaves the content, `refresh` drops it
and says which, so that the physiotherapist is told and decides again.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from planner.plans.catalog import Catalog
from planner.plans.conditions import fields_used
from planner.plans.context import Context
from planner.plans.engine import rule_facts, rules_against


def _facts(catalog: Catalog, ctx: Context, rule_id: str) -> list[list[Any]] | None:
    """The facts that make the rule match now, as JSON keeps them; None if it no longer
    matches or is no longer in the content."""
    rule = catalog.rule(rule_id)
    if rule is None:
        return None
    ok, facts = rule_facts(rule, ctx)
    return sorted([field, value] for field, value in facts) if ok else None


def make(
    rule_ids: list[str], catalog: Catalog, ctx: Context, by: int | None, on: str
) -> dict[str, Any]:
    """The record of an override of these rules, made now by `by` on `on` (a day, ISO)."""
    return {
        "rules": list(rule_ids),
        "facts": {r: _facts(catalog, ctx, r) or [] for r in rule_ids},
        "by": by,
        "on": on,
    }


def _changed(record: Mapping[str, Any], catalog: Catalog, ctx: Context) -> list[str]:
    """The profile fields whose facts changed under the record's rules ("rule" when a rule
    left the content); empty while the override still stands."""
    changed: set[str] = set()
    for rule_id in record["rules"]:
        rule = catalog.rule(rule_id)
        if rule is None:
            changed.add("rule")
            continue
        then = {tuple(pair) for pair in record["facts"].get(rule_id) or []}
        now = _facts(catalog, ctx, rule_id)
        if now is None or then != {tuple(pair) for pair in now}:
            moved = {field for field, _ in then ^ {tuple(pair) for pair in now or []}}
            changed |= moved or (fields_used(rule.when) if rule.when else {"rule"})
    return sorted(changed)


def lifted_ids(tailoring: Mapping[str, Any] | None) -> frozenset[str]:
    """The rules the tailoring lifts."""
    return frozenset(lift["rule"] for lift in (tailoring or {}).get("lifted", []))


def refresh(
    tailoring: Mapping[str, Any] | None, catalog: Catalog, ctx: Context
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The tailoring without the overrides whose facts changed, and each override dropped:
    {"item_id" (None for a lifted rule), "rules", "reason", "by", "on", "changed": [fields]}.
    An override made before rules were named (only `override_reason`) is tied now to the
    rules that rule the exercise out and the facts that make them match."""
    if not tailoring:
        return None if tailoring is None else dict(tailoring), []
    out = copy.deepcopy(dict(tailoring))
    dropped: list[dict[str, Any]] = []
    for entry in out.get("exercises", []):
        if not entry.get("override_reason"):
            continue
        record = entry.get("override")
        if record is None:
            movements = (entry.get("custom") or {}).get("movements")
            if movements is None:
                item = catalog.item(entry["id"])
                movements = list(item.movements) if item else []
            rules = rules_against(movements, catalog, ctx, lifted_ids(out))
            if rules:
                entry["override"] = make(rules, catalog, ctx, None, "")
            continue
        changed = _changed(record, catalog, ctx)
        if changed:
            dropped.append(
                {
                    "item_id": entry["id"],
                    "rules": list(record["rules"]),
                    "reason": entry.pop("override_reason"),
                    "by": record.get("by"),
                    "on": record.get("on"),
                    "changed": changed,
                }
            )
            entry.pop("override")
    kept = []
    for lift in out.get("lifted", []):
        record = {"rules": [lift["rule"]], "facts": {lift["rule"]: lift["facts"]}}
        changed = _changed(record, catalog, ctx)
        if changed:
            dropped.append(
                {
                    "item_id": None,
                    "rules": [lift["rule"]],
                    "reason": lift["reason"],
                    "by": lift.get("by"),
                    "on": lift.get("on"),
                    "changed": changed,
                }
            )
        else:
            kept.append(lift)
    if "lifted" in out:
        out["lifted"] = kept
    return out, dropped


def lift(
    tailoring: Mapping[str, Any],
    rule_id: str,
    reason: str,
    catalog: Catalog,
    ctx: Context,
    by: int | None,
    on: str,
) -> dict[str, Any]:
    """A copy of the tailoring with the rule lifted for this person (replacing an earlier lift
    of the same rule)."""
    out = copy.deepcopy(dict(tailoring))
    record = make([rule_id], catalog, ctx, by, on)
    out["lifted"] = [x for x in out.get("lifted", []) if x["rule"] != rule_id] + [
        {"rule": rule_id, "reason": reason, "facts": record["facts"][rule_id], "by": by, "on": on}
    ]
    return out


def restore(tailoring: Mapping[str, Any], rule_id: str) -> dict[str, Any] | None:
    """A copy with the rule no longer lifted, or None if it was not."""
    if rule_id not in lifted_ids(tailoring):
        return None
    out = copy.deepcopy(dict(tailoring))
    out["lifted"] = [x for x in out["lifted"] if x["rule"] != rule_id]
    return out


def differences(
    old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The overrides `new` makes that `old` did not, and those `old` made that `new` does not
    (each {"item_id", "rules", "reason"}), for the activity log."""

    def each(tailoring: Mapping[str, Any] | None) -> dict[tuple, dict[str, Any]]:
        out: dict[tuple, dict[str, Any]] = {}
        for entry in (tailoring or {}).get("exercises", []):
            if entry.get("override_reason"):
                rules = (entry.get("override") or {}).get("rules", [])
                out[("item", entry["id"], entry["override_reason"])] = {
                    "item_id": entry["id"],
                    "rules": list(rules),
                    "reason": entry["override_reason"],
                }
        for lift in (tailoring or {}).get("lifted", []):
            out[("rule", lift["rule"], lift["reason"])] = {
                "item_id": None,
                "rules": [lift["rule"]],
                "reason": lift["reason"],
            }
        return out

    before, after = each(old), each(new)
    return (
        [v for k, v in after.items() if k not in before],
        [v for k, v in before.items() if k not in after],
    )
