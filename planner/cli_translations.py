"""What `planner check-content` says of the languages, and its two helpers for translators:
`--stamp LANG` (record the English each new translation was made from) and `--start LANG`
(write the files of a new language, every text to translate with its English beside it).

planner/cli.py calls these; the reading and checking is planner/plans/translations.py's."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import click
import yaml
from babel.messages.pofile import read_po

from planner import i18n
from planner.plans import yaml_read
from planner.plans.catalog_model import Catalog
from planner.plans.translations import (
    FOLDER_NAME,
    LANG,
    REVIEW_FILE,
    UNREADABLE,
    Path_,
    Translation,
    english_texts,
    path_words,
    read_translations,
    text_hash,
    unreadable,
)


def _interface(lang: str) -> tuple[int, list[str]]:
    """How many messages the language's interface catalogue has, and the ones not translated
    (empty or fuzzy)."""
    po = i18n.FOLDER / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    with po.open("rb") as fh:
        catalogue = read_po(fh, locale=lang)
    messages = [m for m in catalogue if m.id]
    todo = [
        m.id if isinstance(m.id, str) else m.id[0]
        for m in messages
        if m.fuzzy or not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    return len(messages), todo


def report_translations(catalog: Catalog, folder: Path) -> None:
    """Each language: its interface catalogue and its translation of the advice, with every
    stale and missing text named (they show in English, marked, until translated). A file that
    cannot be read, a path that is not a text of the advice, or words to fill in that differ
    from the English fail the check (exit 1)."""
    translations, problems = read_translations(folder, catalog)
    english = english_texts(catalog)
    for lang in sorted(set(translations) | set(i18n.languages()) - {i18n.SOURCE}):
        name = f"{lang} ({i18n.name_of(lang)})"
        if lang not in i18n.languages():
            click.echo(f"{name}: advice translated, but no interface catalogue: not offered")
        else:
            total, todo = _interface(lang)
            click.echo(f"{name}: interface: {total - len(todo)} of {total} messages translated")
            for message in todo:
                click.echo(f"  not translated: {message!r}")
        translation = translations.get(lang) or Translation(lang, {})
        _report(translation, english, name)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)


def _report(translation: Translation, english: dict[Path_, str], name: str) -> None:
    status = translation.status(english)
    review = translation.review
    if translation.reviewed:
        reviewed = f"reviewed by {review.by} on {review.on}"
    elif review.by:
        reviewed = (
            f"not yet reviewed by a clinician: changed since {review.by} reviewed it; "
            f"to record a new review, reviewed_texts: {translation.texts_hash}"
        )
    else:
        reviewed = (
            "not yet reviewed by a clinician (a review records reviewed_by, reviewed_on and "
            f"reviewed_texts: {translation.texts_hash} in {REVIEW_FILE})"
        )
    click.echo(
        f"{name}: advice: {len(english)} texts: {len(status.fresh)} up to date, "
        f"{len(status.stale)} stale, {len(status.missing)} missing; {reviewed}"
    )
    for path in status.stale:
        click.echo(
            f"  stale (the English changed; shown in English until the text is redone and "
            f"its from: is {text_hash(english[path])}): {path_words(path)}"
        )
    for path in status.missing:
        click.echo(f"  missing (shown in English): {path_words(path)}")
    for path in status.orphaned:
        click.echo(f"  no longer in the advice (delete it): {path_words(path)}")


def _unstamped(node: Any, path: Path_, out: list[tuple[Path_, Any]]) -> None:
    """The {text} mappings of a composed YAML file that have a text but no `from:`."""
    if not isinstance(node, yaml.MappingNode):
        return
    keys = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    if "text" in keys:
        text_key, text_value = keys["text"]
        if "from" not in keys and text_value.tag != "tag:yaml.org,2002:null":
            out.append((path, text_key))
        return
    for key, value in node.value:
        # A key as safe_load reads it ("true" is True, "1" is 1), unless it was quoted.
        name = key.value if key.style in ("'", '"') else yaml.safe_load(key.value)
        _unstamped(value, (*path, name), out)


def _language_folder(folder: Path, lang: str, option: str, exists: bool) -> Path:
    """The folder of `lang`'s translation of the advice; exit 2 naming what is wrong with
    `lang` (a code that is not a language's could name a folder anywhere) or, with `exists`,
    that there is no such folder."""
    problem = None
    if not LANG.fullmatch(lang):
        problem = f"{option}: '{lang}' is not a language code like es or pt_BR"
    elif exists and not (folder / FOLDER_NAME / lang).is_dir():
        problem = f"{option}: {FOLDER_NAME}/{lang} does not exist (--start {lang} writes it)"
    if problem:
        click.echo(problem, err=True)
        raise SystemExit(2)
    return folder / FOLDER_NAME / lang


def stamp(catalog: Catalog, folder: Path, lang: str) -> int:
    """Write `from:` (the hash of the English as it is now) before every translated text of
    `lang` that has none; return how many. A stale text keeps its old `from:`: the translator
    redoes the text, deletes that line and stamps again. A file that cannot be read as YAML
    stops it before any file is written (exit 1)."""
    english = english_texts(catalog)
    read: list[tuple[Path, str, yaml.Node | None]] = []
    problems: list[str] = []
    for file in sorted(_language_folder(folder, lang, "--stamp", exists=True).glob("*.yaml")):
        if file.name == REVIEW_FILE:
            continue
        try:
            text = file.read_text(encoding="utf-8")
            yaml_read.safe_load(text)  # refuses what check-content refuses, e.g. a list as a key
            read.append((file, text, yaml.compose(text)))
        except UNREADABLE as exc:
            problems.append(unreadable(f"{FOLDER_NAME}/{lang}/{file.name}", exc))
    for problem in problems:
        click.echo(f"{problem}: nothing stamped", err=True)
    if problems:
        raise SystemExit(1)
    count = 0
    for file, text, node in read:
        lines = text.splitlines(keepends=True)
        found: list[tuple[Path_, Any]] = []
        _unstamped(node, (), found)
        for path, key in sorted(found, key=lambda f: -f[1].start_mark.line):
            if path in english:
                line = " " * key.start_mark.column + f"from: {text_hash(english[path])}\n"
                lines.insert(key.start_mark.line, line)
                count += 1
        file.write_text("".join(lines), encoding="utf-8")
    return count


def _file_of(path: Path_, catalog: Catalog) -> str:
    """The file of checklists/ a text is written in, whose name its translation takes."""
    section = path[0]
    if section == "items":
        item = catalog.item(path[1])
        return f"{item.domain}.yaml" if item else "items.yaml"
    if section == "warnings":
        warning = next((w for w in catalog.warnings if w.id == path[1]), None)
        return f"{getattr(warning, 'domain', '') or 'warnings'}.yaml"
    if section == "about":
        return f"{path[1]}.yaml"
    if section in ("movements", "avoid_rules"):
        return "exercise.yaml"
    if section == "fall_screen":
        return "home-safety.yaml"
    return f"{section}.yaml"


def _key(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True).strip().removesuffix("...").strip()


def start(catalog: Catalog, folder: Path, lang: str) -> list[Path]:
    """Write the files of a new language: every text of the advice not yet in its folder, with
    the English as a comment above `text: null`, by the file of checklists/ it comes from.
    Refuses a file that exists (its texts are listed by check-content as missing instead)."""
    english = english_texts(catalog)
    target = _language_folder(folder, lang, "--start", exists=False)
    translations, _ = read_translations(folder, catalog)
    have = set(translations[lang].entries) if lang in translations else set()
    files: dict[str, list[Path_]] = {}
    for path in english:
        if path not in have:
            files.setdefault(_file_of(path, catalog), []).append(path)
    written = []
    target.mkdir(parents=True, exist_ok=True)
    for name, paths in files.items():
        out = target / name
        if out.exists():
            continue
        lines = [
            f"# {i18n.name_of(lang)} of checklists/{name}. Write each text in place of null,",
            "# then run: planner check-content --stamp " + lang,
        ]
        opened: list[str] = []
        for path in paths:
            keys = [_key(p) for p in path]
            common = 0
            while common < min(len(opened), len(keys)) and opened[common] == keys[common]:
                common += 1
            for depth in range(common, len(keys)):
                lines.append("  " * depth + f"{keys[depth]}:")
            opened = keys
            indent = "  " * len(keys)
            for line in textwrap.wrap(english[path], 96 - len(indent)):
                lines.append(f"{indent}# {line}")
            lines.append(f"{indent}text: null")
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        written.append(out)
    review = target / REVIEW_FILE
    if not review.exists():
        review.write_text(
            "# The clinician who checked this translation against the English, when, and the\n"
            "# hash of the texts they checked (planner check-content prints it). Until all three\n"
            "# are recorded, the app says the translation is not yet reviewed by a clinician.\n"
            "reviewed_by: null\nreviewed_on: null\nreviewed_texts: null\n",
            encoding="utf-8",
        )
        written.append(review)
    return written
