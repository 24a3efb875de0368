"""The household as a FHIR R4 Bundle (type "collection"), built and validated with the R4B
models of `fhir.resources` (R4B is R4-compatible for every resource used here):

  Patient           the household's patient member (a nameless Patient if it has none yet)
  RelatedPerson     each caregiver (and any further patient member), related to that Patient
  Practitioner      each physiotherapist
  Goal              one per part of the plan (home safety, exercise, ...); the drinks target
  CarePlan          the current plan: an activity per task, and the movements to avoid and the
                    exercises ruled out as doNotPerform activities; the content release it was
                    made from; a physiotherapist's overrides of the movement rules as notes
                    (who, when, why), and an allowed exercise's reason as its reasonCode
  Task              each dated item (a one-off task's due date, the dose days of the next 12
                    weeks and any dose day already ticked), its status from the ticks

Read from the household export (`planner.store.backup.export`): no password or token hash is in it,
and no email is carried over. Ids are name-based UUIDs, so the same data gives the same ids.
"""

from __future__ import annotations

import datetime as dt
import uuid

from fhir.resources.R4B.bundle import Bundle

from planner import clock, i18n
from planner.i18n import gettext
from planner.plans import key_dates
from planner.plans.domains import LABELS as DOMAIN_LABELS
from planner.plans.localize import Words
from planner.plans.printout import describe_dose, describe_schedule

UCUM = "http://unitsofmeasure.org"
AHEAD = dt.timedelta(weeks=12)  # dose days listed as Tasks after the export's day
# A tick's state as a Task status (R4 task-status); an untouched dated item is "requested".
TASK_STATUS = {
    "done": "completed",
    "not-applicable": "cancelled",
    "needs-help": "on-hold",
    "not-today": "on-hold",
    "open": "requested",
}
_NAMESPACE = uuid.UUID("5a3c1a2e-8f1d-4f43-9a55-6b1f3f0d2c11")  # this planner's FHIR ids


def _id(household_id: int, *parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(map(str, (household_id, *parts)))))


def _ref(resource: dict) -> dict:
    return {"reference": f"urn:uuid:{resource['id']}"}


def _timing(schedule: dict) -> dict:
    """How often, as CarePlan.activity.detail scheduled[x]."""
    kind = schedule.get("kind")
    if kind == "daily":
        return {
            "scheduledTiming": {
                "repeat": {"frequency": schedule["times_per_day"], "period": 1, "periodUnit": "d"}
            }
        }
    if kind == "weekly":
        return {
            "scheduledTiming": {
                "repeat": {"frequency": schedule["times_per_week"], "period": 1, "periodUnit": "wk"}
            }
        }
    if kind == "every-n-weeks" and schedule.get("from"):
        return {
            "scheduledTiming": {
                "repeat": {
                    "boundsPeriod": {"start": schedule["from"]},
                    "frequency": 1,
                    "period": schedule["weeks"],
                    "periodUnit": "wk",
                }
            }
        }
    if kind == "once" and schedule.get("due"):
        return {"scheduledPeriod": {"end": schedule["due"]}}
    return {"scheduledString": describe_schedule(schedule)}


def _people(data: dict, hid: int) -> tuple[dict, list[dict], dict[int, dict]]:
    """The Patient, the other members' resources and each member's resource by user id."""
    members = data["members"]
    patient_member = next((m for m in members if m["role"] == "patient"), None)
    patient = {
        "resourceType": "Patient",
        "id": _id(hid, "user", patient_member["user_id"])
        if patient_member
        else _id(hid, "patient"),
    }
    if patient_member:
        patient["name"] = [{"text": patient_member["name"]}]
    by_user = {patient_member["user_id"]: patient} if patient_member else {}
    others = []
    for m in members:
        if m["user_id"] in by_user:
            continue
        if m["role"] == "physio":
            resource = {
                "resourceType": "Practitioner",
                "id": _id(hid, "user", m["user_id"]),
                "name": [{"text": m["name"]}],
            }
        else:
            resource = {
                "resourceType": "RelatedPerson",
                "id": _id(hid, "user", m["user_id"]),
                "patient": _ref(patient),
                "name": [{"text": m["name"]}],
                "relationship": [
                    {
                        "text": gettext("Caregiver")
                        if m["role"] == "caregiver"
                        else gettext("Household member")
                    }
                ],
            }
        by_user[m["user_id"]] = resource
        others.append(resource)
    return patient, others, by_user


