"""One household's data in the shapes other programs read: JSON (`planner.store.backup.export`, the
source of the others), the tick history as CSV (`ticks_csv`) and a FHIR R4 Bundle (`fhir`).
No Flask here: the web downloads and the `planner export` command both call `render`."""

from __future__ import annotations

import json

from planner import clock

FORMATS = ("json", "csv", "fhir")
MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "fhir": "application/fhir+json",
}
SUFFIXES = {"json": "json", "csv": "csv", "fhir": "fhir.json"}


def render(data: dict, fmt: str, clock_: clock.Clock) -> str:
    """The export `data` (`planner.store.backup.export`) as text in `fmt`; the FHIR Bundle is dated
    by `clock_` in the household's time zone."""
    from planner.exports import fhir, ticks_csv  # fhir.resources loads only when asked for

    if fmt == "csv":
        return ticks_csv.to_csv(data)
    if fmt == "fhir":
        where = clock.zone(data["household"].get("timezone"))
        return fhir.to_json(data, clock_.today(where), clock_.now(where)) + "\n"
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
