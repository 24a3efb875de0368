"""The advice in other languages: checklists/translations/<lang>/*.yaml, beside the English.

Every text of the advice a person reads (an item's title, detail and why, a warning, a domain's
shared why, a movement and a movement rule, a Stay Independent question, a fact's sentence, a
bone medicine's name, a clinical question and its answer) has a path, and a translation file
holds, under that path, the text in the language and the hash of the English it was made from:

    items:
      stairs-rails-both-sides:
        title:
          from: 1f0c2d3e4a5b        # planner check-content --stamp writes it
          text: Ponga pasamanos a los dos lados de la escalera

A translation is *fresh* while its English is still the English it was made from; *stale*
once the English changed; *missing* when there is none. Only a fresh one is ever shown: for a
stale or missing one the plan says the English, whole and marked (planner/i18n.py), so an old
translation of changed safety advice is never shown. Which file of the language's folder a path
is written in is up to the translator (one per file of checklists/ reads best).

`review.yaml` in the folder records the clinician who checked the translation against the
English and when, with the hash of the texts they checked: until then, or once a text changed
after it, the app says the translation is not yet reviewed by a clinician.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.i18n import in_english
from planner.plans import yaml_read
from planner.plans.catalog import UNREADABLE
from planner.plans.catalog_model import Catalog

HASH_LENGTH = 12
FOLDER_NAME = "translations"
REVIEW_FILE = "review.yaml"
Path_ = tuple[Any, ...]
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
LANG = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")


def text_hash(text: str) -> str:
    """What a translation records of the English it was made from."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:HASH_LENGTH]


def path_words(path: Path_) -> str:
    """A path as people read it: items.stairs-rails-both-sides.title."""
    return ".".join(("true" if p else "false") if isinstance(p, bool) else str(p) for p in path)


def english_texts(catalog: Catalog) -> dict[Path_, str]:
    """Every text of the advice a person reads, by its path, in the catalog's order."""
    out: dict[Path_, str] = {}
    for domain, about in catalog.about.items():
        out[("about", domain)] = about["text"]
    for item in catalog.items:
        for name in ("title", "detail", "why"):
            out[("items", item.id, name)] = getattr(item, name)
    for warning in catalog.warnings:
        out[("warnings", warning.id)] = warning.text
    for slug, movement in catalog.movements.items():
        for name in ("label", "no", "daily_life", "both"):
            if getattr(movement, name):
                out[("movements", slug, name)] = getattr(movement, name)
    for rule in catalog.avoid_rules:
        for name in ("title", "daily_life", "reason"):
            if getattr(rule, name):
                out[("avoid_rules", rule.id, name)] = getattr(rule, name)
    for number, screen in enumerate(catalog.fall_screen, start=1):
        out[("fall_screen", number)] = screen.text
    for fact, phrases in catalog.facts.items():
        for key, phrase in phrases.items():
            out[("facts", fact, key)] = phrase
    for ident, agent in catalog.agents.items():
        out[("agents", ident)] = agent.name
    for question in catalog.questions:
        out[("questions", question.id, "question")] = question.question
        out[("questions", question.id, "answer")] = question.answer
    return out


@dataclass(frozen=True)
class Entry:
    text: str | None  # None: written down to be translated, not translated yet
    source: str | None  # the hash of the English it was made from (`from:`)
    file: str


@dataclass(frozen=True)
class Review:
    by: str | None = None
    on: dt.date | None = None
    texts: str | None = None  # the hash of the translated texts the reviewer checked


@dataclass(frozen=True)
class Status:
    fresh: list[Path_]
    stale: list[Path_]
    missing: list[Path_]
    orphaned: list[Path_]  # translated texts the advice no longer has (to delete)


@dataclass(frozen=True)
class Translation:
    """One language's translation of the advice."""

    language: str
    entries: dict[Path_, Entry]
    review: Review = Review()

    @property
    def texts_hash(self) -> str:
        """A hash of every translated text with its path: what a review covers."""
        digest = hashlib.sha256()
        for path in sorted(self.entries, key=path_words):
            entry = self.entries[path]
            digest.update(f"{path_words(path)}\0{entry.text or ''}\0".encode())
        return digest.hexdigest()[:HASH_LENGTH]

    @property
    def reviewed(self) -> bool:
        """Whether a clinician's review is on record for the texts as they are now."""
        return bool(self.review.by and self.review.on and self.review.texts == self.texts_hash)

    def status(self, english: dict[Path_, str]) -> Status:
        fresh, stale, missing = [], [], []
        for path, text in english.items():
            entry = self.entries.get(path)
            if entry is None or not entry.text:
                missing.append(path)
            elif entry.source != text_hash(text):
                stale.append(path)
            else:
                fresh.append(path)
        orphaned = [path for path in self.entries if path not in english]
        return Status(fresh, stale, missing, orphaned)


