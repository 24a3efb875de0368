"""Helpers to build plans in tests and read them the way a person would."""

from __future__ import annotations

import datetime as dt
import functools
import re

from planner.plans.catalog import default_folder, load_catalog
from planner.plans.engine import build_plan

CATALOG = load_catalog(default_folder())
TODAY = dt.date(2026, 11, 22)


def plan_for(profile: dict, today: dt.date = TODAY) -> dict:
    return build_plan(profile, CATALOG, today)


def ids(plan: dict, domain: str | None = None) -> set[str]:
    return {i["id"] for i in plan["items"] if domain is None or i["domain"] == domain}


def excluded(plan: dict) -> dict[str, str]:
    return {e["id"]: e["reason"] for e in plan["excluded"]}


def item(plan: dict, item_id: str) -> dict:
    return next(i for i in plan["items"] if i["id"] == item_id)


def texts(entry: dict) -> str:
    """Everything a person reads of an item."""
    return " ".join([entry["title"], entry["detail"], *entry["why"]])


def dates_in(entry: dict) -> list[dt.date]:
    schedule = entry["schedule"]
    return [dt.date.fromisoformat(schedule[k]) for k in ("due", "from") if schedule.get(k)]


# Remembered per text: the property tests read the same few thousand texts in a hundred
# thousand plans, and the regular expressions were half their time.
@functools.lru_cache(maxsize=1 << 16)
def amounts_ml(text: str) -> tuple[int, ...]:
    """Every amount of fluid a text names, in ml (litres converted)."""
    found = [int(n.replace(",", "")) for n in re.findall(r"(\d[\d,]*)\s*(?:ml|mL|millilit)", text)]
    found += [
        int(float(n) * 1000) for n in re.findall(r"(\d+(?:\.\d+)?)\s*(?:l\b|L\b|litre|liter)", text)
    ]
    return tuple(found)
