"""Every patient-facing text of the catalog reads at grade 8 or below (Flesch-Kincaid, textstat).

A "text" is what a person reads as one piece: an item (title, what to do and why), a warning, the
daily-life advice of a movement rule, the sentences facts.yaml has for one profile field, the
Stay Independent questions, and a domain's shared why. Placeholders are filled as the plan fills
them, for a profile that uses every one of them.
"""

from __future__ import annotations

import datetime as dt

import pytest
import textstat
import yaml

from planner.plans.catalog import DOMAINS, default_folder
from planner.plans.context import build_context
from tests.plans import CATALOG

GRADE = 8
FOLDER = default_folder()
FILES = [f"{d}.yaml" for d in DOMAINS] + ["facts.yaml"]
PROFILE = {
    "lesion_sites": ["spine-thoracic"],
    "bone_agent": "zoledronic-acid",
    "bone_agent_start": "2026-12-20",
    "bone_agent_interval": "4-weekly",
    "bone_agent_stopped": "2025-05-01",
    "last_dental_exam": "2026-01-10",
    "fluid_restriction_ml": 1200,
}
WORDS = {**build_context(PROFILE, CATALOG, dt.date(2026, 11, 22)).words, "value": "2"}


def _texts(name: str) -> list[tuple[str, str]]:
    data = yaml.safe_load((FOLDER / name).read_text(encoding="utf-8"))
    out = []
    if name == "facts.yaml":
        return [
            (field, " ".join(str(p) for p in phrases.values()))
            for field, phrases in data["facts"].items()
        ]
    if data.get("about"):
        out.append(("about", data["about"]["text"]))
    for item in data.get("items") or []:
        out.append((item["id"], f"{item['title'].rstrip('.:')}. {item['detail']} {item['why']}"))
    for warning in data.get("warnings") or []:
        out.append((warning["id"], warning["text"]))
    for rule in data.get("avoid_rules") or []:
        out.append((rule["id"], f"{rule.get('daily_life') or ''} {rule.get('reason') or ''}"))
    for load, words in (data.get("movements") or {}).items():
        # What a plan says when a load is to be avoided: its rule and its daily-life advice.
        out.append((load, f"{words.get('no', '')}. {words.get('daily_life') or ''}"))
    if data.get("fall_screen"):
        out.append(("fall_screen", " ".join(q["text"] for q in data["fall_screen"]["questions"])))
    return out


@pytest.mark.parametrize("name", FILES)
def test_every_text_reads_at_grade_8_or_below(name):
    too_hard = []
    for where, text in _texts(name):
        grade = textstat.flesch_kincaid_grade(text.format_map(WORDS))
        if grade > GRADE:
            too_hard.append(f"{where}: grade {grade:.1f}")
    assert not too_hard, f"{name}: " + "; ".join(too_hard)


def test_the_measure_tells_hard_from_plain():
    # A check that cannot fail proves nothing: the same library rates dense wording above 8.
    dense = (
        "Bisphosphonate-associated osteonecrosis necessitates comprehensive preventative "
        "odontological evaluation antecedent to pharmacological initiation."
    )
    assert textstat.flesch_kincaid_grade(dense) > GRADE
    assert textstat.flesch_kincaid_grade("Book a dental check now. Tell your team.") <= GRADE
