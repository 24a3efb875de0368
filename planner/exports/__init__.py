"""One household's data in the shapes other programs read: JSON (`planner.store.backup.export`, the
source of the others), the tick history as CSV (`ticks_csv`) and a FHIR R4 Bundle (`fhir`).
No Flask here: the web downloads and the `planner export` command both call `render`."""

from __future__ import annotations

import json

from planner import clock, i18n
from planner.plans.localize import Words

FORMATS = ("json", "csv", "fhir")
MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "fhir": "application/fhir+json",
}
SUFFIXES = {"json": "json", "csv": "csv", "fhir": "fhir.json"}


def render(data: dict, fmt: str, clock_: clock.Clock, words: Words | None = None) -> str:
    """The export `data` (`planner.store.backup.export`) as text in `fmt`; the FHIR Bundle is dated
    by `clock_` in the household's time zone. `words`: the current plan's words in the language
    being spoken (plans/localize.py), for the task titles of the CSV and the texts of the FHIR
    Bundle, which says its `language`; the JSON is the store's own, English, as kept."""
    from planner.exports import fhir, ticks_csv  # fhir.resources loads only when asked for

    if fmt == "csv":
        return ticks_csv.to_csv(data, words)
    if fmt == "fhir":
        where = clock.zone(data["household"].get("timezone"))
        lang = words.lang if words else i18n.SOURCE
        return fhir.to_json(data, clock_.today(where), clock_.now(where), words, lang) + "\n"
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
