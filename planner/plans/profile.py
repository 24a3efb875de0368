"""Validate a patient profile against the contract (profile.schema.json) and read it into facts.

The schema is small and closed, so it is checked here by hand: every problem becomes one
`Problem(field, message)` in plain words that a form can show next to its field and the CLI can
print on its own line. The test suite cross-checks this validator against the JSON schema itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from planner.i18n import gettext

LESION_SITES = (
    "skull",
    "spine-cervical",
    "spine-thoracic",
    "spine-lumbar",
    "ribs",
    "sternum",
    "pelvis",
    "femur-left",
    "femur-right",
    "humerus-left",
    "humerus-right",
    "other",
)
ENUMS: dict[str, tuple[str, ...]] = {
    "fracture_risk": ("low", "moderate", "high", "unknown"),
    "weight_bearing": ("full", "partial", "none", "unknown"),
    "bone_agent": (
        "none",
        "denosumab",
        "zoledronic-acid",
        "pamidronate",
        "other-bisphosphonate",
        "undecided",
    ),
    "mobility_aid": ("none", "cane", "walker", "wheelchair"),
    # How often the bone medicine is given; "unknown" (or left out): no dose date is invented.
    "bone_agent_interval": ("4-weekly", "12-weekly", "unknown"),
}
BOOLEANS = (
    "spinal_instability",
    "bone_agent_started",
    "dentures",
    "lives_alone",
    "kidney_problems",
    "hypercalcaemia_history",
    # Had a bone medicine before (even if none now): the jaw risk stays after it stops.
    "bone_agent_past",
    # Either one means a fluid amount needs the care team's limit.
    "heart_failure",
    "dialysis",
)
DATES = ("bone_agent_start", "last_dental_exam", "bone_agent_stopped")
HOME_FIELDS = (
    "stairs_inside",
    "entrance_steps",
    "bedroom_upstairs",
    "bathtub",
    "walk_in_shower",
    "loose_rugs",
    "pets",
    "night_toilet_trips",
)
FALLS_RANGE = (0, 100)
FLUID_RANGE = (500, 5000)
TOP_FIELDS = (
    ("lesion_sites",)
    + tuple(ENUMS)
    + BOOLEANS
    + DATES
    + ("falls_past_year", "home", "fluid_restriction_ml")
)

# The names conditions in checklists/ may use for profile fields, with their possible values
# (None: a number).  "unknown" is every field's value when the profile leaves it out.
CONDITION_FIELDS: dict[str, tuple[Any, ...] | None] = {
    "lesion_sites": LESION_SITES,
    **{name: values + ("unknown",) for name, values in ENUMS.items()},
    **{name: (True, False, "unknown") for name in BOOLEANS},
    **{f"home.{name}": (True, False, "unknown") for name in HOME_FIELDS},
    "falls_past_year": None,
    "fluid_restriction_ml": None,
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a profile: the field it concerns and what is wrong, in plain words."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ProfileError(ValueError):
    """A profile that breaks the contract; `problems` lists every field at fault."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def _is_int(value: Any) -> bool:
    # JSON true/false are not numbers, though Python's bool is an int.
    return isinstance(value, int) and not isinstance(value, bool)


def _check_int(name: str, value: Any, low: int, high: int, problems: list[Problem]) -> None:
    if not _is_int(value):
        problems.append(
            Problem(
                name, gettext("must be a whole number from %(low)s to %(high)s", low=low, high=high)
            )
        )
    elif not low <= value <= high:
        problems.append(
            Problem(
                name,
                gettext(
                    "must be from %(low)s to %(high)s, not %(value)s",
                    low=low,
                    high=high,
                    value=value,
                ),
            )
        )