def _goals(hid: int, items: list[dict], patient: dict) -> dict[str, dict]:
    goals = {}
    for item in items:
        domain = item["domain"]
        goal = goals.setdefault(
            domain,
            {
                "resourceType": "Goal",
                "id": _id(hid, "goal", domain),
                "lifecycleStatus": "active",
                "description": {"text": DOMAIN_LABELS.get(domain, domain)},
                "subject": _ref(patient),
            },
        )
        if item.get("target_ml"):
            goal.setdefault("target", []).append(
                {
                    "measure": {"text": item.get("title") or item["id"]},
                    "detailQuantity": {
                        "value": item["target_ml"],
                        "unit": "mL",
                        "system": UCUM,
                        "code": "mL",
                    },
                }
            )
    return goals


def _activity(item: dict, goal: dict) -> dict:
    description = " ".join(
        part for part in (item.get("detail"), describe_dose(item.get("prescription"))) if part
    )
    detail = {
        "status": "in-progress",
        "doNotPerform": False,
        "code": {"text": item.get("title") or item["id"]},
        "goal": [_ref(goal)],
        **_timing(item.get("schedule") or {}),
    }
    if description:
        detail["description"] = description
    reason = _activity_reason(item)
    if reason:
        detail["reasonCode"] = reason
    return {"detail": detail}


def _not_to_do(plan: dict) -> list[dict]:
    """The movements to avoid and the exercises ruled out, as doNotPerform activities."""
    activities = []
    for rule in plan.get("avoid_in_daily_life") or []:
        for movement in rule.get("movements") or []:
            activities.append(
                {
                    "detail": {
                        "status": "in-progress",
                        "doNotPerform": True,
                        "code": {"text": movement},
                        "description": rule.get("advice") or movement,
                    }
                }
            )
    for excluded in plan.get("excluded") or []:
        detail = {
            "status": "in-progress",
            "doNotPerform": True,
            "code": {"text": excluded.get("title") or excluded["id"]},
        }
        if excluded.get("reason"):
            detail["reasonCode"] = [{"text": excluded["reason"]}]
        activities.append({"detail": detail})
    return activities


def _overrides(plan: dict, items: list[dict], by_user: dict[int, dict]) -> list[dict]:
    """A physiotherapist's overrides of the movement rules, as CarePlan notes: an exercise
    allowed despite its rules, a rule lifted for the person; each with who and when."""
    found = [
        (
            i.get("override_by"),
            i.get("override_on"),
            gettext(
                "%(title)s: allowed despite %(rules)s. Reason: %(reason)s",
                title=i.get("title") or i["id"],
                rules="; ".join(i.get("override_rules") or [])
                or i.get("ruled_out")
                or gettext("a rule"),
                reason=i["override_reason"],
            ),
        )
        for i in items
        if i.get("override_reason")
    ]
    found += [
        (
            r.get("by"),
            r.get("on"),
            gettext(
                "Rule lifted for this person: %(title)s. Reason: %(reason)s",
                title=r["title"],
                reason=r.get("reason", ""),
            ),
        )
        for r in plan.get("lifted") or []
    ]
    notes = []
    for by, on, text in found:
        note: dict = {"text": text}
        if by in by_user:
            note["authorReference"] = _ref(by_user[by])
        else:
            note["authorString"] = gettext("Physiotherapist")
        if on:
            note["time"] = on
        notes.append(note)
    return notes


