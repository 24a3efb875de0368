"""The exercise safety matrix: every exercise against every restricting clinical fact, as the
engine decides it, for a clinician to review (Markdown) or read in a browser (HTML).

Each column is one fact changed on a calm baseline profile (low fracture risk, stable spine, full
weight on the legs, no walking aid, no falls, a lesion in an "other" bone), plus the combinations
where a rule needs two facts at once. The outcome comes from `build_plan` itself, so the reviewed
copy in checklists/safety-matrix.md changes exactly when a safety outcome changes.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

from planner.plans.catalog import Catalog
from planner.plans.engine import build_plan
from planner.plans.profile import LESION_SITES

# Exercise outcomes do not depend on the date; one fixed day keeps the matrix reproducible.
DAY = dt.date(2026, 1, 1)
BASELINE: dict[str, Any] = {
    "lesion_sites": ["other"],
    "fracture_risk": "low",
    "weight_bearing": "full",
    "spinal_instability": False,
    "mobility_aid": "none",
    "falls_past_year": 0,
}
GONE = None  # a fact set to GONE is left out of the profile: "not known"
SITES = tuple(s for s in LESION_SITES if s != "other")  # each named site, one column each
FACTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("Baseline: no restricting fact", {}),
    ("Lesion sites not known", {"lesion_sites": []}),
    *((f"Lesion: {site}", {"lesion_sites": [site]}) for site in SITES),
    ("Fracture risk high", {"fracture_risk": "high"}),
    ("Fracture risk not known", {"fracture_risk": GONE}),
    *(
        (f"Fracture risk high, lesion: {site}", {"fracture_risk": "high", "lesion_sites": [site]})
        for site in ("pelvis", "femur-left", "femur-right", "humerus-left", "humerus-right")
    ),
    ("Spine unstable", {"spinal_instability": True}),
    (
        "Spine unstable, high risk, thoracic and lumbar lesions",
        {
            "spinal_instability": True,
            "fracture_risk": "high",
            "lesion_sites": ["spine-thoracic", "spine-lumbar"],
        },
    ),
    (
        "Spine stability not known, thoracic lesion",
        {"spinal_instability": GONE, "lesion_sites": ["spine-thoracic"]},
    ),
    ("Weight-bearing partial", {"weight_bearing": "partial"}),
    ("Weight-bearing none", {"weight_bearing": "none"}),
    ("Weight-bearing not known", {"weight_bearing": GONE}),
    ("Walking aid: cane", {"mobility_aid": "cane"}),
    ("Walking aid: walker", {"mobility_aid": "walker"}),
    ("Wheelchair", {"mobility_aid": "wheelchair"}),
    ("Walking aid not known", {"mobility_aid": GONE}),
    ("Falls in the past year: 1 or more", {"falls_past_year": 1}),
    ("Falls in the past year not known", {"falls_past_year": GONE}),
)


def profile_for(change: dict[str, Any]) -> dict[str, Any]:
    """The baseline profile with one fact (or a combination) changed."""
    profile = dict(BASELINE)
    for name, value in change.items():
        if value is GONE:
            profile.pop(name, None)
        else:
            profile[name] = value
    return profile


def build(catalog: Catalog) -> dict[str, Any]:
    """Every exercise's outcome under every fact: 'allowed', 'excluded' (with the rules) or
    'not offered' (its `when` does not match), and each fact's daily-life advice."""
    exercises = [i for i in catalog.items if i.domain == "exercise"]
    columns = []
    for label, change in FACTS:
        plan = build_plan(profile_for(change), catalog, DAY)
        allowed = {i["id"] for i in plan["items"]}
        left = {e["id"]: e for e in plan["excluded"]}
        cells = {}
        for item in exercises:
            if item.id in left:
                rules = [catalog.movements[m].no for m in left[item.id]["movements"]]
                cells[item.id] = ("excluded", "; ".join(rules))
            else:
                cells[item.id] = ("allowed", "") if item.id in allowed else ("not offered", "")
        columns.append(
            {
                "label": label,
                "change": change,
                "cells": cells,
                "advice": [a["advice"] for a in plan["avoid_in_daily_life"]],
            }
        )
    return {"exercises": [(i.id, i.title) for i in exercises], "columns": columns}


MARK = {"allowed": "yes", "excluded": "NO", "not offered": "."}


def _change_text(change: dict[str, Any]) -> str:
    if not change:
        return "the baseline"
    return ", ".join(
        f"{k} {'not known' if v is GONE else json.dumps(v)}" for k, v in change.items()
    )