def _check_date(name: str, value: Any, problems: list[Problem]) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        problems.append(Problem(name, gettext("must be a date written YYYY-MM-DD")))
        return
    try:
        if len(value) != 10:
            raise ValueError
        dt.date.fromisoformat(value)
    except ValueError:
        problems.append(
            Problem(
                name, gettext("'%(value)s' is not a real date written YYYY-MM-DD", value=value[:40])
            )
        )


def _check_home(value: Any, problems: list[Problem]) -> None:
    if not isinstance(value, dict):
        problems.append(Problem("home", gettext("must be an object of yes/no answers")))
        return
    for key, answer in value.items():
        if key not in HOME_FIELDS:
            problems.append(Problem(f"home.{key}", gettext("is not a field of home")))
        elif not isinstance(answer, bool):
            problems.append(Problem(f"home.{key}", gettext("must be true or false")))


def validate(raw: Any) -> list[Problem]:
    """Return every problem of a decoded JSON profile; an empty list means it is valid."""
    if not isinstance(raw, dict):
        return [Problem("profile", gettext("must be a JSON object"))]
    problems: list[Problem] = []
    for key in raw:
        if key not in TOP_FIELDS:
            problems.append(Problem(str(key)[:60], gettext("is not a field of the profile")))
    sites = raw.get("lesion_sites")
    if "lesion_sites" not in raw:
        problems.append(
            Problem("lesion_sites", gettext("is required (an empty list means none known)"))
        )
    elif not isinstance(sites, list):
        problems.append(Problem("lesion_sites", gettext("must be a list of sites")))
    else:
        for site in sites:
            if site not in LESION_SITES:
                problems.append(
                    Problem(
                        "lesion_sites",
                        gettext("'%(site)s' is not a known site", site=str(site)[:40]),
                    )
                )
        if len({str(s) for s in sites}) != len(sites):
            problems.append(Problem("lesion_sites", gettext("lists a site more than once")))
    for name, values in ENUMS.items():
        if name in raw and raw[name] not in values:
            problems.append(
                Problem(name, gettext("must be one of: %(values)s", values=", ".join(values)))
            )
    for name in BOOLEANS:
        if name in raw and not isinstance(raw[name], bool):
            problems.append(Problem(name, gettext("must be true or false")))
    for name in DATES:
        if name in raw:
            _check_date(name, raw[name], problems)
    if "falls_past_year" in raw:
        _check_int("falls_past_year", raw["falls_past_year"], *FALLS_RANGE, problems)
    if raw.get("fluid_restriction_ml") is not None:
        _check_int("fluid_restriction_ml", raw["fluid_restriction_ml"], *FLUID_RANGE, problems)
    if "home" in raw:
        _check_home(raw["home"], problems)
    return problems


def parse(raw: Any) -> dict[str, Any]:
    """Validate a decoded profile and return it unchanged, or raise ProfileError."""
    problems = validate(raw)
    if problems:
        raise ProfileError(problems)
    return raw


def field_values(profile: dict[str, Any]) -> dict[str, Any]:
    """Flatten a valid profile into the condition fields, 'unknown' where it says nothing.

    `fluid_restriction_ml` is a number, "none" (no limit: null) or "unknown" (left out).
    """
    home = profile.get("home", {})
    values: dict[str, Any] = {"lesion_sites": tuple(profile["lesion_sites"])}
    for name in tuple(ENUMS) + BOOLEANS:
        values[name] = profile.get(name, "unknown")
    for name in HOME_FIELDS:
        values[f"home.{name}"] = home.get(name, "unknown")
    values["falls_past_year"] = profile.get("falls_past_year", "unknown")
    if "fluid_restriction_ml" not in profile:
        values["fluid_restriction_ml"] = "unknown"
    else:
        limit = profile["fluid_restriction_ml"]
        values["fluid_restriction_ml"] = "none" if limit is None else limit
    return values


def date_of(profile: dict[str, Any], name: str) -> dt.date | None:
    """A date field of a valid profile, or None when it is unknown."""
    value = profile.get(name)
    return dt.date.fromisoformat(value) if value else None
