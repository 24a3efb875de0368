"""A household's plan in the language of whoever reads it (planner/plans/localize.py).

The plan is stored once, in English. A reader in another language gets its words through the
`Words` of the plan version they read: worked out once per version, language and content, and
kept in the process (a few milliseconds each; Today's taps read them from here).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app, g

from planner import i18n
from planner.plans import localize
from planner.store import plans
from planner.web.db import get_db
from planner.web.i18n import catalog_for

KEPT = 512  # Words kept per process: a household's current version in each language read


def words(household_id: int, version: dict | None = None) -> localize.Words | None:
    """The words of the household's plan (`version`: a stored version, else the current one)
    in the language being spoken; None in English or when there is no plan."""
    lang = i18n.current()
    if lang == i18n.SOURCE:
        return None
    db = get_db()
    number = version["version"] if version else plans.current_version(db, household_id)
    if number is None:
        return None
    english = current_app.extensions["planner_catalog"]
    key = (household_id, number, lang, english.content_hash)
    kept: dict = current_app.extensions.setdefault("planner_words", {})
    found = kept.get(key)
    if found is None:
        version = version or plans.current_plan(db, household_id)
        if version is None:
            return None
        day = dt.date.fromisoformat(version["plan"]["generated_on"])
        found = localize.words(
            version["profile"], version["tailoring"], day, english, catalog_for(lang)
        )
        if len(kept) >= KEPT:
            kept.clear()
        kept[key] = found
    return found


def _household_id() -> int | None:
    household = g.get("household")
    return household["id"] if household else None


def item(entry: dict, household_id: int | None = None) -> dict:
    """One plan item or task as the reader reads it."""
    found = words(household_id or _household_id() or 0) if i18n.current() != i18n.SOURCE else None
    return found.item(entry) if found else entry


def items(entries: list[dict], household_id: int | None = None) -> list[dict]:
    """Plan items or tasks as the reader reads them."""
    if i18n.current() == i18n.SOURCE:
        return entries
    found = words(household_id or _household_id() or 0)
    return [found.item(e) for e in entries] if found else entries


def plan(stored: dict[str, Any], household_id: int | None = None, version: dict | None = None):
    """A whole stored plan as the reader reads it (`version`: the stored version it is)."""
    if i18n.current() == i18n.SOURCE:
        return stored
    found = words(household_id or _household_id() or 0, version)
    return found.plan(stored) if found else stored


def fresh(profile: dict, tailoring: dict | None, day: dt.date) -> localize.Words | None:
    """The words of a plan not stored yet (a preview), in the language being spoken."""
    lang = i18n.current()
    if lang == i18n.SOURCE:
        return None
    english = current_app.extensions["planner_catalog"]
    return localize.words(profile, tailoring, day, english, catalog_for(lang))


def diff(found: dict, new: localize.Words | None, old: localize.Words | None) -> dict:
    """A plan diff (planner/plans/plan_diff.py) as the reader reads it: the new plan's items in
    `new`'s words, the ones taken off in `old`'s."""
    if new is None and old is None:
        return found

    def said_new(entry: dict) -> dict:
        return new.item(entry) if new else entry

    def said_old(entry: dict) -> dict:
        return old.item(entry) if old else entry

    return {
        **found,
        "added": [said_new(i) for i in found["added"]],
        "removed": [said_old(i) for i in found["removed"]],
        "changed": [{**c, "item": said_new(c["item"])} for c in found["changed"]],
        "rules_added": [new.rule(a) if new else a for a in found["rules_added"]],
        "rules_removed": [old.rule(a) if old else a for a in found["rules_removed"]],
    }
