"""The engine's safety holds in Spanish (issue 24, point 5): for the same random profiles as
tests/test_clinical_properties.py, the plan made from the Spanish catalog is the English plan
with only its words changed: the same items in the same order, the same schedules, amounts,
dates, exclusions, movement rules and warnings; every Spanish text filled in (no placeholder
left) and translated (none shown in English); each text names the same amounts of fluid, so no
limit is ever passed in one language and kept in the other; and the printed text still starts
with the emergency number and the red flags.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import re

import pytest

from planner import i18n
from planner.plans.catalog import default_folder
from planner.plans.domains import LABELS
from planner.plans.engine import build_plan
from planner.plans.printout import render_text
from planner.plans.translations import spoken_catalogs
from tests.plans import CATALOG, amounts_ml
from tests.test_clinical_properties import TODAY, _check_red_flags, _profile

N = 2_000
CHUNKS = 2
SPANISH = spoken_catalogs(default_folder(), CATALOG, i18n.languages())["es"]
# The only parts of a plan that are words (by their keys): everything else is the same data.
WORDS = {
    ("about", "text"),
    ("avoid_in_daily_life", "advice"),
    ("avoid_in_daily_life", "movements"),
    ("avoid_in_daily_life", "title"),
    ("avoid_in_daily_life", "why"),
    ("excluded", "reason"),
    ("excluded", "title"),
    ("items", "detail"),
    ("items", "title"),
    ("items", "why"),
    ("warnings",),
}


def spanish_amounts(text: str) -> list[int]:
    """Every amount of fluid a Spanish text names, in ml ("1200 ml", "1,5 litros")."""
    found = [
        int(n.replace(".", "")) for n in re.findall(r"(\d[\d.]*\d|\d)\s*(?:ml\b|mililitro)", text)
    ]
    found += [
        int(float(n.replace(",", ".")) * 1000)
        for n in re.findall(r"(\d+(?:,\d+)?)\s*(?:l\b|litro)", text)
    ]
    return found


def _compare(english, spanish, path: tuple, differ: list) -> None:
    """Walk both plans together: the same shape, the same data; where a text differs, its
    place must be one of WORDS."""
    assert type(english) is type(spanish), path
    if isinstance(english, dict):
        assert english.keys() == spanish.keys(), path
        for key in english:
            _compare(english[key], spanish[key], (*path, key), differ)
    elif isinstance(english, list):
        assert len(english) == len(spanish), path
        for n, (a, b) in enumerate(zip(english, spanish, strict=True)):
            _compare(a, b, (*path, n), differ)
    elif english != spanish:
        where = tuple(p for p in path if isinstance(p, str) and p not in DOMAIN_KEYS)
        assert where in WORDS, (path, english, spanish)
        differ.append((english, spanish, path))


DOMAIN_KEYS = set(CATALOG.about)  # plan["about"] is keyed by domain


def _check_spanish(profile: dict, today: dt.date) -> None:
    english = build_plan(profile, CATALOG, today)
    with i18n.speaking("es"):
        spanish = build_plan(profile, SPANISH, today)
    _check_red_flags(spanish)
    differ: list = []
    _compare(english, spanish, (), differ)
    for en, es, path in differ:
        assert not _problem(en, es), (path, _problem(en, es), en, es)


# Remembered per pair of texts: the same few thousand pairs come back in every plan.
@functools.lru_cache(maxsize=1 << 16)
def _problem(en: str, es: object) -> str:
    """What is wrong with a Spanish text in place of an English one, or "" if nothing: it must
    be text, translated and fresh, with every placeholder filled and the same amounts of fluid
    as the English."""
    if not isinstance(es, str) or not es.strip():
        return "no text"
    if i18n.is_marked(es):
        return "shown in English: not translated, or its translation is stale"
    if re.search(r"[{}]", es):
        return "a placeholder is left unfilled"
    if sorted(spanish_amounts(es)) != sorted(amounts_ml(en)):
        return "names other amounts of fluid than the English"
    return ""


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_random_profiles_give_the_same_plan_in_spanish_only_the_words_differ(chunk):
    rng = random.Random(24)
    size = N // CHUNKS
    for n in range(N):
        profile = _profile(rng)
        if chunk * size <= n < (chunk + 1) * size:
            _check_spanish(profile, TODAY + dt.timedelta(days=n % 7))


def test_the_measure_of_amounts_reads_spanish():
    assert spanish_amounts("No pase de 1200 ml al día; unos 1.500 ml o 1,5 litros.") == [
        1200,
        1500,
        1500,
    ]


def test_spanish_text_output_starts_with_the_emergency_number_and_the_red_flags():
    rng = random.Random(3)
    with i18n.speaking("es"):
        number = i18n.gettext("YOUR CANCER TEAM'S EMERGENCY NUMBER: %(number)s", number="")
        headings = [LABELS[d].upper() for d in LABELS]
        act_now = i18n.gettext("ACT NOW")
        for _ in range(100):
            out = render_text(build_plan(_profile(rng), SPANISH, TODAY))
            first, red = out.index(number.strip()), out.index(headings[0])
            later = [out.find(h) for h in [act_now, *headings[1:]]]
            assert first < red < min(p for p in later if p >= 0)
    assert headings[0] == "PIDA AYUDA YA: SEÑALES DE ALARMA"
