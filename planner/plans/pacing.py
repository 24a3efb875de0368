"""The home set-up, paced: the home-safety tasks done once spread over the first weeks, a few a
day, the biggest risks first. Pure: the rule's numbers and order are data (home-safety.yaml,
`set_up`, read by `read_set_up`); the engine calls `pace` on every plan it builds.

Nothing is ever dropped here, only scheduled: every task given to `pace` gets a due date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from planner.plans.profile import BOOLEANS, HOME_FIELDS

# The answers Today may ask for: yes/no fields of the profile whose "No" can drop tasks.
ASKABLE = tuple(f"home.{name}" for name in HOME_FIELDS) + BOOLEANS


@dataclass(frozen=True)
class SetUp:
    """How the home set-up is paced (see home-safety.yaml, `set_up`)."""

    per_day: int = 3
    wait_days: int = 7
    first: tuple[tuple[str, tuple[str, ...]], ...] = ()  # ("emphasis", ()), ("items", ids), ...
    ask: tuple[str, ...] = ()


def read_set_up(
    raw: Any, known_ids: Iterable[str], rooms: Iterable[str]
) -> tuple[SetUp, list[str]]:
    """The pacing rule from its YAML, and every problem with it in words (empty: valid)."""
    if raw is None:
        return SetUp(), []
    problems: list[str] = []
    if not isinstance(raw, dict) or set(raw) - {"per_day", "wait_days", "first", "ask"}:
        return SetUp(), ["set_up takes per_day, wait_days, first and ask"]
    per_day, wait = raw.get("per_day", 3), raw.get("wait_days", 7)
    for name, value, low in (("per_day", per_day, 1), ("wait_days", wait, 0)):
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= 60:
            problems.append(f"set_up: {name} must be a whole number from {low} to 60")
    known, room_names = set(known_ids), set(rooms)
    first: list[tuple[str, tuple[str, ...]]] = []
    for group in raw.get("first") or []:
        if group == "emphasis":
            first.append(("emphasis", ()))
        elif (
            isinstance(group, dict) and len(group) == 1 and next(iter(group)) in ("items", "rooms")
        ):
            kind, names = next(iter(group.items()))
            names = tuple(names or ())
            allowed = known if kind == "items" else room_names
            bad = [n for n in names if n not in allowed]
            if bad or not names:
                problems.append(f"set_up: first: {kind} {bad or 'empty'} not known")
            first.append((kind, names))
        else:
            problems.append("set_up: first takes emphasis, {items: [...]} or {rooms: [...]}")
    ask = tuple(raw.get("ask") or ())
    for name in ask:
        if name not in ASKABLE:
            problems.append(f"set_up: ask: '{name}' is not a yes/no answer of the profile")
    return SetUp(
        per_day if not problems else 3, wait if not problems else 7, tuple(first), ask
    ), problems


def is_set_up(item: Mapping[str, Any]) -> bool:
    """A task of the home set-up: a home-safety task done once."""
    return item["domain"] == "home-safety" and item["schedule"]["kind"] == "once"


def group_of(item: Mapping[str, Any], set_up: SetUp) -> int:
    """The risk group of a task: the index of the first `first` group that takes it, else one
    past the last (the rest, in walking order)."""
    for n, (kind, names) in enumerate(set_up.first):
        if kind == "emphasis" and item.get("emphasis"):
            return n
        if kind == "items" and item["id"] in names:
            return n
        if kind == "rooms" and item.get("room") in names:
            return n
    return len(set_up.first)


def pace(
    items: Sequence[Mapping[str, Any]], waiting: set[str], set_up: SetUp, today: dt.date
) -> dict[str, dt.date]:
    """The due date of each set-up task of `items` (plan order, the walking order within a room).

    Sure tasks first, by risk group and then plan order, `per_day` a day from today; the tasks
    in `waiting` (on the plan only because an answer is "Not sure") after them, and not before
    `wait_days`, so that the short question comes first."""
    tasks = [
        (group_of(item, set_up), n, item["id"]) for n, item in enumerate(items) if is_set_up(item)
    ]
    sure = sorted(t for t in tasks if t[2] not in waiting)
    later = sorted(t for t in tasks if t[2] in waiting)
    due: dict[str, dt.date] = {}
    for n, (_, _, ident) in enumerate(sure):
        due[ident] = today + dt.timedelta(days=n // set_up.per_day)
    start = max(-(-len(sure) // set_up.per_day), set_up.wait_days)
    for n, (_, _, ident) in enumerate(later):
        due[ident] = today + dt.timedelta(days=start + n // set_up.per_day)
    return due


def keep_pace(
    previous: Mapping[str, Any] | None, plan: dict[str, Any], set_up: SetUp, today: dt.date
) -> dict[str, Any]:
    """A re-plan's set-up, in place: a task already scheduled keeps its day (never later, and
    not earlier either, so that no day fills beyond `per_day`); a task new to the set-up takes
    the first day from today that has room, the new ones in the order the plan paced them.
    Returns `plan`."""
    if not previous:
        return plan
    before = {i["id"]: i["schedule"].get("due") for i in previous["items"] if is_set_up(i)}
    tasks = [i for i in plan["items"] if is_set_up(i)]
    booked: dict[str, int] = {}
    for item in tasks:
        if before.get(item["id"]):
            item["schedule"]["due"] = before[item["id"]]
            booked[before[item["id"]]] = booked.get(before[item["id"]], 0) + 1
    for item in sorted(
        (i for i in tasks if not before.get(i["id"])), key=lambda i: i["schedule"]["due"]
    ):
        day = today
        while booked.get(day.isoformat(), 0) >= set_up.per_day:
            day += dt.timedelta(days=1)
        item["schedule"]["due"] = day.isoformat()
        booked[day.isoformat()] = booked.get(day.isoformat(), 0) + 1
    return plan