def _activity_reason(item: dict) -> list[dict]:
    """Why an exercise a rule leaves out is on the plan (its override), as reasonCode."""
    if not item.get("override_reason"):
        return []
    return [
        {
            "text": gettext(
                "Allowed by the physiotherapist: %(reason)s", reason=item["override_reason"]
            )
        }
    ]


def _tasks(
    hid: int, items: list[dict], ticks: list[dict], care_plan: dict, patient: dict, today: dt.date
) -> list[dict]:
    state = {(t["item_id"], t["occurrence"]): t for t in ticks if t["slot"] == 0}
    ticked_days = [clock.parse_day(t["occurrence"]) for t in ticks]
    first = min([d for d in ticked_days if d] + [today])
    resources = []
    for day, occurrence, item in key_dates.dated(items, first, today + AHEAD):
        tick = state.get((item["id"], occurrence))
        if occurrence != key_dates.recurrence.ONCE and day < today and tick is None:
            continue  # a past dose day nobody ticked: nothing to report
        task = {
            "resourceType": "Task",
            "id": _id(hid, "task", item["id"], occurrence),
            "status": TASK_STATUS[tick["state"]] if tick else "requested",
            "intent": "plan",
            "description": item.get("title") or item["id"],
            "basedOn": [_ref(care_plan)],
            "for": _ref(patient),
            "restriction": {"period": {"end": day.isoformat()}},
        }
        if tick:
            task["lastModified"] = tick["updated_at"]
        resources.append(task)
    return resources


def bundle(
    data: dict,
    today: dt.date,
    at: dt.datetime,
    words: Words | None = None,
    lang: str = i18n.SOURCE,
) -> Bundle:
    """The export `data` as a validated FHIR Bundle; `today` is the household's day (which dose
    days are ahead), `at` the moment of the export (the Bundle's timestamp). `words`: the plan's
    words in `lang` (plans/localize.py); every resource says its `language` (FHIR R4
    Resource.language), and a text still in English says so in words."""
    hid = data["household"]["id"]
    patient, others, by_user = _people(data, hid)
    resources = [patient, *others]
    current = data["plans"][-1] if data["plans"] else None
    if current:
        items = [t["item"] for t in data["tasks"] if t["active"]]
        if words:
            items = [words.item(i) for i in items]
            current = {**current, "plan": words.plan(current["plan"])}
        goals = _goals(hid, items, patient)
        care_plan = {
            "resourceType": "CarePlan",
            "id": _id(hid, "careplan", current["version"]),
            "status": "active",
            "intent": "plan",
            "title": gettext(
                "%(name)s: home plan, version %(version)s",
                name=data["household"]["name"],
                version=current["version"],
            ),
            "subject": _ref(patient),
            "created": current["created_at"],
            "goal": [_ref(g) for g in goals.values()],
            "activity": [_activity(i, goals[i["domain"]]) for i in items]
            + _not_to_do(current["plan"]),
        }
        if current.get("created_by") in by_user:
            care_plan["author"] = _ref(by_user[current["created_by"]])
        if current.get("content_release"):
            care_plan["description"] = gettext(
                "Made from release %(release)s of the planner's advice (content %(code)s).",
                release=current["content_release"],
                code=current["content_hash"][:12],
            )
        notes = _overrides(current["plan"], items, by_user)
        if notes:
            care_plan["note"] = notes
        if others:
            care_plan["contributor"] = [_ref(r) for r in others]
        resources += [
            *goals.values(),
            care_plan,
            *_tasks(hid, items, data["ticks"], care_plan, patient, today),
        ]
    resources = [{**r, "language": lang} for r in i18n.plain_all(resources)]  # type: ignore[union-attr]
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": _id(hid, "bundle", clock.iso(at)),
            "language": lang,
            "type": "collection",
            "timestamp": clock.iso(at),
            "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
        }
    )


def to_json(
    data: dict,
    today: dt.date,
    at: dt.datetime,
    words: Words | None = None,
    lang: str = i18n.SOURCE,
) -> str:
    """The Bundle as FHIR JSON text."""
    return bundle(data, today, at, words, lang).model_dump_json(indent=2, exclude_none=True)
