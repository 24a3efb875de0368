"""The Spanish reads easily: the advice and the interface, measured with textstat's Spanish
measures (the same pinned textstat 0.7.8 as tests/test_readability.py; its Spanish syllables
come from Pyphen's bundled dictionary, nothing is downloaded).

- Fernández Huerta (FH, a Spanish Flesch reading ease): 70-80 "bastante fácil", 80-90 "fácil".
- Szigriszt-Pazos (SP, perspicuity; the INFLESZ scale): 65-80 "normal" to "bastante fácil".

A text of the advice is what a person reads as one piece, as in tests/test_readability.py, in
the Spanish the plan shows (placeholders filled for a Spanish reader). Each of 15 words or more
reads at FH >= 70 and SP >= 65; shorter ones are too short for a formula to mean much alone, so
they are measured together, per kind. The interface's words (messages.po) are measured the
same way with a lower floor for the pages of physiotherapists and reviewers, which name files
and formats.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import textstat
from babel.messages.pofile import read_po

from planner import i18n
from planner.plans.catalog import default_folder
from planner.plans.context import build_context
from planner.plans.translations import spoken_catalogs
from tests.plans import CATALOG
from tests.test_readability import PROFILE  # the same reader fills the English placeholders

EASY_FH, EASY_SP = 70, 65
INTERFACE_FH = 60
LONG = 15  # words
SPANISH = spoken_catalogs(default_folder(), CATALOG, i18n.languages())["es"]


@pytest.fixture(autouse=True)
def spanish_measures():
    textstat.set_lang("es")
    yield
    textstat.set_lang("en_US")


def _words() -> dict:
    with i18n.speaking("es"):
        return {**build_context(PROFILE, SPANISH, dt.date(2026, 11, 22)).words, "value": "2"}


def advice_texts() -> list[tuple[str, str, str]]:
    """(kind, where, text) for every piece of the Spanish advice, placeholders filled."""
    es = SPANISH
    out = [("item", i.id, f"{i.title.rstrip('.:')}. {i.detail} {i.why}") for i in es.items]
    out += [("warning", w.id, w.text) for w in es.warnings]
    out += [("rule", r.id, f"{r.daily_life or ''} {r.reason or ''}") for r in es.avoid_rules]
    out += [("movement", s, f"{m.no or ''}. {m.daily_life or ''}") for s, m in es.movements.items()]
    out.append(("fall_screen", "fall_screen", " ".join(q.text for q in es.fall_screen)))
    out += [("fact", f, " ".join(p.values())) for f, p in es.facts.items()]
    out += [("about", d, a["text"]) for d, a in es.about.items()]
    out += [("question", q.id, f"{q.question} {q.answer}") for q in es.questions]
    words = _words()
    return [(kind, where, text.format_map(words).strip(" .")) for kind, where, text in out]


def test_the_texts_measured_are_spanish():
    # Every text is a fresh translation (no English shown marked), so this measures Spanish.
    texts = advice_texts()
    assert len(texts) > 200
    assert not [where for _, where, text in texts if i18n.is_marked(text)]


def test_every_long_text_of_the_advice_reads_easily():
    too_hard = []
    for kind, where, text in advice_texts():
        if textstat.lexicon_count(text) < LONG:
            continue
        fh, sp = textstat.fernandez_huerta(text), textstat.szigriszt_pazos(text)
        if fh < EASY_FH or sp < EASY_SP:
            too_hard.append(f"{kind} {where}: FH {fh:.0f}, SP {sp:.0f}")
    assert not too_hard, "; ".join(too_hard)


def test_the_short_texts_of_the_advice_read_easily_together():
    kinds: dict[str, list[str]] = {}
    for kind, _, text in advice_texts():
        if text and textstat.lexicon_count(text) < LONG:
            kinds.setdefault(kind, []).append(text.rstrip(".") + ".")
    too_hard = []
    for kind, texts in kinds.items():
        joined = " ".join(texts)
        fh, sp = textstat.fernandez_huerta(joined), textstat.szigriszt_pazos(joined)
        if fh < EASY_FH or sp < EASY_SP:
            too_hard.append(f"{kind} ({len(texts)} short texts): FH {fh:.0f}, SP {sp:.0f}")
    assert not too_hard, "; ".join(too_hard)


def _interface() -> list[str]:
    """Every Spanish message, as read: markup, placeholders and names of files or commands
    taken out (they are names, not words a person has to read as prose)."""
    po = i18n.FOLDER / "es" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalogue = read_po(fh, locale="es")
    out = []
    for message in catalogue:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple | list) else [message.string]
        for text in forms:
            text = re.sub(r"<code>.*?</code>", "", text)
            text = re.sub(r"<[^>]+>", "", text)
            text = re.sub(r"%\(\w+\)s", "Ana", text)
            text = re.sub(r"\S+[./_]\S*[a-z]\S*", "", text)  # signature.yaml, checklists/...
            out.append(text)
    return out


def test_the_interface_reads_easily():
    messages = _interface()
    long = [m for m in messages if textstat.lexicon_count(m) >= LONG]
    hard = [
        f"FH {textstat.fernandez_huerta(m):.0f}: {m[:80]}"
        for m in long
        if textstat.fernandez_huerta(m) < INTERFACE_FH
    ]
    assert not hard, "; ".join(hard)
    whole = " ".join(m.rstrip(".:") + "." for m in messages if m.strip())
    assert textstat.fernandez_huerta(whole) >= 80 and textstat.szigriszt_pazos(whole) >= 75


def test_the_measures_tell_hard_spanish_from_plain():
    # A check that cannot fail proves nothing: dense Spanish scores below the floors.
    dense = (
        "La osteonecrosis mandibular asociada a bifosfonatos requiere una evaluación "
        "odontológica preventiva exhaustiva con anterioridad a la instauración farmacológica."
    )
    assert textstat.fernandez_huerta(dense) < EASY_FH
    assert textstat.szigriszt_pazos(dense) < EASY_SP
    plain = "Pida una cita con el dentista ahora. Dígaselo a su equipo."
    assert textstat.fernandez_huerta(plain) >= EASY_FH
    assert textstat.szigriszt_pazos(plain) >= EASY_SP
