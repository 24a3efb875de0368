"""A physiotherapist's tailoring of the exercise part of a plan, as pure functions.

A tailoring is JSON: {"exercises": [entry, ...], "removed": [catalog id, ...], "lifted"?: [...]},
where an entry is {"id", "prescription"?, "override_reason"?, "override"?, "custom"?: {"title",
"detail", "movements"}} (overrides and lifted rules: planner/plans/overrides.py). The plan a
household sees is always `apply_tailoring(build_plan(..., lifted=lifted_ids(tailoring)),
tailoring, ...)` (planning.plan_for): the engine's safety filter runs first and again on every
re-plan, so a tailored exercise that a new profile rules out leaves the plan for `excluded`
unless the physiotherapist overrode, in writing, every rule that rules it out.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import secrets
from collections.abc import Mapping
from typing import Any

from planner.i18n import N_, Said, gettext
from planner.plans.catalog import DOMAINS, Catalog
from planner.plans.context import Context, build_context
from planner.plans.engine import exercise_library, ruled_out, rules_against
from planner.plans.overrides import lifted_ids

# Bounds of what a form may say; not advice (the catalog gives no numbers), only sanity.
LIMITS = {"sets": (1, 10), "reps": (1, 50), "hold_seconds": (1, 120), "sessions_per_week": (1, 7)}
NUMBERS = tuple(LIMITS)
NOTE_MAX = 300
REASON_MAX = 300
TITLE_RANGE = (3, 100)
DETAIL_MAX = 1000
# Stored in English with the exercise; said in the reader's language (plans/localize.py).
CUSTOM_WHY = N_("Your physiotherapist chose this exercise for you.")
CUSTOM_SOURCE = N_("Your physiotherapist")
# Exercise items of this kind are advice on how to go about exercise ("use a lighter weight, or
# stop, when an exercise hurts"), not exercises: they take no dose and no sessions a week.
ADVICE_KIND = "daily-activity"
# Items that ask for what a physiotherapist's published tailoring is ("have a physiotherapist
# check this plan"): gone from every plan a physiotherapist has tailored.
DONE_BY_PHYSIO = ("exercise-plan-physio-check",)


def takes_dose(item: Mapping[str, Any]) -> bool:
    """Whether a plan item is an exercise that a dose applies to (not advice)."""
    return item.get("kind") != ADVICE_KIND


def empty() -> dict[str, Any]:
    """A tailoring that changes nothing."""
    return {"exercises": [], "removed": []}


# Invisible format characters (zero-width space, word joiner, byte order mark) at either end:
# a text of only these is empty, not a reason the household would see as "Allowed by Priya: ".
_BLANK = r"[\s\u200b-\u200d\u2060-\u2064\ufeff]+"
_EDGES = re.compile(f"^{_BLANK}|{_BLANK}$")


def _text(form: Mapping[str, Any], name: str) -> str:
    """A form's text, trimmed (of invisible characters too), with runs of whitespace (and
    control characters) made one space."""
    return _EDGES.sub("", re.sub(r"[\s\x00-\x1f\x7f]+", " ", str(form.get(name, "") or "")))


LONG = Said(
    {
        "note": N_("Keep the note to %(most)s characters (it has %(num)s)."),
        "reason": N_("Keep the reason to %(most)s characters (it has %(num)s)."),
        "how-to text": N_("Keep the how-to text to %(most)s characters (it has %(num)s)."),
    }
)


def _long(name: str, text: str, limit: int) -> str | None:
    if len(text) > limit:
        return str(LONG[name]) % {"most": limit, "num": len(text)}
    return None


def read_prescription(form: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The prescription a form gives (every number optional), and a message per bad field."""
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, (low, high) in LIMITS.items():
        raw = _text(form, name)
        if not raw:
            out[name] = None
        elif not raw.isdigit() or not low <= int(raw) <= high:
            errors[name] = gettext(
                "Write a whole number from %(low)s to %(high)s, or leave it empty.",
                low=low,
                high=high,
            )
        else:
            out[name] = int(raw)
    out["note"] = _text(form, "note")
    problem = _long("note", out["note"], NOTE_MAX)
    if problem:
        errors["note"] = problem
    return out, errors


def read_reason(form: Mapping[str, Any]) -> tuple[str, str | None]:
    """The written reason for overriding a rule, and the problem with it (None when fine)."""
    reason = _text(form, "override_reason")
    if not reason:
        return "", gettext("Write why you are adding it although the profile rules it out.")
    return reason, _long("reason", reason, REASON_MAX)


