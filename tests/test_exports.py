"""Exports: the tick history as CSV and the household as a FHIR R4 Bundle, from the CLI and
the web. Every export is parsed back; a FHIR validation error fails the test."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from fhir.resources.R4B.bundle import Bundle

from planner.cli import cli
from planner.exports import fhir, ticks_csv
from planner.store import accounts, activity, backup, links, plans, ticks
from tests import factories as f
from tests.conftest import login

# Codes the R4 spec binds as "required"; fhir.resources checks types and cardinality, these the
# values (https://hl7.org/fhir/R4/valueset-*.html).
REQUIRED_CODES = {
    "CarePlan.status": {
        "draft",
        "active",
        "on-hold",
        "revoked",
        "completed",
        "entered-in-error",
        "unknown",
    },
    "CarePlan.intent": {"proposal", "plan", "order", "option"},
    "CarePlanActivityDetail.status": {
        "not-started",
        "scheduled",
        "in-progress",
        "on-hold",
        "completed",
        "cancelled",
        "stopped",
        "unknown",
        "entered-in-error",
    },
    "Goal.lifecycleStatus": {
        "proposed",
        "planned",
        "accepted",
        "active",
        "on-hold",
        "completed",
        "cancelled",
        "entered-in-error",
        "rejected",
    },
    "Task.status": {
        "draft",
        "requested",
        "received",
        "accepted",
        "rejected",
        "ready",
        "cancelled",
        "in-progress",
        "on-hold",
        "failed",
        "completed",
        "entered-in-error",
    },
    "Task.intent": {
        "unknown",
        "proposal",
        "plan",
        "order",
        "original-order",
        "reflex-order",
        "filler-order",
        "instance-order",
        "option",
    },
}


@pytest.fixture
def h(app, db, catalog):
    w = f.home(app, db, catalog)
    # Anna breathes; Ben marks her teeth for her; Anna sets the dental check-up aside.
    ticks.set_state(
        db, w["id"], "belly-breathing", f.DAY.isoformat(), 0, "done", w["patient"], at=f.NOW
    )
    ticks.set_state(
        db,
        w["id"],
        "clean-teeth-fluoride",
        f.DAY.isoformat(),
        0,
        "done",
        w["caregiver"],
        w["patient"],
        at=f.NOW,
    )
    ticks.set_state(
        db,
        w["id"],
        "dental-checkup-now-on-treatment",
        "once",
        0,
        "needs-help",
        w["patient"],
        at=f.NOW,
    )
    return w


def _data(app, h):
    return backup.export(app.config["DATABASE"], h["id"])


def _resources(bundle: Bundle, kind: str) -> list:
    return [e.resource for e in bundle.entry if e.resource.get_resource_type() == kind]


def _parse_fhir(text: str) -> Bundle:
    """Parse a FHIR export back, checking every entry as its own resource type too."""
    raw = json.loads(text)
    parsed = Bundle.model_validate(raw)
    from fhir.resources.R4B import get_fhir_model_class

    for entry in raw["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        for path, allowed in REQUIRED_CODES.items():
            kind, _, field = path.partition(".")
            if kind == resource["resourceType"] and field in resource:
                assert resource[field] in allowed, (path, resource[field])
        for step in resource.get("activity", []):
            assert step["detail"]["status"] in REQUIRED_CODES["CarePlanActivityDetail.status"]
    return parsed


def test_csv_has_one_row_per_tick_event(app, db, h):
    rows = list(csv.DictReader(io.StringIO(ticks_csv.to_csv(_data(app, h)))))
    assert [r["task"] for r in rows] == [
        plans.get_task(db, h["id"], item)["title"]
        for item in ("belly-breathing", "clean-teeth-fluoride", "dental-checkup-now-on-treatment")
    ]
    breathing, teeth, check = rows
    assert breathing == {
        "day": "2026-11-23",
        "task": breathing["task"],
        "state": "done",
        "who": "Anna",
        "for_whom": "",
        "when": "2026-11-23T12:00:00+00:00",
    }
    assert (teeth["who"], teeth["for_whom"]) == ("Ben", "Anna")
    assert (check["day"], check["state"]) == ("2026-11-23", "needs-help")


def test_csv_times_are_the_households_own(app, db, h):
    accounts.set_timezone(db, h["id"], "Pacific/Auckland")  # UTC+13 in November
    rows = list(csv.DictReader(io.StringIO(ticks_csv.to_csv(_data(app, h)))))
    assert rows[0]["when"] == "2026-11-24T01:00:00+13:00"


def test_a_title_that_looks_like_a_formula_stays_text(app, db, h):
    item = {**plans.get_task(db, h["id"], "belly-breathing"), "title": '=HYPERLINK("x")'}
    db.execute(
        "update tasks set item_json = ? where household_id = ? and item_id = ?",
        [json.dumps(item), h["id"], "belly-breathing"],
    )
    rows = list(csv.DictReader(io.StringIO(ticks_csv.to_csv(_data(app, h)))))
    assert rows[0]["task"] == '\'=HYPERLINK("x")'


def test_fhir_bundle_validates_and_holds_the_plan(app, db, h):
    bundle = _parse_fhir(fhir.to_json(_data(app, h), f.DAY, f.NOW))
    assert bundle.type == "collection"
    (patient,) = _resources(bundle, "Patient")
    assert patient.name[0].text == "Anna"
    (ben,) = _resources(bundle, "RelatedPerson")
    assert (ben.name[0].text, ben.relationship[0].text) == ("Ben", "Caregiver")
    assert ben.patient.reference == f"urn:uuid:{patient.id}"
    (priya,) = _resources(bundle, "Practitioner")
    assert priya.name[0].text == "Priya"

    (care_plan,) = _resources(bundle, "CarePlan")
    assert care_plan.subject.reference == f"urn:uuid:{patient.id}"
    to_do = [a.detail for a in care_plan.activity if not a.detail.doNotPerform]
    avoid = [a.detail for a in care_plan.activity if a.detail.doNotPerform]
    planned = plans.tasks(db, h["id"])
    assert [d.code.text for d in to_do] == [i["title"] for i in planned]
    assert "jumping, running or jogging" in [d.code.text for d in avoid]
    assert "Go for a short, gentle walk" in [d.code.text for d in avoid]
    # The plan never both asks for and forbids the same thing.
    assert not {d.code.text for d in to_do} & {d.code.text for d in avoid}
    drinks = next(d for d in to_do if d.code.text.startswith("Drink about"))
    assert (drinks.scheduledTiming.repeat.frequency, drinks.scheduledTiming.repeat.periodUnit) == (
        8,
        "d",
    )

    goals = {g.description.text: g for g in _resources(bundle, "Goal")}
    assert {"Home safety", "Exercise", "Drinks"} <= set(goals)
    assert goals["Drinks"].target[0].detailQuantity.value == 1600
    ids = {f"urn:uuid:{g.id}" for g in goals.values()}
    assert {ref.reference for ref in care_plan.goal} == ids


def test_fhir_tasks_are_the_dated_items_with_their_state(app, h):
    bundle = _parse_fhir(fhir.to_json(_data(app, h), f.DAY, f.NOW))
    tasks = {
        (t.description, t.restriction.period.end.isoformat()): t for t in _resources(bundle, "Task")
    }
    check = tasks[("Book a dental check-up now", "2026-11-23")]
    assert check.status == "on-hold"  # needs help
    infusions = sorted(
        day for title, day in tasks if title == "Infusion day: zoledronic acid (Zometa)"
    )
    assert infusions == ["2026-12-19", "2027-01-16", "2027-02-13"]  # the next 12 weeks
    # A home set-up task is a Task on the day the paced set-up gave it, not yet done.
    grab_bar = next(
        t["item"]
        for t in _data(app, h)["tasks"]
        if t["item"]["title"] == "Fit a grab bar in the shower"
    )
    assert tasks[(grab_bar["title"], grab_bar["schedule"]["due"])].status == "requested"
    # Recurring tasks are not Tasks: only dated items are.
    assert not [t for t in tasks if t[0] == "Breathe slowly into your belly"]


def test_fhir_ids_are_stable_and_unique(app, h):
    data = _data(app, h)
    first, second = (json.loads(fhir.to_json(data, f.DAY, f.NOW)) for _ in range(2))
    urls = [e["fullUrl"] for e in first["entry"]]
    assert len(urls) == len(set(urls))
    assert urls == [e["fullUrl"] for e in second["entry"]]


def test_a_household_without_a_plan_exports_its_people(app, db, catalog):
    household, anna = f.household(db)
    data = backup.export(app.config["DATABASE"], household["id"])
    bundle = _parse_fhir(fhir.to_json(data, f.DAY, f.NOW))
    assert [e.resource.get_resource_type() for e in bundle.entry] == ["Patient"]
    assert list(csv.reader(io.StringIO(ticks_csv.to_csv(data)))) == [list(ticks_csv.COLUMNS)]


def run(*args):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("fmt", ["csv", "fhir"])
def test_cli_writes_each_format(app, h, tmp_path, fmt):
    out = tmp_path / f"export.{fmt}"
    result = run(
        "export",
        "--household",
        str(h["id"]),
        "--db",
        app.config["DATABASE"],
        "--format",
        fmt,
        "--output",
        str(out),
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    if fmt == "csv":
        assert len(list(csv.DictReader(io.StringIO(text)))) == 3
    else:
        assert _resources(_parse_fhir(text), "CarePlan")


def test_cli_refuses_an_unknown_format(app, h):
    result = run(
        "export", "--household", str(h["id"]), "--db", app.config["DATABASE"], "--format", "xml"
    )
    assert result.exit_code == 2 and "xml" in result.stderr


@pytest.mark.parametrize("role", ["patient", "caregiver", "physio"])
def test_every_member_downloads_each_format_without_a_secret(app, db, h, role):
    links.create_link(db, h["id"], links.VIEW, h["patient"], f.NOW, at=f.NOW)
    secrets = [r[0] for r in db.execute("select password_hash from users").fetchall()] + [
        r[0] for r in db.execute("select token_hash from invites").fetchall()
    ]
    client = app.test_client()
    login(client, h[role])
    page = client.get(f"/h/{h['id']}/export")
    assert page.status_code == 200 and b"Download the ticks (CSV)" in page.data
    for fmt, kind in (
        ("json", "application/json"),
        ("csv", "text/csv"),
        ("fhir", "application/fhir+json"),
    ):
        response = client.get(f"/h/{h['id']}/export/{fmt}")
        assert response.status_code == 200 and response.mimetype == kind
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
        assert response.headers["Cache-Control"] == "no-store"
        text = response.get_data(as_text=True)
        assert not [s for s in secrets if s in text]
        assert "password" not in text and "token_hash" not in text
        if fmt == "json":
            assert json.loads(text)["household"]["id"] == h["id"]
        elif fmt == "csv":
            assert len(list(csv.DictReader(io.StringIO(text)))) == 3
        else:
            _parse_fhir(text)
    # Each download is in the patient's activity log: who, which, when.
    logged = activity.entries(db, h["id"], ("exported",))
    assert [(e["detail"]["format"], e["actor_id"]) for e in logged] == [
        ("fhir", h[role]),
        ("csv", h[role]),
        ("json", h[role]),
    ]


def test_an_unknown_format_is_not_found(app, h):
    client = app.test_client()
    login(client, h["patient"])
    assert client.get(f"/h/{h['id']}/export/xml").status_code == 404
