"""The clinical questions the content had to answer (checklists/questions.yaml): each one
settled, with the answer the catalog follows and its sources, or open, flagged for a reviewer
in the app while the catalog takes the reading it names. The public pages show each beside the
items and movement rules it concerns; the reviewer sees the open ones before signing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

STATUSES = ("settled", "open")
KEYS = {"id", "question", "status", "answer", "sources", "concerns"}


@dataclass(frozen=True)
class ClinicalQuestion:
    id: str
    question: str
    status: str  # settled: answered from its sources; open: flagged for review
    answer: str  # the answer, or what the catalog does until a reviewer settles it
    sources: tuple[str, ...]
    items: tuple[str, ...] = ()  # the catalog items it concerns
    rules: tuple[str, ...] = ()  # the movement rules it concerns


def _texts(value: Any) -> bool:
    return isinstance(value, str) and len(value.strip()) > 10


def read_questions(
    raw: Any, sources: dict[str, str], item_ids: set[str], rule_ids: set[str]
) -> tuple[list[ClinicalQuestion], list[str]]:
    """The questions of questions.yaml (already parsed), and a problem per thing wrong, each
    starting "questions.yaml"."""
    name = "questions.yaml"
    if (
        not isinstance(raw, dict)
        or set(raw) != {"questions"}
        or not isinstance(raw["questions"], list)
    ):
        return [], [f"{name}: must be a mapping with a 'questions:' list"]
    out: list[ClinicalQuestion] = []
    problems: list[str] = []
    seen: set[str] = set()
    for entry in raw["questions"]:
        ident = entry.get("id") if isinstance(entry, dict) else None
        where = f"{name}: {ident}"
        if not isinstance(entry, dict) or set(entry) != KEYS:
            problems.append(f"{where}: a question has exactly {', '.join(sorted(KEYS))}")
            continue
        if not isinstance(ident, str) or not ident:
            problems.append(f"{where}: the id must be a word such as cervical-weights")
            continue
        if ident in seen:
            problems.append(f"{where}: the id is used more than once")
        seen.add(ident)
        wrong = []
        if entry["status"] not in STATUSES:
            wrong.append(f"status must be one of {', '.join(STATUSES)}")
        for key in ("question", "answer"):
            if not _texts(entry[key]):
                wrong.append(f"{key} must be a sentence")
        cited = entry["sources"] if isinstance(entry["sources"], list) else []
        if not cited:
            wrong.append("sources must list at least one source id")
        wrong += [f"source '{s}' is not in sources.yaml" for s in cited if s not in sources]
        concerns = entry["concerns"] if isinstance(entry["concerns"], dict) else {}
        if not concerns or set(concerns) - {"items", "rules"}:
            wrong.append("concerns names items: [ids] and/or rules: [ids]")
        items, rules = list(concerns.get("items") or []), list(concerns.get("rules") or [])
        wrong += [f"item '{i}' is not in the catalog" for i in items if i not in item_ids]
        wrong += [f"rule '{r}' is not a movement rule" for r in rules if r not in rule_ids]
        problems += [f"{where}: {w}" for w in wrong]
        if not wrong:
            out.append(
                ClinicalQuestion(
                    ident,
                    " ".join(entry["question"].split()),
                    entry["status"],
                    " ".join(entry["answer"].split()),
                    tuple(cited),
                    tuple(items),
                    tuple(rules),
                )
            )
    return out, problems