def _leaves(node: Any, path: Path_, out: list[tuple[Path_, Any]]) -> None:
    """The {from, text} mappings of a file, each with its path."""
    if isinstance(node, dict) and ("text" in node or "from" in node):
        out.append((path, node))
    elif isinstance(node, dict):
        for key, child in node.items():
            _leaves(child, (*path, key), out)
    else:
        out.append((path, node))


def _review(raw: Any, where: str, problems: list[str]) -> Review:
    if raw is None:
        return Review()
    keys = {"reviewed_by", "reviewed_on", "reviewed_texts"}
    if not isinstance(raw, dict) or set(raw) - keys:
        problems.append(f"{where}: has reviewed_by, reviewed_on and reviewed_texts, nothing else")
        return Review()
    on = raw.get("reviewed_on")
    if on is not None and not isinstance(on, dt.date):
        problems.append(f"{where}: reviewed_on must be a date (YYYY-MM-DD)")
        on = None
    by = raw.get("reviewed_by")
    return Review(str(by) if by else None, on, raw.get("reviewed_texts") or None)


def _entry(
    node: Any, path: Path_, where: str, english: dict[Path_, str], problems: list[str]
) -> Entry | None:
    """One translated text. A text the advice no longer has, or one whose English changed
    since, is not a fault of the file (the English moved on): it is stale or orphaned, listed
    by check-content and never shown. What the translator wrote wrongly is a problem."""
    if not isinstance(node, dict) or set(node) - {"from", "text", "note"}:
        problems.append(f"{where}: {path_words(path)} must be a mapping of from, text (and note)")
        return None
    text, source = node.get("text"), node.get("from")
    if text is not None and (not isinstance(text, str) or not text.strip()):
        problems.append(f"{where}: {path_words(path)}: text must be text (or null: to do)")
        return None
    if source is not None and not re.fullmatch(rf"[0-9a-f]{{{HASH_LENGTH}}}", str(source)):
        problems.append(
            f"{where}: {path_words(path)}: from must be the {HASH_LENGTH}-character hash"
            " planner check-content --stamp writes"
        )
        source = None
    if text:
        fresh = path in english and source == text_hash(english[path])
        wanted = set(PLACEHOLDER.findall(english[path])) if fresh else set()
        found = set(PLACEHOLDER.findall(text))
        if fresh and found != wanted:
            problems.append(
                f"{where}: {path_words(path)}: uses the words to fill in "
                f"{{{', '.join(sorted(found)) or 'none'}}} where the English uses "
                f"{{{', '.join(sorted(wanted)) or 'none'}}}"
            )
            return None
        text = text.strip()
    return Entry(text or None, str(source) if source else None, where)


def unreadable(where: str, exc: Exception) -> str:
    """The problem of a file that cannot be read as YAML, with the first line of why."""
    return f"{where}: cannot be read as YAML ({str(exc).splitlines()[0]})"


def read_translation(folder: Path, english: dict[Path_, str]) -> tuple[Translation, list[str]]:
    """One language's folder, and what is wrong with it (each problem names file and path)."""
    problems: list[str] = []
    entries: dict[Path_, Entry] = {}
    review = Review()
    for file in sorted(folder.glob("*.yaml")):
        where = f"{FOLDER_NAME}/{folder.name}/{file.name}"
        try:
            raw = yaml_read.safe_load(file.read_text(encoding="utf-8"))
        except UNREADABLE as exc:
            problems.append(unreadable(where, exc))
            continue
        if file.name == REVIEW_FILE:
            review = _review(raw, where, problems)
            continue
        if raw is not None and not isinstance(raw, dict):
            problems.append(
                f"{where}: must be a mapping of sections (items:, warnings:, ...), each text a "
                "mapping of from and text"
            )
            continue
        leaves: list[tuple[Path_, Any]] = []
        _leaves(raw or {}, (), leaves)
        for path, node in leaves:
            if path in entries:
                problems.append(f"{where}: {path_words(path)} is also in {entries[path].file}")
                continue
            entry = _entry(node, path, where, english, problems)
            if entry is not None:
                entries[path] = entry
    return Translation(folder.name, entries, review), problems


