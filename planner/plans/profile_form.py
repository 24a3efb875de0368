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

from planner.i18n import N_, Said, gettext
from planner.plans.context import readable
from planner.plans.profile import BOOLEANS, DATES, ENUMS, HOME_FIELDS, LESION_SITES, Problem

NOT_SURE = N_("Not sure")
YES_NO = (("yes", N_("Yes")), ("no", N_("No")))


@dataclass(frozen=True)
class Question:
    name: str  # the profile field ("home.pets" for home fields); also the form input name
    kind: str  # sites, choice, yesno, date, number, fluid
    label: str
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()
    short: str = ""  # how the answer is introduced on the profile page

    def __getattribute__(self, name: str) -> Any:
        # The words are msgids (N_), said in the language being spoken whenever read.
        value = object.__getattribute__(self, name)
        if name in ("label", "hint", "short"):
            return gettext(value) if value else value
        if name == "options":
            return tuple((key, gettext(words)) for key, words in value)
        return value

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

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        return gettext(value) if name in ("title", "intro") and value else value


SITE_GROUPS = (
    (
        N_("Head and neck"),
        (("skull", N_("Skull (head)")), ("spine-cervical", N_("Neck (top of the spine)"))),
    ),
    (
        N_("Back and chest"),
        (
            ("spine-thoracic", N_("Upper and middle back")),
            ("spine-lumbar", N_("Lower back")),
            ("ribs", N_("Ribs")),
            ("sternum", N_("Breastbone (sternum)")),
        ),
    ),
    (
        N_("Hips and legs"),
        (
            ("pelvis", N_("Pelvis (hip bones)")),
            ("femur-left", N_("Left thigh bone")),
            ("femur-right", N_("Right thigh bone")),
        ),
    ),
    (
        N_("Arms"),
        (("humerus-left", N_("Left upper arm")), ("humerus-right", N_("Right upper arm"))),
    ),
    (N_("Elsewhere"), (("other", N_("Another bone")),)),
)
SITE_WORDS = Said({value: words for _, sites in SITE_GROUPS for value, words in sites})