def read_custom(form: Any, catalog: Catalog) -> tuple[dict[str, Any], dict[str, str]]:
    """A custom exercise from a form (title, how-to text, movements from the catalog's
    vocabulary), and a message per bad field. `form` is a MultiDict or a plain dict."""
    getlist = getattr(form, "getlist", None)
    movements = list(getlist("movements") if getlist else form.get("movements", []))
    custom: dict[str, Any] = {
        "title": _text(form, "title"),
        "detail": _text(form, "detail"),
        "movements": [m for m in catalog.movements if m in movements],
    }
    errors: dict[str, str] = {}
    low, high = TITLE_RANGE
    if not low <= len(custom["title"]) <= high:
        errors["title"] = gettext(
            "Give the exercise a name of %(low)s to %(high)s characters.", low=low, high=high
        )
    if not custom["detail"]:
        errors["detail"] = gettext("Say how to do the exercise.")
    elif _long("how-to text", custom["detail"], DETAIL_MAX):
        errors["detail"] = _long("how-to text", custom["detail"], DETAIL_MAX) or ""
    unknown = [str(m)[:40] for m in movements if m not in catalog.movements]
    if unknown:
        errors["movements"] = gettext("Not a known movement: %(names)s.", names=", ".join(unknown))
    return custom, errors


def has_dose(prescription: Mapping[str, Any] | None) -> bool:
    """Whether a prescription says anything (a number or a note)."""
    return prescription is not None and any(prescription.get(k) for k in (*NUMBERS, "note"))


def _dosed(item: dict[str, Any], entry: Mapping[str, Any]) -> dict[str, Any]:
    prescription = entry.get("prescription")
    if prescription and has_dose(prescription) and takes_dose(item):
        item["prescription"] = {k: prescription.get(k) for k in NUMBERS} | {
            "note": prescription.get("note") or ""
        }
        sessions = prescription.get("sessions_per_week")
        if sessions:
            item["schedule"] = {"kind": "weekly", "times_per_week": sessions}
    return item