BASELINE_TEXT = ", ".join(f"{k} {json.dumps(v)}" for k, v in BASELINE.items())


def to_markdown(data: dict[str, Any]) -> str:
    """The matrix as Markdown: a key to the columns, the grid, then each fact's exclusions."""
    cols = data["columns"]
    lines = [
        "# Exercise safety matrix",
        "",
        "Written by `planner check-content --matrix DIR` from the engine; do not edit by hand.",
        "Each column changes one fact (or a combination) on the baseline profile: "
        + BASELINE_TEXT
        + ".",
        "`yes`: on the plan; `NO`: left out (reasons below); `.`: not offered for this profile.",
        "",
        "| column | fact |",
        "| --- | --- |",
        *(f"| F{n} | {c['label']} |" for n, c in enumerate(cols, 1)),
        "",
        "| exercise | " + " | ".join(f"F{n}" for n in range(1, len(cols) + 1)) + " |",
        "| --- |" + " :-: |" * len(cols),
    ]
    for ident, _ in data["exercises"]:
        lines.append(f"| {ident} | " + " | ".join(MARK[c["cells"][ident][0]] for c in cols) + " |")
    for n, col in enumerate(cols, 1):
        lines += [
            "",
            f"## F{n}. {col['label']}",
            "",
            f"Profile: {_change_text(col['change'])}.",
            "",
        ]
        for ident, _ in data["exercises"]:
            outcome, why = col["cells"][ident]
            if outcome == "excluded":
                lines.append(f"- `{ident}` excluded: {why}")
        lines += ["", "Daily life:", ""] + [f"- {a}" for a in col["advice"]]
    return "\n".join(lines) + "\n"


# A standalone file (not served by the app), so its style travels with it.
_CSS = (
    "body{font:15px/1.4 system-ui,sans-serif;margin:1rem;color:#1a1a1a}"
    "ol.key{columns:18rem;font-size:.9rem}"
    "table{border-collapse:collapse;font-size:.85rem}"
    "th,td{border:1px solid #ccc;padding:.2rem .35rem}"
    "thead th{position:sticky;top:0;background:#f4f4f4}"
    "tbody th{text-align:left;font-weight:normal;min-width:14rem}"
    "td{text-align:center}td.excluded{background:#fde2e1;font-weight:bold}"
    "td.allowed{background:#e3f4e1}td.not-offered{color:#888}"
    "section{max-width:60rem}.wrap{overflow-x:auto;max-width:100%}"
)


def to_html(data: dict[str, Any]) -> str:
    """The matrix as one standalone HTML page (no script, no inline style)."""
    e = html.escape
    cols = data["columns"]
    head = "".join(
        f'<th scope="col" title="{e(c["label"])}">F{n}</th>' for n, c in enumerate(cols, 1)
    )
    rows = []
    for ident, title in data["exercises"]:
        cells = []
        for c in cols:
            outcome, why = c["cells"][ident]
            cells.append(
                f'<td class="{outcome.replace(" ", "-")}" title="{e(why or outcome)}">'
                f"{e(MARK[outcome])}</td>"
            )
        rows.append(
            f'<tr><th scope="row">{e(title)} <code>{e(ident)}</code></th>'
            + "".join(cells)
            + "</tr>"
        )
    key = "".join(f"<li>F{n}: {e(c['label'])}</li>" for n, c in enumerate(cols, 1))
    details = []
    for n, col in enumerate(cols, 1):
        left = "".join(
            f"<li><code>{e(i)}</code>: {e(col['cells'][i][1])}</li>"
            for i, _ in data["exercises"]
            if col["cells"][i][0] == "excluded"
        )
        advice = "".join(f"<li>{e(a)}</li>" for a in col["advice"])
        details.append(
            f"<section><h2>F{n}. {e(col['label'])}</h2>"
            f"<h3>Left out</h3><ul>{left or '<li>nothing</li>'}</ul>"
            f"<h3>Daily life</h3><ul>{advice}</ul></section>"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Exercise safety matrix</title><style>" + _CSS + "</style></head><body>"
        "<h1>Exercise safety matrix</h1>"
        f"<p>Baseline profile: {e(BASELINE_TEXT)}. "
        "yes: on the plan; NO: left out; .: not offered.</p>"
        f'<ol class="key">{key}</ol>'
        '<div class="wrap"><table><thead><tr><th scope="col">Exercise</th>'
        f"{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>{''.join(details)}</body></html>\n"
    )
