"""The language the planner speaks, in one place: which languages there are, the words of each,
and dates, times and numbers in each one's own way.

The interface's words are gettext catalogues under planner/translations/ (`messages.pot`
extracted with pybabel; `<lang>/LC_MESSAGES/messages.po` per language). A language is offered
when its folder holds a messages.po: adding one is a folder of files, no code. Each catalogue
is compiled in memory the first time it is used (Babel's read_po and write_mo), so there is no
.mo file to build, forget or let go stale: a fresh clone, `pip install .` and an editable
install read the same .po files.

Who is spoken to is set at the edge, like the clock's moment: the web request (the person's
choice, planner/web/i18n.py), a mail being written for its reader, `planner plan --lang`.
`speaking(lang)` sets it for a block; everything that says words reads it through `gettext`.
English is the source language: its words are the msgids themselves.

A text of the advice shown in another language's page because its translation is missing or
stale (checklists/translations/) stays English whole, never mixed inside a sentence; it is
wrapped in two private-use characters (`in_english`) that survive joining and formatting, and
each way out turns them into what its reader needs: a lang="en" span and a note on a web page
(planner/web/templating.py), the same note in words in plain text (`plain`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

SOURCE = "en"
FOLDER = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"
# English as the planner has always written it: "Sunday 22 November", "13 December 2026".
SOURCE_LOCALE = "en_GB"

_speaking: ContextVar[str] = ContextVar("planner_language", default=SOURCE)


def N_(message: str) -> str:
    """Mark a text for the catalogue where it is written (a module constant); it is translated
    where it is said, with gettext(CONSTANT)."""
    return message


@functools.cache
def languages() -> tuple[str, ...]:
    """Every language the planner speaks: English, then each folder of planner/translations/
    that holds a catalogue, in name order."""
    found = sorted(
        p.name
        for p in FOLDER.iterdir()
        if p.is_dir() and (p / "LC_MESSAGES" / f"{DOMAIN}.po").exists()
    )
    return (SOURCE, *[lang for lang in found if lang != SOURCE])


def offered(lang: str | None) -> str | None:
    """`lang` if the planner speaks it (a tag like "es-MX" is read as its language "es"), else
    None."""
    if not lang:
        return None
    lang = lang.strip().replace("-", "_")
    if lang in languages():
        return lang
    base = lang.split("_")[0].lower()
    return base if base in languages() else None


@functools.cache
def translations(lang: str) -> NullTranslations:
    """The catalogue of `lang`, compiled from its .po in memory (fuzzy entries left out, as
    gettext does); English and an unknown language say the msgids as written."""
    po = FOLDER / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == SOURCE or not po.exists():
        return NullTranslations()
    with po.open("rb") as fh:
        catalogue = read_po(fh, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


def current() -> str:
    """The language being spoken now."""
    return _speaking.get()


@contextlib.contextmanager
def speaking(lang: str | None) -> Iterator[str]:
    """Speak `lang` (English if the planner does not speak it) inside the block."""
    chosen = offered(lang) or SOURCE
    token = _speaking.set(chosen)
    try:
        yield chosen
    finally:
        _speaking.reset(token)


def set_current(lang: str | None) -> str:
    """Speak `lang` from now on in this context (a web request: planner/web/i18n.py sets it at
    the start of every request, so nothing carries over from the last one)."""
    chosen = offered(lang) or SOURCE
    _speaking.set(chosen)
    return chosen


def gettext(message: str, **variables: object) -> str:
    """`message` in the current language; `%(name)s` filled from `variables`."""
    said = translations(current()).ugettext(message)
    return said % variables if variables else said


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    """The singular or plural form for `n`, in the current language's plural rules; `%(num)s`
    is n."""
    said = translations(current()).ungettext(singular, plural, n)
    return said % {"num": n, **variables}


def translate(lang: str, message: str) -> str:
    """`message` in `lang`, whatever is being spoken now (the words of a plan built in a
    language: planner/plans/context.py)."""
    return translations(offered(lang) or SOURCE).ugettext(message)


_ = gettext


def locale(lang: str | None = None) -> Locale:
    """The Babel locale that formats dates and numbers for `lang` (the current language)."""
    lang = lang or current()
    try:
        return Locale.parse(SOURCE_LOCALE if lang == SOURCE else lang)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE_LOCALE)


def name_of(lang: str) -> str:
    """A language as it names itself ("English", "Español"), for the language menu."""
    try:
        name = Locale.parse(lang).get_display_name(lang) or lang
    except (UnknownLocaleError, ValueError):
        return lang
    return name[:1].upper() + name[1:]


# The date patterns (CLDR) are words of the catalogue too: each language writes its dates its
# own way ("Sunday 22 November", "domingo 22 de noviembre").
DAY_PATTERNS = {
    (True, False): N_("EEEE d MMMM"),
    (True, True): N_("EEEE d MMMM y"),
    (False, False): N_("d MMMM"),
    (False, True): N_("d MMMM y"),
}


def day_words(day: dt.date, weekday: bool = True, year: bool = False, lang: str = "") -> str:
    """'Sunday 22 November' (optionally with the year), in the current language or `lang`,
    whatever the machine's locale."""
    lang = lang or current()
    pattern = translate(lang, DAY_PATTERNS[(weekday, year)])
    return format_date(day, pattern, locale=locale(lang))