def custom_item(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The plan item of a physiotherapist's own exercise (before its prescription)."""
    custom = entry["custom"]
    return {
        "id": entry["id"],
        "domain": "exercise",
        "title": custom["title"],
        "detail": custom["detail"],
        "why": [CUSTOM_WHY],
        "sources": [CUSTOM_SOURCE],
        "audience": "patient",
        "schedule": {"kind": "as-needed"},
        "movements": list(custom["movements"]),
        "custom": True,
    }


def _resolve(
    entry: Mapping[str, Any],
    library: dict[str, dict],
    profile: dict[str, Any],
    catalog: Catalog,
    today: dt.date,
    ctx: Context | None = None,
    lifted: frozenset[str] = frozenset(),
) -> tuple[dict | None, str | None, list[str]]:
    """An entry's plan item (from the library or its own text), why the profile rules it out
    (None if it does not) and the ids of the rules that do; (None, None, []) for an id the
    catalog no longer has."""
    if entry.get("custom"):
        movements = entry["custom"]["movements"]
        ctx = ctx or build_context(profile, catalog, today)
        return (
            custom_item(entry),
            ruled_out(movements, profile, catalog, today, ctx, lifted),
            rules_against(movements, catalog, ctx, lifted),
        )
    found = library.get(entry["id"])
    if found is None:
        return None, None, []
    item = {k: v for k, v in found.items() if k not in ("reason", "rules", "rule_ids")}
    return item, found.get("reason"), found.get("rule_ids", [])


def _overridden(entry: Mapping[str, Any], rule_ids: list[str]) -> bool:
    """Whether the entry's override covers every rule that rules the exercise out now (an
    override from before rules were named covers whatever rules it)."""
    if not entry.get("override_reason"):
        return False
    record = entry.get("override")
    return record is None or set(rule_ids) <= set(record["rules"])


def _marked(item: dict, entry: Mapping[str, Any], reason: str, catalog: Catalog) -> dict:
    """A ruled-out exercise kept by the physiotherapist: the rule (`ruled_out`), their reason,
    who and when, and the names of the rules it overrides."""
    record = entry.get("override") or {}
    rules = [catalog.rule(r) for r in record.get("rules", [])]
    return item | {
        "override_reason": entry["override_reason"],
        "ruled_out": reason,
        "override_by": record.get("by"),
        "override_on": record.get("on") or None,
        "override_rules": [r.title for r in rules if r is not None],
    }


def _lifts(plan: dict[str, Any], tailoring: Mapping[str, Any]) -> None:
    """Who lifted each of the plan's lifted rules, when and why (in place)."""
    made = {x["rule"]: x for x in tailoring.get("lifted", [])}
    for rule in plan.get("lifted", []):
        lift = made.get(rule["id"], {})
        rule |= {"reason": lift.get("reason", ""), "by": lift.get("by"), "on": lift.get("on")}


def apply_tailoring(
    plan: dict[str, Any],
    tailoring: Mapping[str, Any] | None,
    profile: dict[str, Any],
    catalog: Catalog,
    today: dt.date,
    ctx: Context | None = None,
) -> dict[str, Any]:
    """The engine's plan with the tailoring applied: the tailored exercises in their order with
    their prescriptions, then any exercise the engine adds that the tailoring neither lists nor
    removed. A ruled-out exercise stays on the plan only with a written override of every rule
    that rules it out, and is marked with the rule (`ruled_out`), the reason
    (`override_reason`), who (`override_by`), when (`override_on`) and the rules' names
    (`override_rules`); otherwise it is in `excluded`, marked `tailored`. Ids the catalog no
    longer has are left out. `plan` is the engine's, made with the rules the tailoring lifts
    (overrides.lifted_ids); each lifted rule of the plan gets who lifted it, when and why.
    `ctx`: the profile's context if the caller has worked it out already."""
    plan = copy.deepcopy(plan)
    if not tailoring or not (
        tailoring.get("exercises") or tailoring.get("removed") or tailoring.get("lifted")
    ):
        return plan
    lifted = lifted_ids(tailoring)
    _lifts(plan, tailoring)
    library = {e["id"]: e for e in exercise_library(profile, catalog, today, ctx, lifted)}
    engine = {i["id"]: i for i in plan["items"] if i["domain"] == "exercise"}
    excluded = {e["id"]: e for e in plan["excluded"]}
    listed = {e["id"] for e in tailoring.get("exercises", [])}
    chosen: list[dict] = []
    allowed: dict[str, list[str]] = {}  # rule id -> the exercises kept despite it
    for entry in tailoring.get("exercises", []):
        item, reason, rule_ids = _resolve(entry, library, profile, catalog, today, ctx, lifted)
        if item is None:
            continue
        if reason and not _overridden(entry, rule_ids):
            left = excluded.setdefault(
                entry["id"],
                {
                    "id": entry["id"],
                    "domain": "exercise",
                    "title": item["title"],
                    "reason": reason,
                    "movements": [],
                },
            )
            left["tailored"] = True
            continue
        if reason:
            item = _marked(item, entry, reason, catalog)
            excluded.pop(entry["id"], None)
            for rule_id in rule_ids:
                allowed.setdefault(rule_id, []).append(entry["id"])
        elif entry["id"] in engine:
            item = engine[entry["id"]]
        chosen.append(_dosed(item, entry))
    removed = set(tailoring.get("removed", []))
    chosen += [i for i in engine.values() if i["id"] not in listed | removed]
    chosen = [i for i in chosen if i["id"] not in DONE_BY_PHYSIO]
    rank = DOMAINS.index("exercise")
    plan["items"] = (
        [i for i in plan["items"] if DOMAINS.index(i["domain"]) < rank]
        + chosen
        + [i for i in plan["items"] if DOMAINS.index(i["domain"]) > rank]
    )
    plan["excluded"] = list(excluded.values())
    # A movement the plan says to avoid, asked for by an exercise the physiotherapist kept:
    # the rule's card names the exception (`allowed`, exercise ids), so the plan never asks
    # for what it tells the person to avoid without saying so.
    for rule in plan.get("avoid_in_daily_life", []):
        if rule["id"] in allowed:
            rule["allowed"] = allowed[rule["id"]]
    return plan


def materialize(plan: dict[str, Any], tailoring: Mapping[str, Any] | None) -> dict[str, Any]:
    """A tailoring that lists every exercise of `plan` (a tailored plan) in its order, keeping
    the entries' prescriptions and overrides, then the tailored entries not on the plan: the
    starting point of an editor, where the order of every exercise is pinned."""
    tailoring = tailoring or empty()
    entries = {e["id"]: e for e in tailoring.get("exercises", [])}
    on_plan = [i["id"] for i in plan["items"] if i["domain"] == "exercise"]
    exercises = [
        copy.deepcopy(entries.get(i, {"id": i})) for i in on_plan if i not in DONE_BY_PHYSIO
    ]
    exercises += [
        copy.deepcopy(e)
        for e in tailoring.get("exercises", [])
        if e["id"] not in on_plan and e["id"] not in DONE_BY_PHYSIO
    ]
    out = {"exercises": exercises, "removed": list(tailoring.get("removed", []))}
    if tailoring.get("lifted"):
        out["lifted"] = copy.deepcopy(list(tailoring["lifted"]))
    return out


def _index(tailoring: Mapping[str, Any], item_id: str) -> int | None:
    return next((n for n, e in enumerate(tailoring["exercises"]) if e["id"] == item_id), None)


def set_dose(tailoring: dict, item_id: str, prescription: dict) -> dict | None:
    """A copy with the exercise's prescription set, or None if it is not listed."""
    out = copy.deepcopy(tailoring)
    n = _index(out, item_id)
    if n is None:
        return None
    out["exercises"][n]["prescription"] = prescription
    return out


def move(tailoring: dict, item_id: str, step: int) -> dict | None:
    """A copy with the exercise moved one place up (-1) or down (+1), or None if not listed."""
    out = copy.deepcopy(tailoring)
    n = _index(out, item_id)
    if n is None:
        return None
    m = max(0, min(len(out["exercises"]) - 1, n + step))
    out["exercises"].insert(m, out["exercises"].pop(n))
    return out


def remove(tailoring: dict, item_id: str) -> dict | None:
    """A copy without the exercise (remembered as removed, so re-planning does not bring a
    catalog exercise back), or None if it is not listed."""
    out = copy.deepcopy(tailoring)
    n = _index(out, item_id)
    if n is None:
        return None
    entry = out["exercises"].pop(n)
    if not entry.get("custom") and item_id not in out["removed"]:
        out["removed"].append(item_id)
    return out


def add(
    tailoring: dict,
    item_id: str,
    override_reason: str | None = None,
    custom: dict | None = None,
    prescription: dict | None = None,
    override: dict | None = None,
) -> dict:
    """A copy with the exercise added at the end (or, if listed, given the override reason).
    `override`: the record of the rules it overrides (overrides.make)."""
    out = copy.deepcopy(tailoring)
    n = _index(out, item_id)
    if n is None:
        out["exercises"].append({"id": item_id})
        n = len(out["exercises"]) - 1
    entry = out["exercises"][n]
    if override_reason:
        entry["override_reason"] = override_reason
        if override is not None:
            entry["override"] = override
    if custom:
        entry["custom"] = custom
    if prescription:
        entry["prescription"] = prescription
    out["removed"] = [r for r in out["removed"] if r != item_id]
    return out


def new_custom_id() -> str:
    """A fresh id for a custom exercise; random, so a deleted one's tick history never passes
    to a new one."""
    return f"custom-{secrets.token_hex(4)}"


def as_template(tailoring: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a tailoring a template keeps: exercises, order, prescriptions and custom
    exercises. Overrides and lifted rules are left behind: they were written for one person."""
    return {
        "exercises": [
            {k: copy.deepcopy(v) for k, v in e.items() if k not in ("override_reason", "override")}
            for e in tailoring.get("exercises", [])
        ],
        "removed": [],
    }


def from_template(template: Mapping[str, Any], catalog: Catalog) -> dict[str, Any]:
    """The tailoring a template gives a household: exactly its exercises, in its order (every
    other exercise of the library is marked removed, so the template is the whole list)."""
    listed = {e["id"] for e in template.get("exercises", [])}
    return {
        "exercises": copy.deepcopy(list(template.get("exercises", []))),
        "removed": [i.id for i in catalog.items if i.domain == "exercise" and i.id not in listed],
    }


def template_conflicts(
    template: Mapping[str, Any], profile: dict[str, Any], catalog: Catalog, today: dt.date
) -> list[dict[str, str]]:
    """What of a template cannot go on this household's plan: exercises its profile rules out
    (with the reason) and ids the catalog no longer has; each {id, title, problem}."""
    library = {e["id"]: e for e in exercise_library(profile, catalog, today)}
    out = []
    for entry in template.get("exercises", []):
        item, reason, _ = _resolve(entry, library, profile, catalog, today)
        if item is None:
            out.append(
                {
                    "id": entry["id"],
                    "title": entry["id"],
                    "problem": gettext("This exercise is no longer in the library."),
                }
            )
        elif reason:
            out.append({"id": entry["id"], "title": item["title"], "problem": reason})
    return out