def site_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The places of the body, grouped, in the language being spoken (the profile form)."""
    return [
        (gettext(group), [(value, gettext(words)) for value, words in sites])
        for group, sites in SITE_GROUPS
    ]


assert set(SITE_WORDS) == set(LESION_SITES)


def _yesno(name: str, label: str, short: str, hint: str = "") -> Question:
    return Question(name, "yesno", label, hint, YES_NO, short)


STEPS: tuple[Step, ...] = (
    Step(
        "where",
        N_("Where are the bone metastases?"),
        N_(
            "Tick every place your care team has told you about. If you are not sure, or none is "
            "known yet, leave them all empty: the plan will then be careful everywhere."
        ),
        (Question("lesion_sites", "sites", N_("Places in the body"), short=N_("Bone metastases")),),
    ),
    Step(
        "movement",
        N_("Bones and movement"),
        N_("What your care team has said about your bones, and how you get about."),
        (
            Question(
                "fracture_risk",
                "choice",
                N_("What has your care team said about the risk of a bone breaking?"),
                options=(("low", N_("Low")), ("moderate", N_("Medium")), ("high", N_("High"))),
                short=N_("Risk of a bone breaking"),
            ),
            Question(
                "weight_bearing",
                "choice",
                N_("How much weight may you put on your legs?"),
                options=(
                    ("full", N_("Full weight")),
                    ("partial", N_("Only some weight")),
                    ("none", N_("No weight at all")),
                ),
                short=N_("Weight on the legs"),
            ),
            _yesno(
                "spinal_instability",
                N_(
                    "Has your care team said your spine is unstable, or that you must wear a brace?"
                ),
                N_("Spine unstable or brace needed"),
            ),
            Question(
                "mobility_aid",
                "choice",
                N_("What do you use to get about?"),
                options=(
                    ("none", N_("Nothing")),
                    ("cane", N_("A walking stick")),
                    ("walker", N_("A walking frame")),
                    ("wheelchair", N_("A wheelchair")),
                ),
                short=N_("Walking aid"),
            ),
            Question(
                "falls_past_year",
                "number",
                N_("How many times have you fallen in the past year?"),
                N_("Write 0 if you have not fallen. Leave it empty if you are not sure."),
                short=N_("Falls in the past year"),
            ),
        ),
    ),
    Step(
        "medicine",
        N_("Bone medicine and teeth"),
        N_(
            "Some bone-strengthening medicines can, rarely, harm the jaw, so the plan looks after "
            "your teeth around them."
        ),
        (
            Question(
                "bone_agent",
                "choice",
                N_("Which bone-strengthening medicine is planned or used?"),
                options=(
                    ("none", N_("None")),
                    ("denosumab", N_("Denosumab (Xgeva), an injection")),
                    ("zoledronic-acid", N_("Zoledronic acid (Zometa), a drip")),
                    ("pamidronate", N_("Pamidronate, a drip")),
                    ("other-bisphosphonate", N_("Another bisphosphonate")),
                    ("undecided", N_("Not decided yet")),
                ),
                short=N_("Bone medicine"),
            ),
            _yesno(
                "bone_agent_started",
                N_("Have you had the first dose already?"),
                N_("First dose already given"),
            ),
            Question(
                "bone_agent_start",
                "date",
                N_("Date of the first dose, or the planned first dose"),
                N_("Leave it empty if you do not know it."),
                short=N_("First dose"),
            ),
            Question(
                "bone_agent_interval",
                "choice",
                N_("How often is it given?"),
                N_(
                    "Your letters or your team will say. If you are not sure, the plan shows no "
                    "dates for it and your team gives you the days."
                ),
                options=(("4-weekly", N_("Every 4 weeks")), ("12-weekly", N_("Every 12 weeks"))),
                short=N_("How often it is given"),
            ),
            _yesno(
                "bone_agent_past",
                N_("Have you had a bone-strengthening medicine in the past, even if you stopped?"),
                N_("Bone medicine in the past"),
            ),
            Question(
                "bone_agent_stopped",
                "date",
                N_("If you stopped one, when did you stop?"),
                N_("An approximate date is fine. Leave it empty if you do not know."),
                short=N_("Past bone medicine stopped"),
            ),
            Question(
                "last_dental_exam",
                "date",
                N_("When did a dentist last check your teeth fully?"),
                N_("An approximate date is fine. Leave it empty if you do not know."),
                short=N_("Last full dental check"),
            ),
            _yesno("dentures", N_("Do you wear dentures?"), N_("Dentures")),
        ),
    ),
    Step(
        "home",
        N_("Your home"),
        N_("These answers choose the home safety checks that matter for your home."),
        (
            _yesno(
                "home.stairs_inside", N_("Are there stairs inside your home?"), N_("Stairs inside")
            ),
            _yesno(
                "home.entrance_steps",
                N_("Are there steps to get into your home?"),
                N_("Steps at the entrance"),
            ),
            _yesno(
                "home.bedroom_upstairs", N_("Is your bedroom upstairs?"), N_("Bedroom upstairs")
            ),
            _yesno("home.bathtub", N_("Do you use a bath tub to wash?"), N_("Bath tub")),
            _yesno("home.walk_in_shower", N_("Is there a walk-in shower?"), N_("Walk-in shower")),
            _yesno(
                "home.loose_rugs",
                N_("Are there loose rugs or mats on the floors?"),
                N_("Loose rugs"),
            ),
            _yesno("home.pets", N_("Are there pets in your home?"), N_("Pets")),
            _yesno(
                "home.night_toilet_trips",
                N_("Do you get up to use the toilet at night?"),
                N_("Toilet trips at night"),
            ),
        ),
    ),
    Step(
        "health",
        N_("Your health"),
        N_("A few things that change how much to drink and which warning signs matter most."),
        (
            Question(
                "fluid_restriction_ml",
                "fluid",
                N_("Has a doctor set a limit on how much you may drink each day?"),
                N_("For example because of heart or kidney disease."),
                (("none", N_("No, there is no limit")), ("yes", N_("Yes, a limit of"))),
                short=N_("Daily drinking limit"),
            ),
            _yesno("kidney_problems", N_("Do you have kidney problems?"), N_("Kidney problems")),
            _yesno("dialysis", N_("Do you have kidney dialysis?"), N_("Kidney dialysis")),
            _yesno(
                "heart_failure",
                N_("Has a doctor said you have heart failure?"),
                N_("Heart failure"),
            ),
            _yesno(
                "hypercalcaemia_history",
                N_("Have you ever had high calcium in the blood?"),
                N_("High calcium before"),
            ),
            _yesno("lives_alone", N_("Do you live alone?"), N_("Lives alone")),
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
                Problem(
                    "fluid_restriction_ml", gettext("write the daily limit in millilitres (ml)")
                )
            )
    elif limit:
        problems.append(Problem("fluid_restriction_ml", gettext("choose one of the answers")))
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
        return ", ".join(SITE_WORDS[s] for s in value) if value else gettext("None known yet")
    if not present or value == "unknown":
        return gettext(NOT_SURE)
    if question.kind == "yesno":
        return gettext("Yes") if value else gettext("No")
    if question.kind == "choice":
        options: dict[Any, str] = dict(question.options)
        return options.get(value, str(value))
    if question.kind == "fluid":
        return gettext("No limit") if value is None else gettext("%(ml)s ml a day", ml=value)
    if question.kind == "date":
        return readable(dt.date.fromisoformat(value)) if value else gettext(NOT_SURE)
    return str(value)


def describe(profile: Mapping[str, Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The profile in words, step by step: [(step title, [(what, answer), ...]), ...]."""
    return [
        (step.title, [(q.short or q.label, answer(q, profile)) for q in step.questions])
        for step in STEPS
    ]