def weekday_name(day: dt.date) -> str:
    """The day of the week, in the current language ("Tuesday", "martes")."""
    return format_date(day, "EEEE", locale=locale())


def time_words(moment: dt.time | dt.datetime) -> str:
    """A time of day as the current language writes it ("14:05")."""
    return format_time(moment, translate(current(), N_("HH:mm")), locale=locale())


def number(value: float | int) -> str:
    """A number as the current language writes it ("1,500", "1500")."""
    return format_decimal(value, locale=locale())


# Advice shown in English on another language's page (see the module's docstring).
EN_OPEN = "\ue000"
EN_CLOSE = "\ue001"
NOT_TRANSLATED = N_("(in English: not yet translated)")


def in_english(text: str) -> str:
    """Mark a text of the advice as English shown on another language's page."""
    return f"{EN_OPEN}{text}{EN_CLOSE}" if text else text


def is_marked(text: object) -> bool:
    return isinstance(text, str) and EN_OPEN in text


def segments(text: str) -> list[tuple[str, bool]]:
    """The text in runs: (words, whether they are English shown on another language's page)."""
    out: list[tuple[str, bool]] = []
    rest = text
    while rest:
        start = rest.find(EN_OPEN)
        if start < 0:
            out.append((rest, False))
            break
        if start:
            out.append((rest[:start], False))
        end = rest.find(EN_CLOSE, start)
        end = len(rest) if end < 0 else end
        out.append((rest[start + 1 : end], True))
        rest = rest[end + 1 :]
    return [(words, english) for words, english in out if words]


def plain(text: str) -> str:
    """A text for a reader of plain text (a mail, a calendar, a terminal): English runs say
    so after themselves, in the page's language."""
    if not is_marked(text):
        return text
    note = gettext(NOT_TRANSLATED)
    return "".join(f"{words} {note}" if english else words for words, english in segments(text))


def unmarked(text: str) -> str:
    """The words alone, without the marks (comparisons, and machine-read exports)."""
    return text.replace(EN_OPEN, "").replace(EN_CLOSE, "") if is_marked(text) else text


def plain_all(value: object) -> object:
    """`plain` through a whole plan (lists and mappings), for JSON written for programs."""
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, list):
        return [plain_all(v) for v in value]
    if isinstance(value, dict):
        return {k: plain_all(v) for k, v in value.items()}
    return value


class Said(Mapping):
    """A table of words kept in a module (labels, the names of states): its texts are msgids
    marked with N_, and each read says them in the current language, so the table is written
    once and read in whichever language is being spoken."""

    def __init__(self, data: Mapping) -> None:
        self._data = dict(data)

    def __getitem__(self, key: object) -> Any:
        return _said(self._data[key])

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def english(self) -> dict:
        """The table as written, in English (for a text shown in English on another
        language's page, so that no sentence is mixed)."""
        return dict(self._data)


def _said(value: object) -> object:
    if isinstance(value, str):
        return gettext(value)
    if isinstance(value, tuple):
        return tuple(_said(v) for v in value)
    return value
