"""Which way is careful, for each fact that decides what the plan excludes; and splitting a
change of the profile into what applies at once and what waits for the physiotherapist.
Pure: no Flask, no database.

When the household has a physiotherapist, a member who is not one may make the plan more
careful at once (add a lesion site, raise the fracture risk, say the spine is unstable, ...),
but a change that makes it less careful waits as a proposal the physiotherapist confirms or
declines (store/proposals.py). An answer left out ("Not sure") is "unknown", and unknown is
read carefully.

Each value has a level and, where values cannot be compared, a group. A change from `old` to
`new` is careful when `new`'s level is at least `old`'s and, if `old` has a group, `new` is in
it: a walking frame after a stick is careful, a wheelchair after a walking frame is not simply
so (it avoids other movements), and neither is one bone medicine after another (each has
checks of its own). tests/test_caution.py checks these levels against what the engine
excludes.
"""

from __future__ import annotations

from typing import Any

from planner.i18n import N_, Said, gettext
from planner.plans.profile_form import NOT_SURE, QUESTIONS, SITE_WORDS

UNKNOWN = "unknown"

# field -> value -> (level, group). A value missing from the profile is UNKNOWN.
LEVELS: dict[str, dict[Any, tuple[int, str | None]]] = {
    "fracture_risk": {
        "low": (0, None),
        "moderate": (1, None),
        "high": (2, None),
        UNKNOWN: (2, None),
    },
    "weight_bearing": {
        "full": (0, None),
        "partial": (1, None),
        "none": (2, None),
        UNKNOWN: (2, None),
    },
    "spinal_instability": {False: (0, None), UNKNOWN: (1, None), True: (2, None)},
    "mobility_aid": {
        "none": (0, None),
        UNKNOWN: (1, None),
        "cane": (2, "aid"),
        "walker": (3, "aid"),
        "wheelchair": (2, "wheelchair"),
    },
    "bone_agent": {
        "none": (0, None),
        UNKNOWN: (1, None),
        "undecided": (1, None),
        "denosumab": (2, "denosumab"),
        "zoledronic-acid": (2, "zoledronic-acid"),
        "pamidronate": (2, "pamidronate"),
        "other-bisphosphonate": (2, "other-bisphosphonate"),
    },
}
# Every fact a physiotherapist looks after: lesion sites and the fields above.
GUARDED = ("lesion_sites", *LEVELS)

FIELD_WORDS = Said(
    {
        "lesion_sites": N_("bone metastases"),
        "fracture_risk": N_("risk of a bone breaking"),
        "weight_bearing": N_("weight on the legs"),
        "spinal_instability": N_("spine"),
        "mobility_aid": N_("walking aid"),
        "bone_agent": N_("bone medicine"),
    }
)


def value(profile: dict | None, field: str) -> Any:
    """The profile's value for a guarded field (UNKNOWN when it is left out)."""
    found = (profile or {}).get(field, UNKNOWN)
    return UNKNOWN if found is None else found


def careful(field: str, old: Any, new: Any) -> bool:
    """Whether changing `field` from `old` to `new` keeps the plan at least as careful."""
    (old_level, group), (new_level, new_group) = LEVELS[field][old], LEVELS[field][new]
    return new_level >= old_level and (group is None or new_group == group)


def split(stored: dict | None, wanted: dict) -> tuple[dict, list[dict]]:
    """(the profile to apply now, the changes that must wait for the physiotherapist).

    What applies now is `wanted` with each less careful change put back as `stored` has it:
    a removed lesion site stays, a lowered level keeps its old value. Each waiting change is
    {"field", "to"} (a field's new value, None for "left out") or {"field": "lesion_sites",
    "remove": [sites]}, with its `words`. A first profile (nothing stored) applies whole.
    """
    if stored is None:
        return wanted, []
    now = dict(wanted)
    waiting: list[dict] = []
    removed = [s for s in stored.get("lesion_sites", []) if s not in wanted.get("lesion_sites", [])]
    if removed:
        now["lesion_sites"] = stored["lesion_sites"] + [
            s for s in wanted.get("lesion_sites", []) if s not in stored["lesion_sites"]
        ]
        waiting.append({"field": "lesion_sites", "remove": removed})
    for field in LEVELS:
        old, new = value(stored, field), value(wanted, field)
        if old == new or careful(field, old, new):
            continue
        if field in stored:
            now[field] = stored[field]
        else:
            now.pop(field, None)
        waiting.append({"field": field, "from": old, "to": wanted.get(field)})
    return now, [{**c, "words": words(c)} for c in waiting]


def apply_changes(profile: dict, changes: list[dict]) -> dict:
    """`profile` with confirmed changes made (a site already gone, or a field already at the
    proposed value, is no problem: confirming twice changes nothing more)."""
    out = dict(profile)
    for change in changes:
        if change["field"] == "lesion_sites":
            out["lesion_sites"] = [
                s for s in out.get("lesion_sites", []) if s not in change["remove"]
            ]
        elif change["to"] is None:
            out.pop(change["field"], None)
        else:
            out[change["field"]] = change["to"]
    return out


def changed(stored: dict | None, applied: dict) -> list[dict]:
    """The guarded facts that differ between two profiles, each with its `words` (what the
    activity log says of a change that applied)."""
    out: list[dict[str, Any]] = []
    before = set((stored or {}).get("lesion_sites", []))
    after = set(applied.get("lesion_sites", []))
    if after - before:
        out.append({"field": "lesion_sites", "add": sorted(after - before)})
    if before - after:
        out.append({"field": "lesion_sites", "remove": sorted(before - after)})
    for field in LEVELS:
        if value(stored, field) != value(applied, field):
            out.append({"field": field, "from": value(stored, field), "to": applied.get(field)})
    return [{**c, "words": words(c)} for c in out]


def _answer(field: str, raw: Any) -> str:
    if raw is None or raw == UNKNOWN:
        return gettext(NOT_SURE).lower()
    question = QUESTIONS[field]
    if question.kind == "yesno":
        if field == "spinal_instability":
            return gettext("unstable") if raw else gettext("stable")
        return gettext("yes") if raw else gettext("no")
    label = dict(question.options).get(raw, str(raw)).split(",")[0]
    return label[:1].lower() + label[1:]


def words(change: dict) -> str:
    """A change in plain words, e.g. "risk of a bone breaking from high to low", in the language
    being spoken (stored changes keep their fields, so each reader gets them in theirs)."""
    field = change["field"]
    if field == "lesion_sites":
        sites = ", ".join(SITE_WORDS[s].lower() for s in change.get("remove") or change["add"])
        if change.get("remove"):
            return gettext("remove bone metastases: %(sites)s", sites=sites)
        return gettext("add bone metastases: %(sites)s", sites=sites)
    if "from" in change:
        return gettext(
            "%(what)s from %(before)s to %(after)s",
            what=FIELD_WORDS[field],
            before=_answer(field, change["from"]),
            after=_answer(field, change["to"]),
        )
    return gettext(
        "%(what)s to %(after)s", what=FIELD_WORDS[field], after=_answer(field, change["to"])
    )
