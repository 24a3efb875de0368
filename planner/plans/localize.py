"""A plan in the reader's language: each member reads the household's one plan in their own.

A plan is stored once, in English, as the engine made it. To show it in another language, the
same pure steps (engine and tailoring, `words_of`) are taken again twice from the plan's own
profile, tailoring and day: with the English catalog and with the language's catalog
(planner/plans/translations.py), which give the same items with the same ids, only the words
differing. A stored text takes the language's words only where it is exactly what the English
steps give now; anything else (a plan made from older advice, a text since changed) stays as
stored, whole and marked as English (planner/i18n.py). So a translation is never shown for words
the plan does not say, and never an old translation of changed advice. A physiotherapist's own
exercise keeps the words they wrote.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from planner.i18n import in_english, is_marked, translate
from planner.plans import overrides
from planner.plans.catalog_model import Catalog
from planner.plans.context import build_context
from planner.plans.engine import build_plan, exercise_library
from planner.plans.tailoring import CUSTOM_SOURCE, CUSTOM_WHY, apply_tailoring

# The words of each kind of entry of a plan that come from the advice.
ITEM_WORDS = ("title", "detail", "why", "ruled_out", "override_rules", "reason", "rules")
EXCLUDED_WORDS = ("title", "reason")
RULE_WORDS = ("title", "movements", "advice", "why")


def words_of(
    profile: dict[str, Any], tailoring: dict | None, catalog: Catalog, day: dt.date
) -> dict[str, Any]:
    """The plan `profile` and `tailoring` give on `day`, from `catalog` (in its language), with
    every exercise of the library as this profile has it (`library`: a physiotherapist adds
    from it, and a tailored plan holds some of them)."""
    ctx = build_context(profile, catalog, day)
    tailoring, _ = overrides.refresh(tailoring, catalog, ctx)
    lifted = overrides.lifted_ids(tailoring)
    plan = build_plan(profile, catalog, day, ctx, lifted)
    plan = apply_tailoring(plan, tailoring, profile, catalog, day, ctx)
    plan["library"] = exercise_library(profile, catalog, day, ctx, lifted)
    return plan


def _marked(value: Any) -> Any:
    if isinstance(value, str):
        return value if is_marked(value) else in_english(value)
    if isinstance(value, list):
        return [_marked(v) for v in value]
    return value


def _entry(stored: dict, english: dict | None, spoken: dict | None, names: tuple) -> dict:
    """One entry's words: the language's where the stored words are the English steps' now."""
    out = dict(stored)
    for name in names:
        if name not in stored or not stored[name]:
            continue
        if english is not None and spoken is not None and stored[name] == english.get(name):
            out[name] = spoken.get(name, stored[name])
        else:
            out[name] = _marked(stored[name])
    return out


class Words:
    """The words of one stored plan in one language, by entry."""

    def __init__(self, english: dict[str, Any], spoken: dict[str, Any], lang: str):
        self.lang = lang
        self.english = english
        self.spoken = spoken
        self._items = (
            _by_id(english.get("library", []) + english["items"]),
            _by_id(spoken.get("library", []) + spoken["items"]),
        )
        self._excluded = (_by_id(english["excluded"]), _by_id(spoken["excluded"]))
        self._rules = (
            _by_id(english.get("avoid_in_daily_life", []) + english.get("lifted", [])),
            _by_id(spoken.get("avoid_in_daily_life", []) + spoken.get("lifted", [])),
        )

    def item(self, stored: dict) -> dict:
        """A plan item or task (stored dict) in the language."""
        if stored.get("custom"):  # a physiotherapist's own exercise: their words
            out = dict(stored)
            if out.get("why") == [CUSTOM_WHY]:
                out["why"] = [translate(self.lang, CUSTOM_WHY)]
            if out.get("sources") == [CUSTOM_SOURCE]:
                out["sources"] = [translate(self.lang, CUSTOM_SOURCE)]
            return out
        english, spoken = self._items
        ident = str(stored.get("id", ""))
        return _entry(stored, english.get(ident), spoken.get(ident), ITEM_WORDS)

    def excluded(self, stored: dict) -> dict:
        english, spoken = self._excluded
        ident = str(stored.get("id", ""))
        return _entry(stored, english.get(ident), spoken.get(ident), EXCLUDED_WORDS)

    def rule(self, stored: dict) -> dict:
        english, spoken = self._rules
        ident = str(stored.get("id", ""))
        return _entry(stored, english.get(ident), spoken.get(ident), RULE_WORDS)

    def warnings(self, stored: list[str]) -> list[str]:
        if stored == self.english["warnings"]:
            return list(self.spoken["warnings"])
        return _marked(list(stored))

    def about(self, stored: dict) -> dict:
        """Each domain's shared why."""
        out = {}
        for domain, about in stored.items():
            english = self.english.get("about", {}).get(domain)
            spoken = self.spoken.get("about", {}).get(domain)
            same = english is not None and spoken is not None and about == english
            out[domain] = spoken if same else {**about, "text": _marked(about["text"])}
        return out

    def plan(self, stored: dict[str, Any]) -> dict[str, Any]:
        """A whole stored plan in the language."""
        plan = copy.copy(stored)
        plan["items"] = [self.item(i) for i in stored["items"]]
        plan["excluded"] = [self.excluded(e) for e in stored.get("excluded", [])]
        plan["warnings"] = self.warnings(stored.get("warnings", []))
        plan["avoid_in_daily_life"] = [self.rule(r) for r in stored.get("avoid_in_daily_life", [])]
        if "lifted" in stored:
            plan["lifted"] = [self.rule(r) for r in stored["lifted"]]
        plan["about"] = self.about(stored.get("about", {}))
        return plan


def _by_id(entries: list[dict]) -> dict[str, dict]:
    return {e["id"]: e for e in entries if "id" in e}


def words(
    profile: dict[str, Any],
    tailoring: dict | None,
    day: dt.date,
    english: Catalog,
    spoken: Catalog,
) -> Words:
    """The words of a plan made from `profile` and `tailoring` on `day`, in `spoken`'s
    language (`english`: the catalog the plan was made from)."""
    return Words(
        words_of(profile, tailoring, english, day),
        words_of(profile, tailoring, spoken, day),
        getattr(spoken, "language", "en"),
    )