def read_translations(folder: Path, catalog: Catalog) -> tuple[dict[str, Translation], list[str]]:
    """Every language of checklists/translations/ (a folder each), and every problem."""
    english = english_texts(catalog)
    out: dict[str, Translation] = {}
    problems: list[str] = []
    root = Path(folder) / FOLDER_NAME
    for lang_folder in sorted(p for p in root.glob("*") if p.is_dir()) if root.is_dir() else []:
        if not LANG.match(lang_folder.name):
            problems.append(f"{FOLDER_NAME}/{lang_folder.name}: is not a language code like es")
            continue
        translation, found = read_translation(lang_folder, english)
        out[lang_folder.name] = translation
        problems.extend(found)
    return out, problems


@dataclass(frozen=True)
class SpokenCatalog(Catalog):
    """The catalog with every text in one language: fresh translations, else the English
    marked as such. Everything else (ids, conditions, schedules, sources) is the catalog's own,
    so a plan made from it has the same items as the English plan; only the words differ."""

    language: str = "en"
    source: Catalog | None = field(default=None, compare=False, repr=False)
    reviewed: bool = False


def spoken(catalog: Catalog, translation: Translation) -> SpokenCatalog:
    """The catalog in `translation`'s language."""

    def say(path: Path_, english: str | None) -> str | None:
        if not english:
            return english
        entry = translation.entries.get(path)
        if entry and entry.text and entry.source == text_hash(english):
            return entry.text
        return in_english(english)

    replace = dataclasses.replace
    items = tuple(
        replace(
            item,
            title=say(("items", item.id, "title"), item.title),
            detail=say(("items", item.id, "detail"), item.detail),
            why=say(("items", item.id, "why"), item.why),
        )
        for item in catalog.items
    )
    warnings = tuple(replace(w, text=say(("warnings", w.id), w.text)) for w in catalog.warnings)
    movements = {
        slug: replace(
            m,
            label=say(("movements", slug, "label"), m.label),
            no=say(("movements", slug, "no"), m.no),
            daily_life=say(("movements", slug, "daily_life"), m.daily_life),
            both=say(("movements", slug, "both"), m.both),
        )
        for slug, m in catalog.movements.items()
    }
    rules = tuple(
        replace(
            r,
            title=say(("avoid_rules", r.id, "title"), r.title),
            daily_life=say(("avoid_rules", r.id, "daily_life"), r.daily_life),
            reason=say(("avoid_rules", r.id, "reason"), r.reason),
        )
        for r in catalog.avoid_rules
    )
    screen = tuple(
        replace(q, text=say(("fall_screen", n), q.text))
        for n, q in enumerate(catalog.fall_screen, start=1)
    )
    facts = {
        fact: {key: say(("facts", fact, key), phrase) for key, phrase in phrases.items()}
        for fact, phrases in catalog.facts.items()
    }
    agents = {
        ident: replace(agent, name=say(("agents", ident), agent.name))
        for ident, agent in catalog.agents.items()
    }
    about = {
        domain: {**about, "text": say(("about", domain), about["text"])}
        for domain, about in catalog.about.items()
    }
    questions = tuple(
        replace(
            q,
            question=say(("questions", q.id, "question"), q.question),
            answer=say(("questions", q.id, "answer"), q.answer),
        )
        for q in catalog.questions
    )
    fields = {f.name: getattr(catalog, f.name) for f in dataclasses.fields(Catalog)}
    fields.update(
        items=items,
        warnings=warnings,
        movements=movements,
        avoid_rules=rules,
        fall_screen=screen,
        facts=facts,
        agents=agents,
        about=about,
        questions=questions,
    )
    return SpokenCatalog(
        **fields,
        language=translation.language,
        source=catalog,
        reviewed=translation.reviewed,
    )


class TranslationError(ValueError):
    """A translation file is invalid; `problems` names each file and path."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def spoken_catalogs(
    folder: Path, catalog: Catalog, languages: tuple[str, ...]
) -> dict[str, SpokenCatalog]:
    """The catalog in each of `languages` but English (one without a translation of the advice
    says it all in English, marked); TranslationError if a translation file is invalid."""
    translations, problems = read_translations(folder, catalog)
    if problems:
        raise TranslationError(problems)
    return {
        lang: spoken(catalog, translations.get(lang) or Translation(lang, {}))
        for lang in languages
        if lang != "en"
    }
