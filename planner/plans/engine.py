"""The rule engine: a pure function from (profile, catalog, today) to a personalised plan.

No I/O, no globals, no clock: the CLI, the web app and the tests all call `build_plan` with the
same arguments and get the same plan, in the shape of shared/contract/plan.schema.json.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from planner.plans.catalog import DOMAINS, NEEDS_CLEARANCE, AvoidRule, Catalog, Item, Schedule
from planner.plans.conditions import Fact, evaluate
from planner.plans.context import Context, build_context, fill
from planner.plans.pacing import SetUp, is_set_up, pace


def _phrases(facts: list[Fact], catalog: Catalog, ctx: Context) -> list[str]:
    """The facts.yaml sentences for matched facts, in order, without repeats."""
    out: list[str] = []
    for field, key in facts:
        phrase = catalog.facts.get(field, {}).get(key)
        if phrase is None:
            continue
        text = fill(phrase, ctx, value=ctx.values.get(field))
        if text not in out:
            out.append(text)
    return out


def _schedule(item: Item, ctx: Context) -> dict[str, Any]:
    s = item.schedule
    if s.kind == "once":
        anchor = ctx.anchors.get(s.anchor or "today")
        due = max(ctx.today, anchor + dt.timedelta(days=s.days)) if anchor else ctx.today
        return {"kind": "once", "due": due.isoformat()}
    if s.kind == "daily":
        return {"kind": "daily", "times_per_day": ctx.drinks if s.times == "drinks" else s.times}
    if s.kind == "weekly":
        return {"kind": "weekly", "times_per_week": s.times}
    if s.kind == "every-n-weeks":
        weeks = ctx.interval_weeks if s.weeks == "agent" else s.weeks
        if weeks is None:
            return {"kind": "as-needed"}
        anchor = ctx.anchors.get(s.anchor or "today")
        start = max(ctx.today, anchor).isoformat() if anchor else None
        return {"kind": "every-n-weeks", "weeks": weeks, "from": start}
    return {"kind": "as-needed"}


def _sentences(new: list[str], catalog: Catalog) -> list[str]:
    """What to avoid in daily life, said by the loads themselves: a pair of -left and -right
    loads is said once ("both"), so the advice cannot drift from what the exercises load."""
    out: list[str] = []
    for slug in new:
        movement = catalog.movements[slug]
        if (
            slug.endswith("-right")
            and slug[:-6] + "-left" in new
            and catalog.movements[slug[:-6] + "-left"].both
        ):
            continue
        text = movement.daily_life
        if slug.endswith("-left") and movement.both and slug[:-5] + "-right" in new:
            text = movement.both
        if text and text not in out:
            out.append(text)
    return out


def rule_facts(rule: AvoidRule, ctx: Context) -> tuple[bool, list[Fact]]:
    """Whether a movement rule matches the profile, and the facts that make it match."""
    return evaluate(rule.when, ctx.values) if rule.when else (True, [])


def movements_to_avoid(
    catalog: Catalog, ctx: Context, lifted: frozenset[str] = frozenset()
) -> tuple[dict[str, list[str]], list[dict]]:
    """The movements this profile rules out, each with its reasons, and the daily-life advice.

    A rule's advice is its own `daily_life` (which names no movement) followed by the daily-life
    sentence of each load it newly rules out: the words come from the same tags as the exercise
    filter, so the plan cannot tell a person to avoid what one of its exercises asks for.
    `lifted`: the ids of rules a physiotherapist lifted for this person (overrides.py)."""
    reasons: dict[str, list[str]] = {}
    advice: list[dict] = []
    said: set[str] = set()
    said_own: set[str | None] = set()
    for rule in catalog.avoid_rules:
        ok, facts = rule_facts(rule, ctx)
        if not ok or rule.id in lifted:
            continue
        because = _phrases(facts, catalog, ctx) or [rule.reason or rule.daily_life or rule.id]
        for movement in rule.avoid:
            bucket = reasons.setdefault(movement, [])
            bucket.extend(b for b in because if b not in bucket)
        new = [m for m in rule.avoid if m not in said and catalog.movements[m].daily_life]
        said.update(new)
        own = fill(rule.daily_life, ctx) if rule.daily_life else None
        sentences = ([own] if own and own not in said_own else []) + _sentences(new, catalog)
        said_own.add(own)
        if not sentences:
            continue
        advice.append(
            {
                "id": rule.id,
                "title": rule.title,
                "movements": [catalog.movements[m].label for m in new],
                "advice": " ".join(sentences),
                "why": because,
                "sources": [catalog.sources[s] for s in rule.sources],
            }
        )
    return reasons, advice


def rules_against(
    movements: tuple[str, ...] | list[str],
    catalog: Catalog,
    ctx: Context,
    lifted: frozenset[str] = frozenset(),
) -> list[str]:
    """The ids of the movement rules that rule out an exercise needing these movements."""
    return [
        rule.id
        for rule in catalog.avoid_rules
        if rule.id not in lifted and set(rule.avoid) & set(movements) and rule_facts(rule, ctx)[0]
    ]


def matching_rules(catalog: Catalog, ctx: Context) -> list[dict]:
    """Every movement rule that matches the profile, lifted or not: {id, title, why (the facts
    that make it match, in the plan's words), movements (what it rules out), sources} - what a
    physiotherapist may lift for this person."""
    out = []
    for rule in catalog.avoid_rules:
        ok, facts = rule_facts(rule, ctx)
        if ok:
            out.append(
                {
                    "id": rule.id,
                    "title": rule.title,
                    "why": _phrases(facts, catalog, ctx) or [rule.reason or rule.title],
                    "movements": [
                        catalog.movements[m].label for m in rule.avoid if m != NEEDS_CLEARANCE
                    ],
                    "sources": [catalog.sources[s] for s in rule.sources],
                }
            )
    return out


def lifted_rules(
    catalog: Catalog, ctx: Context, lifted: frozenset[str], avoid: dict[str, list[str]]
) -> list[dict]:
    """The lifted rules that match the profile, each with the movements it no longer rules out
    (those no other rule avoids) and the why it would have given."""
    out = []
    for rule in catalog.avoid_rules:
        ok, facts = rule_facts(rule, ctx)
        if rule.id not in lifted or not ok:
            continue
        freed = [m for m in rule.avoid if m not in avoid and m != NEEDS_CLEARANCE]
        out.append(
            {
                "id": rule.id,
                "title": rule.title,
                "movements": [catalog.movements[m].label for m in freed],
                "why": _phrases(facts, catalog, ctx) or [rule.reason or rule.title],
                "sources": [catalog.sources[s] for s in rule.sources],
            }
        )
    return out


def _exclusion(item: Item, avoid: dict[str, list[str]], catalog: Catalog) -> str | None:
    """Why an exercise is unsafe for this profile ("No twisting: ..."), or None if it is safe."""
    parts = []
    for movement in item.movements:
        if movement in avoid:
            parts.append(f"{catalog.movements[movement].no}: {' '.join(avoid[movement])}")
    return " ".join(parts) if parts else None


def _entry(item: Item, facts: list[Fact], emphasis: bool, catalog: Catalog, ctx: Context) -> dict:
    entry: dict[str, Any] = {
        "id": item.id,
        "domain": item.domain,
        "title": fill(item.title, ctx),
        "detail": fill(item.detail, ctx),
        "why": [fill(item.why, ctx)] + _phrases(facts, catalog, ctx),
        "sources": [catalog.sources[s] for s in item.sources],
        "audience": item.audience,
        "schedule": _schedule(item, ctx),
    }
    if item.room:
        entry["room"] = item.room
    if item.kind:
        entry["kind"] = item.kind
        entry["movements"] = list(item.movements)
    if item.domain == "hydration" and item.schedule.times == "drinks":
        entry["target_ml"] = ctx.target_ml
        entry["drink_ml"] = ctx.drink_ml
    if emphasis:
        entry["emphasis"] = True
    return entry


def exercise_library(
    profile: dict[str, Any],
    catalog: Catalog,
    today: dt.date,
    ctx: Context | None = None,
    lifted: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """Every exercise of the catalog as a plan entry for this profile, in catalog order; one the
    profile rules out carries `reason` ("No twisting: ..."), `rules` (["No twisting"]) and
    `rule_ids` (the movement rules that rule it out) and is not safe to add as it is.
    A physiotherapist's library: items whose `when` does not match are offered too.
    `ctx`: the profile's context if the caller has worked it out already; `lifted`: the rules a
    physiotherapist lifted for this person."""
    ctx = ctx or build_context(profile, catalog, today)
    avoid, _ = movements_to_avoid(catalog, ctx, lifted)
    out = []
    for item in catalog.items:
        if item.domain != "exercise":
            continue
        facts = evaluate(item.when, ctx.values)[1] if item.when else []
        entry = _entry(item, facts, False, catalog, ctx)
        reason = _exclusion(item, avoid, catalog)
        if reason:
            entry["reason"] = reason
            entry["rules"] = [catalog.movements[m].no for m in item.movements if m in avoid]
            entry["rule_ids"] = rules_against(item.movements, catalog, ctx, lifted)
        out.append(entry)
    return out


def ruled_out(
    movements: list[str],
    profile: dict[str, Any],
    catalog: Catalog,
    today: dt.date,
    ctx: Context | None = None,
    lifted: frozenset[str] = frozenset(),
) -> str | None:
    """Why an exercise needing these movements is unsafe for this profile, or None: the same
    filter the catalog's exercises go through, for a physiotherapist's own exercise."""
    ctx = ctx or build_context(profile, catalog, today)
    avoid, _ = movements_to_avoid(catalog, ctx, lifted)
    probe = Item(
        id="custom",
        domain="exercise",
        title="",
        detail="",
        why="",
        sources=(),
        audience="patient",
        schedule=Schedule("as-needed"),
        movements=tuple(movements),
    )
    return _exclusion(probe, avoid, catalog)


def _warnings(catalog: Catalog, ctx: Context) -> list[str]:
    return [fill(w.text, ctx) for w in catalog.warnings if evaluate(w.when, ctx.values)[0]]


def warnings(profile: dict[str, Any], catalog: Catalog, today: dt.date) -> list[str]:
    """The plan's warnings for a valid profile on a day, without building the rest of the plan:
    Today shows them on every load, and a whole plan costs a thousand times more."""
    return _warnings(catalog, build_context(profile, catalog, today))


def _dropped_by(answers: dict[str, Any], catalog: Catalog, ctx: Context) -> set[str]:
    """The ids of items the profile's values choose that these answers would leave out."""
    changed = {**ctx.values, **answers}
    return {
        item.id
        for item in catalog.items
        if item.when and evaluate(item.when, ctx.values)[0] and not evaluate(item.when, changed)[0]
    }


def _unknown_asks(catalog: Catalog, ctx: Context) -> list[str]:
    set_up = catalog.set_up or SetUp()
    return [name for name in set_up.ask if ctx.values.get(name) == "unknown"]


def open_questions(
    profile: dict[str, Any], catalog: Catalog, today: dt.date
) -> list[tuple[str, list[str]]]:
    """The "Not sure" answers worth asking again, in the catalog's order: (field, the ids of the
    items a "No" would leave out), only those whose "No" leaves something out."""
    ctx = build_context(profile, catalog, today)
    out = []
    for name in _unknown_asks(catalog, ctx):
        dropped = _dropped_by({name: False}, catalog, ctx)
        if dropped:
            out.append((name, sorted(dropped)))
    return out


def _paced(items: list[dict], catalog: Catalog, ctx: Context) -> None:
    """Give the home set-up's tasks their paced due dates (planner/pacing.py), in place."""
    waiting = _dropped_by({name: False for name in _unknown_asks(catalog, ctx)}, catalog, ctx)
    due = pace(items, waiting, catalog.set_up or SetUp(), ctx.today)
    for item in items:
        if is_set_up(item):
            item["schedule"]["due"] = due[item["id"]].isoformat()


def build_plan(
    profile: dict[str, Any],
    catalog: Catalog,
    today: dt.date,
    ctx: Context | None = None,
    lifted: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The personalised plan for a valid profile on a given day (see plan.schema.json).
    `ctx`: the profile's context if the caller has worked it out already; `lifted`: the ids of
    movement rules a physiotherapist lifted for this person (listed in the plan's `lifted`)."""
    ctx = ctx or build_context(profile, catalog, today)
    avoid, daily_life = movements_to_avoid(catalog, ctx, lifted)
    chosen: list[tuple[int, int, int, dict]] = []
    excluded: list[dict] = []
    for position, item in enumerate(catalog.items):
        ok, facts = evaluate(item.when, ctx.values) if item.when else (True, [])
        if not ok:
            continue
        reason = _exclusion(item, avoid, catalog) if item.domain == "exercise" else None
        if reason:
            excluded.append(
                {
                    "id": item.id,
                    "domain": item.domain,
                    "title": fill(item.title, ctx),
                    "reason": reason,
                    "movements": [m for m in item.movements if m in avoid],
                }
            )
            continue
        stressed, more = evaluate(item.emphasis, ctx.values) if item.emphasis else (False, [])
        entry = _entry(item, facts + (more if stressed else []), stressed, catalog, ctx)
        chosen.append((DOMAINS.index(item.domain), 0 if stressed else 1, position, entry))
    chosen.sort(key=lambda c: c[:3])
    items = [c[3] for c in chosen]
    _paced(items, catalog, ctx)
    present = {c[3]["domain"] for c in chosen}
    plan: dict[str, Any] = {
        "generated_on": today.isoformat(),
        "items": items,
        # The why a whole domain shares, said once (checklists/README.md, `about`).
        "about": {d: about for d, about in catalog.about.items() if d in present},
        "excluded": excluded,
        "warnings": _warnings(catalog, ctx),
        "avoid_in_daily_life": daily_life,
        "fall_screen": {
            "points_from_profile": ctx.values["fall_screen_points"],
            "at_risk_points": catalog.at_risk_points,
            "questions": len(catalog.fall_screen),
        },
    }
    if lifted:
        plan["lifted"] = lifted_rules(catalog, ctx, lifted, avoid)
    return plan
