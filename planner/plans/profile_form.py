"""The profile as a short form in plain words: its steps and questions, reading the answers
back into a profile, and saying a profile in words. Pure: no Flask, no database.

Every field of profile.schema.json has one question. "Not sure" is offered everywhere: it
leaves the field out, or sets "unknown" where the field's values include it, so that the
engine takes the safer reading.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.plans.context import readable
from planner.plans.profile import BOOLEANS, DATES, ENUMS, HOME_FIELDS, LESION_SITES, Problem

NOT_SURE = "Not sure"
YES_NO = (("yes", "Yes"), ("no", "No"))


@dataclass(frozen=True)
class Question:
    name: str  # the profile field ("home.pets" for home fields); also the form input name
    kind: str  # sites, choice, yesno, date, number, fluid
    label: str
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()
    short: str = ""  # how the answer is introduced on the profile page

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-").replace("_", "-")

    @property
    def not_sure_value(self) -> str:
        """What "Not sure" sends: "unknown" where the field allows it, else nothing."""
        return "unknown" if self.kind == "choice" and "unknown" in ENUMS[self.name] else ""


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    intro: str
    questions: tuple[Question, ...] = field(default_factory=tuple)


SITE_GROUPS = (
    ("Head and neck", (("skull", "Skull (head)"), ("spine-cervical", "Neck (top of the spine)"))),
    (
        "Back and chest",
        (
            ("spine-thoracic", "Upper and middle back"),
            ("spine-lumbar", "Lower back"),
            ("ribs", "Ribs"),
            ("sternum", "Breastbone (sternum)"),
        ),
    ),
    (
        "Hips and legs",
        (
            ("pelvis", "Pelvis (hip bones)"),
            ("femur-left", "Left thigh bone"),
            ("femur-right", "Right thigh bone"),
        ),
    ),
    ("Arms", (("humerus-left", "Left upper arm"), ("humerus-right", "Right upper arm"))),
    ("Elsewhere", (("other", "Another bone"),)),
)
SITE_WORDS = {value: words for _, sites in SITE_GROUPS for value, words in sites}
assert set(SITE_WORDS) == set(LESION_SITES)


def _yesno(name: str, label: str, short: str, hint: str = "") -> Question:
    return Question(name, "yesno", label, hint, YES_NO, short)


STEPS: tuple[Step, ...] = (
    Step(
        "where",
        "Where are the bone metastases?",
        "Tick every place your care team has told you about. If you are not sure, or none is "
        "known yet, leave them all empty: the plan will then be careful everywhere.",
        (Question("lesion_sites", "sites", "Places in the body", short="Bone metastases"),),
    ),
    Step(
        "movement",
        "Bones and movement",
        "What your care team has said about your bones, and how you get about.",
        (
            Question(
                "fracture_risk",
                "choice",
                "What has your care team said about the risk of a bone breaking?",
                options=(("low", "Low"), ("moderate", "Medium"), ("high", "High")),
                short="Risk of a bone breaking",
            ),
            Question(
                "weight_bearing",
                "choice",
                "How much weight may you put on your legs?",
                options=(
                    ("full", "Full weight"),
                    ("partial", "Only some weight"),
                    ("none", "No weight at all"),
                ),
                short="Weight on the legs",
            ),
            _yesno(
                "spinal_instability",
                "Has your care team said your spine is unstable, or that you must wear a brace?",
                "Spine unstable or brace needed",
            ),
            Question(
                "mobility_aid",
                "choice",
                "What do you use to get about?",
                options=(
                    ("none", "Nothing"),
                    ("cane", "A walking stick"),
                    ("walker", "A walking frame"),
                    ("wheelchair", "A wheelchair"),
                ),
                short="Walking aid",
            ),
            Question(
                "falls_past_year",
                "number",
                "How many times have you fallen in the past year?",
                "Write 0 if you have not fallen. Leave it empty if you are not sure.",
                short="Falls in the past year",
            ),
        ),
    ),
    Step(
        "medicine",
        "Bone medicine and teeth",
        "Some bone-strengthening medicines can, rarely, harm the jaw, so the plan looks after "
        "your teeth around them.",
        (
            Question(
                "bone_agent",
                "choice",
                "Which bone-strengthening medicine is planned or used?",
                options=(
                    ("none", "None"),
                    ("denosumab", "Denosumab (Xgeva), an injection"),
                    ("zoledronic-acid", "Zoledronic acid (Zometa), a drip"),
                    ("pamidronate", "Pamidronate, a drip"),
                    ("other-bisphosphonate", "Another bisphosphonate"),
                    ("undecided", "Not decided yet"),
                ),
                short="Bone medicine",
            ),
            _yesno(
                "bone_agent_started",
                "Have you had the first dose already?",
                "First dose already given",
            ),
            Question(
                "bone_agent_start",
                "date",
                "Date of the first dose, or the planned first dose",
                "Leave it empty if you do not know it.",
                short="First dose",
            ),
            Question(
                "bone_agent_interval",
                "choice",
                "How often is it given?",
                "Your letters or your team will say. If you are not sure, the plan shows no "
                "dates for it and your team gives you the days.",
                options=(("4-weekly", "Every 4 weeks"), ("12-weekly", "Every 12 weeks")),
                short="How often it is given",
            ),
            _yesno(
                "bone_agent_past",
                "Have you had a bone-strengthening medicine in the past, even if you stopped?",
                "Bone medicine in the past",
            ),
            Question(
                "bone_agent_stopped",
                "date",
                "If you stopped one, when did you stop?",
                "An approximate date is fine. Leave it empty if you do not know.",
                short="Past bone medicine stopped",
            ),
            Question(
                "last_dental_exam",
                "date",
                "When did a dentist last check your teeth fully?",
                "An approximate date is fine. Leave it empty if you do not know.",
                short="Last full dental check",
            ),
            _yesno("dentures", "Do you wear dentures?", "Dentures"),
        ),
    ),
    Step(
        "home",
        "Your home",
        "These answers choose the home safety checks that matter for your home.",
        (
            _yesno("home.stairs_inside", "Are there stairs inside your home?", "Stairs inside"),
            _yesno(
                "home.entrance_steps",
                "Are there steps to get into your home?",
                "Steps at the entrance",
            ),
            _yesno("home.bedroom_upstairs", "Is your bedroom upstairs?", "Bedroom upstairs"),
            _yesno("home.bathtub", "Do you use a bath tub to wash?", "Bath tub"),
            _yesno("home.walk_in_shower", "Is there a walk-in shower?", "Walk-in shower"),
            _yesno("home.loose_rugs", "Are there loose rugs or mats on the floors?", "Loose rugs"),
            _yesno("home.pets", "Are there pets in your home?", "Pets"),
            _yesno(
                "home.night_toilet_trips",
                "Do you get up to use the toilet at night?",
                "Toilet trips at night",
            ),
        ),
    ),
    Step(
        "health",
        "Your health",
        "A few things that change how much to drink and which warning signs matter most.",
        (
            Question(
                "fluid_restriction_ml",
                "fluid",
                "Has a doctor set a limit on how much you may drink each day?",
                "For example because of heart or kidney disease.",
                (("none", "No, there is no limit"), ("yes", "Yes, a limit of")),
                short="Daily drinking limit",
            ),
            _yesno("kidney_problems", "Do you have kidney problems?", "Kidney problems"),
            _yesno("dialysis", "Do you have kidney dialysis?", "Kidney dialysis"),
            _yesno("heart_failure", "Has a doctor said you have heart failure?", "Heart failure"),
            _yesno(
                "hypercalcaemia_history",
                "Have you ever had high calcium in the blood?",
                "High calcium before",
            ),
            _yesno("lives_alone", "Do you live alone?", "Lives alone"),
        ),
    ),
)
QUESTIONS = {q.name: q for step in STEPS for q in step.questions}

# Every field of the contract has exactly one question.
assert set(QUESTIONS) == (
    {"lesion_sites", "falls_past_year", "fluid_restriction_ml"}
    | set(ENUMS)
    | set(BOOLEANS)
    | set(DATES)
    | {f"home.{h}" for h in HOME_FIELDS}
)


# The facts on the physiotherapist's own page (views/physio.py). Who may change which facts in
# which direction: planner/caution.py.
CLINICAL = ("fracture_risk", "weight_bearing", "spinal_instability", "mobility_aid")


def keep_clinical(profile: dict[str, Any], stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """A copy of `profile` whose clinical facts are those of `stored` (absent where `stored` has
    none): the physiotherapist's page sends only these."""
    out = {k: v for k, v in profile.items() if k not in CLINICAL}
    out.update({k: v for k, v in (stored or {}).items() if k in CLINICAL})
    return out


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        return text  # validate() names the problem


def _put(profile: dict, name: str, value: Any) -> None:
    if name.startswith("home."):
        profile.setdefault("home", {})[name[5:]] = value
    else:
        profile[name] = value


def read_form(form: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The profile a submitted form describes, and problems only the form can have (a limit
    chosen without a number). `form` is a werkzeug MultiDict (getlist) or a plain dict."""
    profile: dict[str, Any] = {}
    problems: list[Problem] = []
    getlist = getattr(form, "getlist", None)
    sites = getlist("lesion_sites") if getlist else form.get("lesion_sites", [])
    profile["lesion_sites"] = list(sites)
    for name, question in QUESTIONS.items():
        raw = str(form.get(name, "") or "").strip()
        if question.kind in ("sites", "fluid"):
            continue
        if not raw:
            continue
        if question.kind == "yesno":
            _put(profile, name, {"yes": True, "no": False}.get(raw, raw))
        elif question.kind == "number":
            _put(profile, name, _number(raw))
        else:
            _put(profile, name, raw)
    limit = str(form.get("fluid_limit", "") or "").strip()
    amount = str(form.get("fluid_restriction_ml", "") or "").strip()
    if limit == "none":
        profile["fluid_restriction_ml"] = None
    elif limit == "yes":
        if amount:
            profile["fluid_restriction_ml"] = _number(amount)
        else:
            problems.append(
                Problem("fluid_restriction_ml", "write the daily limit in millilitres (ml)")
            )
    elif limit:
        problems.append(Problem("fluid_restriction_ml", "choose one of the answers"))
    return profile, problems


def form_values(profile: Mapping[str, Any] | None) -> dict[str, Any]:
    """The form's answers for a profile (to edit it): input name -> value.

    Also given a posted profile that failed validation (apply re-checks what the preview
    sent), so a value of the wrong type is left out rather than trusted.
    """
    profile = profile or {}
    raw_home = profile.get("home")
    home: dict[str, Any] = raw_home if isinstance(raw_home, dict) else {}
    sites = profile.get("lesion_sites")
    values: dict[str, Any] = {
        "lesion_sites": [s for s in sites if isinstance(s, str)] if isinstance(sites, list) else []
    }
    for name, question in QUESTIONS.items():
        value = home.get(name[5:]) if name.startswith("home.") else profile.get(name)
        if not isinstance(value, str | int | float | None):
            value = None
        if question.kind == "yesno":
            values[name] = "yes" if value is True else "no" if value is False else ""
        elif question.kind in ("sites", "fluid"):
            continue
        else:
            values[name] = "" if value is None else str(value)
    if "fluid_restriction_ml" in profile:
        limit = profile["fluid_restriction_ml"]
        values["fluid_limit"] = "none" if limit is None else "yes"
        values["fluid_restriction_ml"] = "" if limit is None else str(limit)
    else:
        values["fluid_limit"] = ""
        values["fluid_restriction_ml"] = ""
    return values


def errors_by_input(problems: list[Problem]) -> tuple[dict[str, str], list[str]]:
    """Problems keyed by the form input they belong to, and those that fit no input."""
    by_input: dict[str, str] = {}
    other: list[str] = []
    for problem in problems:
        message = problem.message[:1].upper() + problem.message[1:]
        if problem.field in QUESTIONS:
            by_input.setdefault(problem.field, message)
        else:
            other.append(str(problem))
    order = list(QUESTIONS)
    return dict(sorted(by_input.items(), key=lambda kv: order.index(kv[0]))), other


def answer(question: Question, profile: Mapping[str, Any]) -> str:
    """The answer a profile gives to one question, in words."""
    home = profile.get("home", {})
    name = question.name
    present = name[5:] in home if name.startswith("home.") else name in profile
    value = home.get(name[5:]) if name.startswith("home.") else profile.get(name)
    if question.kind == "sites":
        return ", ".join(SITE_WORDS[s] for s in value) if value else "None known yet"
    if not present or value == "unknown":
        return NOT_SURE
    if question.kind == "yesno":
        return "Yes" if value else "No"
    if question.kind == "choice":
        options: dict[Any, str] = dict(question.options)
        return options.get(value, str(value))
    if question.kind == "fluid":
        return "No limit" if value is None else f"{value} ml a day"
    if question.kind == "date":
        return readable(dt.date.fromisoformat(value)) if value else NOT_SURE
    return str(value)


def describe(profile: Mapping[str, Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The profile in words, step by step: [(step title, [(what, answer), ...]), ...]."""
    return [
        (step.title, [(q.short or q.label, answer(q, profile)) for q in step.questions])
        for step in STEPS
    ]
