"""Who may use every route: anonymous, each role of a member, and a member of another household.

ROUTES declares every (endpoint, method) of the app. The first test walks Flask's URL map and
fails for a route missing here, so a new page or action cannot escape the matrix: declare it,
with real URL values and a valid form, and say who may use it.

  PUBLIC     anyone, signed in or not, gets `ok`
  SIGNED_IN  anonymous visitors are sent to sign in; anyone signed in gets `ok`
  member(*roles)  anonymous: sign in; a member in one of `roles`: `ok`; a member in another
             role: 403; anyone who is not a member (or a household that does not exist): 404

Every refused request (sign-in redirect, 403, 404) must leave the database unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from flask import url_for

from planner.plans.engine import exercise_library
from planner.plans.tailoring import takes_dose
from planner.store import accounts, calendar_feeds, links, plans, proposals, resets, visits
from planner.store import tailoring as tailoring_store
from tests import factories as f
from tests.conftest import CSRF, login
from tests.dbstate import dump
from tests.test_profile_views import FULL_FORM

ROLES = ("patient", "caregiver", "physio")
SUBJECTS = ("anonymous", *ROLES, "outsider")
PUBLIC, SIGNED_IN = "public", "signed-in"
DAY = f.DAY.isoformat()
PASSWORD = f.PASSWORD


@dataclass(frozen=True)
class Route:
    """Who may use one method of one endpoint, and how to call it for real."""

    access: str | tuple[str, ...]  # PUBLIC, SIGNED_IN, or the roles of members allowed
    ok: int = 200  # the status of a request that is allowed
    ok_signed_in: int | None = None  # when a signed-in person gets something else
    values: Callable[[dict, object], dict] = field(default=lambda w, db: {})
    form: Callable[[dict, object], dict] = field(default=lambda w, db: {})


def member(*roles: str) -> tuple[str, ...]:
    return roles or ROLES


def _household(w, db):
    return {"household_id": w["id"]}


def _token(kind: str):
    def make(w, db) -> str:
        return links.create_link(
            db,
            w["id"],
            kind,
            w["patient"],
            f.NOW + dt.timedelta(days=7),
            "caregiver" if kind == links.MEMBER else None,
            at=f.NOW,
        )

    return make


_invite_token, _view_token = _token(links.MEMBER), _token(links.VIEW)


def _link(w, db):
    _invite_token(w, db)
    latest = db.execute("select max(id) from invites").fetchone()[0]
    return {"household_id": w["id"], "link_id": latest}


def _someone_to_remove(w, db):
    return {"household_id": w["id"], "user_id": f.member(db, w["id"], "physio", "Zed")["id"]}


def _exercise(w, db, n=0):
    """The n-th exercise of the household's plan."""
    items = plans.current_plan(db, w["id"])["plan"]["items"]
    return [i["id"] for i in items if i["domain"] == "exercise"][n]


def _exercise_values(w, db):
    return {"household_id": w["id"], "item_id": _exercise(w, db)}


def _dosable_values(w, db):
    """An exercise that takes a dose (advice items do not)."""
    items = plans.current_plan(db, w["id"])["plan"]["items"]
    return {
        "household_id": w["id"],
        "item_id": next(i["id"] for i in items if i["domain"] == "exercise" and takes_dose(i)),
    }


def _to_add(w, db):
    """An exercise of the library not on the plan, with the written reason one the profile
    rules out needs (every exercise this profile allows is already planned)."""
    from planner.plans.catalog import default_folder, load_catalog

    planned = {i["id"] for i in plans.current_plan(db, w["id"])["plan"]["items"]}
    library = exercise_library(f.PROFILE, load_catalog(default_folder()), f.DAY)
    return {
        "item_id": next(e["id"] for e in library if e["id"] not in planned),
        "override_reason": "Checked with the orthopaedic surgeon last week.",
    }


def _template(w, db):
    """A template of the household's physiotherapist (templates belong to their owner)."""
    template_id = tailoring_store.save_template(
        db, w["physio"], f"Plan {f._n.__next__()}", {"entries": []}, at=f.NOW
    )
    return {"household_id": w["id"], "template_id": template_id}


def _proposal(w, db):
    """A change waiting for the physiotherapist: the caregiver's lower fracture risk."""
    change = {
        "field": "fracture_risk",
        "from": "high",
        "to": "low",
        "words": "risk of a bone breaking from high to low",
    }
    return {
        "household_id": w["id"],
        "proposal_id": proposals.propose(db, w["id"], [change], w["caregiver"], at=f.NOW),
    }


def _unsubscribe(w, db):
    from planner.reminders import settings as reminder_settings

    return {"token": reminder_settings.unsubscribe_token(db, w["id"], w["patient"], at=f.NOW)}


SUBSCRIPTION = json.dumps(
    {"endpoint": "https://push.example/send/abc", "keys": {"p256dh": "BCdE", "auth": "xyz"}}
)


def _feed_token(w, db, user="patient"):
    return calendar_feeds.create_feed(db, w["id"], w[user], False, True, at=f.NOW)


def _feed(w, db):
    """A feed of the household: revoking someone else's is refused (a flash), not an error."""
    _feed_token(w, db)
    latest = db.execute("select max(id) from calendar_feeds").fetchone()[0]
    return {"household_id": w["id"], "feed_id": latest}


def _question(w, db):
    question_id = visits.add_question(db, w["id"], "When is the next scan?", w["patient"], at=f.NOW)
    return {"household_id": w["id"], "question_id": question_id}


def _lifted(w, db):
    """The household's draft lifts the pelvis rule, so the physiotherapist may put it back."""
    from planner.plans import overrides, tailoring
    from planner.plans.context import build_context
    from tests.plans import CATALOG

    ctx = build_context(f.PROFILE, CATALOG, f.DAY)
    draft = overrides.lift(tailoring.empty(), "pelvis", "Stable.", CATALOG, ctx, w["physio"], DAY)
    tailoring_store.save_draft(db, w["id"], draft, w["physio"], at=f.NOW)
    return {"household_id": w["id"], "rule_id": "pelvis"}


def _email(w, db):
    return accounts.get_user(db, w["patient"])["email"]


ROUTES: dict[tuple[str, str], Route] = {
    ("static", "GET"): Route(PUBLIC, values=lambda w, db: {"filename": "app.css"}),
    ("households.index", "GET"): Route(PUBLIC),
    ("redflags.show", "GET"): Route(PUBLIC),
    ("auth.signup", "GET"): Route(PUBLIC),
    ("auth.signup", "POST"): Route(
        PUBLIC,
        ok=303,
        form=lambda w, db: {
            "name": "New",
            "email": f"new{f._n.__next__()}@example.org",
            "password": PASSWORD,
        },
    ),
    ("auth.login", "GET"): Route(PUBLIC, ok_signed_in=302),
    ("auth.login", "POST"): Route(
        PUBLIC, ok=303, form=lambda w, db: {"email": _email(w, db), "password": PASSWORD}
    ),
    ("auth.logout", "POST"): Route(PUBLIC, ok=303),
    ("households.join", "GET"): Route(PUBLIC, values=lambda w, db: {"token": _invite_token(w, db)}),
    # Anyone signed in who holds the link may join: the link is the permission.
    ("households.join", "POST"): Route(
        SIGNED_IN, ok=303, values=lambda w, db: {"token": _invite_token(w, db)}
    ),
    ("households.create", "POST"): Route(
        SIGNED_IN, ok=303, form=lambda w, db: {"name": "Another home", "role": "caregiver"}
    ),
    ("households.members", "GET"): Route(member(), values=_household),
    # The patient removes people (or the caregiver they name: see the escalation tests).
    ("households.remove", "POST"): Route(member("patient"), ok=303, values=_someone_to_remove),
    ("households.name_manager", "POST"): Route(
        member("patient"), ok=303, values=_household, form=lambda w, db: {"user_id": w["caregiver"]}
    ),
    ("households.activity_log", "GET"): Route(member("patient"), values=_household),
    ("households.set_timezone", "POST"): Route(
        member(*accounts.MANAGERS),
        ok=303,
        values=_household,
        form=lambda w, db: {"timezone": "Europe/Paris"},
    ),
    ("profile.show", "GET"): Route(member(), values=_household),
    ("profile.edit", "GET"): Route(member(), values=_household),
    ("profile.edit", "POST"): Route(member(), values=_household, form=lambda w, db: FULL_FORM),
    ("profile.apply", "POST"): Route(
        member(),
        ok=303,
        values=_household,
        form=lambda w, db: {"profile_json": json.dumps(f.PROFILE)},
    ),
    ("today.show", "GET"): Route(member(), values=_household),
    ("today.set_state", "POST"): Route(
        member(),
        ok=303,
        values=lambda w, db: {"household_id": w["id"], "item_id": "belly-breathing"},
        form=lambda w, db: {"occurrence": DAY, "slot": "0", "state": "done"},
    ),
    ("today.answer", "POST"): Route(
        member(),
        ok=303,
        values=lambda w, db: {"household_id": w["id"], "field": "home.stairs_inside"},
        form=lambda w, db: {"answer": "yes"},
    ),
    ("walkthrough.show", "GET"): Route(member(), values=_household),
    ("walkthrough.assign", "POST"): Route(
        member(),
        ok=303,
        values=lambda w, db: {"household_id": w["id"], "item_id": "bath-seat"},
        form=lambda w, db: {"user_id": str(w["caregiver"])},
    ),
    ("walkthrough.set_state", "POST"): Route(
        member(),
        ok=303,
        values=lambda w, db: {"household_id": w["id"], "item_id": "bath-seat"},
        form=lambda w, db: {"state": "done"},
    ),
    ("history.show", "GET"): Route(member(), values=_household),
    ("share.show", "GET"): Route(member(), values=_household),
    # Invites into each role: test_a_member_invites_only_into_roles_they_may_grant.
    ("share.create", "POST"): Route(
        member(), ok=303, values=_household, form=lambda w, db: {"kind": "view", "expires": "7"}
    ),
    ("share.revoke", "POST"): Route(member(), ok=303, values=_link),
    # Anyone holding an active view link sees the plan: the link is the permission.
    ("share.view", "GET"): Route(PUBLIC, values=lambda w, db: {"token": _view_token(w, db)}),
    ("share.handout", "GET"): Route(member(), values=_household),
    ("health.show", "GET"): Route(PUBLIC),  # for load balancers: no session, no data
    ("versions.index", "GET"): Route(member(), values=_household),
    ("versions.show", "GET"): Route(
        member(), values=lambda w, db: {"household_id": w["id"], "version": 1}
    ),
    ("versions.seen", "POST"): Route(
        member(), ok=303, values=_household, form=lambda w, db: {"version": "1"}
    ),
    # The exercise plan and the clinical facts: everyone reads, the physiotherapist edits.
    ("physio.exercises", "GET"): Route(member(), values=_household),
    ("physio.facts", "GET"): Route(member(), values=_household),
    ("physio.facts", "POST"): Route(
        member("physio"), values=_household, form=lambda w, db: FULL_FORM
    ),
    ("physio.confirm", "POST"): Route(member("physio"), ok=303, values=_proposal),
    ("physio.decline", "POST"): Route(member("physio"), ok=303, values=_proposal),
    ("physio.dose", "POST"): Route(
        member("physio"),
        ok=303,
        values=_dosable_values,
        form=lambda w, db: {"sets": "2", "reps": "10"},
    ),
    ("physio.move", "POST"): Route(
        member("physio"), ok=303, values=_exercise_values, form=lambda w, db: {"direction": "down"}
    ),
    ("physio.remove", "POST"): Route(member("physio"), ok=303, values=_exercise_values),
    ("physio.add", "POST"): Route(member("physio"), ok=303, values=_household, form=_to_add),
    ("physio.custom", "POST"): Route(
        member("physio"),
        ok=303,
        values=_household,
        form=lambda w, db: {
            "title": "Heel raises at the counter",
            "detail": "Hold the counter; rise slowly.",
            "sessions_per_week": "3",
        },
    ),
    ("physio.publish", "POST"): Route(member("physio"), ok=303, values=_household),
    ("physio.discard", "POST"): Route(member("physio"), ok=303, values=_household),
    ("exercise_templates.index", "GET"): Route(member("physio"), values=_household),
    ("exercise_templates.save", "POST"): Route(
        member("physio"), ok=303, values=_household, form=lambda w, db: {"name": "Hip plan"}
    ),
    ("exercise_templates.check", "GET"): Route(member("physio"), values=_template),
    # Without the confirmation the preview comes back (422): the role got through.
    ("exercise_templates.apply", "POST"): Route(member("physio"), ok=422, values=_template),
    # The care team's numbers: practical, not clinical; every member reads and changes them.
    ("contacts.edit", "GET"): Route(member(), values=_household),
    ("contacts.save", "POST"): Route(
        member(),
        ok=303,
        values=_household,
        form=lambda w, db: {"emergency-phone": "999", "cancer-team-phone": "+44 (0)1632 960-111"},
    ),
    # Downloads of the household's data: every member (each sees all of it in the app).
    ("exports.index", "GET"): Route(member(), values=_household),
    ("exports.download", "GET"): Route(
        member(), values=lambda w, db: {"household_id": w["id"], "fmt": "fhir"}
    ),
    # Calendar feeds: each member manages their own; the feed's address is its permission.
    ("calendar.show", "GET"): Route(member(), values=_household),
    ("calendar.create", "POST"): Route(
        member(), ok=303, values=_household, form=lambda w, db: {"daily_summary": "1"}
    ),
    ("calendar.revoke", "POST"): Route(member(), ok=303, values=_feed),
    ("calendar.feed", "GET"): Route(PUBLIC, values=lambda w, db: {"token": _feed_token(w, db)}),
    # The visit summary and the household's questions for it: every member.
    ("visit.show", "GET"): Route(member(), values=_household),
    ("visit.add_question", "POST"): Route(
        member(), ok=303, values=_household, form=lambda w, db: {"text": "Can I swim yet?"}
    ),
    ("visit.remove_question", "POST"): Route(member(), ok=303, values=_question),
    ("visit.set_dates", "POST"): Route(
        member(),
        ok=303,
        values=_household,
        form=lambda w, db: {"last_visit": "2026-11-02", "next_visit": "2026-12-14"},
    ),
    ("share.handout_link", "POST"): Route(
        member(*accounts.MANAGERS),
        ok=303,
        values=_household,
        form=lambda w, db: {"role": "caregiver", "expires": "7"},
    ),
    # Reminders: everyone sets their own; the unsubscribe link in a mail is its own permission.
    ("reminders.settings", "GET"): Route(member(), values=_household),
    ("reminders.settings", "POST"): Route(
        member(),
        ok=303,
        values=_household,
        form=lambda w, db: {"digest": "on", "digest_time": "08:00"},
    ),
    ("reminders.push_subscribe", "POST"): Route(
        member(), ok=303, values=_household, form=lambda w, db: {"subscription": SUBSCRIPTION}
    ),
    ("reminders.push_remove", "POST"): Route(
        member(),
        ok=303,
        values=_household,
        form=lambda w, db: {"endpoint": "https://push.example/send/abc"},
    ),
    ("reminders.unsubscribe", "GET"): Route(PUBLIC, values=_unsubscribe),
    ("reminders.unsubscribe", "POST"): Route(PUBLIC, values=_unsubscribe),
    # The installed app (issue 23): its manifest and worker are public; the start address
    # sends a signed-in person on to their Today.
    ("install.worker", "GET"): Route(PUBLIC),
    ("install.manifest", "GET"): Route(PUBLIC),
    ("install.start", "GET"): Route(SIGNED_IN, ok=302),
    # How plans are made (issue 25): public, no sign-in. The newest advice against one plan:
    # every member reads; the physiotherapist brings the plan to it, lifts a movement rule for
    # the person (or puts it back) and clears the notices of overrides the planner dropped.
    ("content.index", "GET"): Route(PUBLIC),
    ("content.changes", "GET"): Route(PUBLIC),
    ("content.safety", "GET"): Route(PUBLIC),
    ("content.domain", "GET"): Route(PUBLIC, values=lambda w, db: {"domain": "exercise"}),
    ("advice.show", "GET"): Route(member(), values=_household),
    ("advice.apply", "POST"): Route(member("physio"), ok=303, values=_household),
    ("rules.lift", "POST"): Route(
        member("physio"),
        ok=303,
        values=lambda w, db: {"household_id": w["id"], "rule_id": "pelvis"},
        form=lambda w, db: {"override_reason": "Stable after radiotherapy, seen on the scan."},
    ),
    ("rules.restore", "POST"): Route(member("physio"), ok=303, values=_lifted),
    ("rules.dismiss", "POST"): Route(member("physio"), ok=303, values=_household),
    # Only a clinical reviewer (a role outside households, from the command line) sees and signs
    # the advice; nobody here is one, so everyone signed in gets 403 (tests/test_review.py has
    # a reviewer).
    ("review.show", "GET"): Route(SIGNED_IN, ok=403),
    ("review.sign", "POST"): Route(SIGNED_IN, ok=403),
    ("review.download", "GET"): Route(SIGNED_IN, ok=403),
    # One's own account: anyone signed in, on their own account only (no ids in the URLs).
    ("account.settings", "GET"): Route(SIGNED_IN),
    ("account.change_name", "POST"): Route(
        SIGNED_IN, ok=303, form=lambda w, db: {"name": "Renamed"}
    ),
    ("account.change_language", "POST"): Route(
        SIGNED_IN, ok=303, form=lambda w, db: {"language": "es"}
    ),
    ("account.change_email", "POST"): Route(
        SIGNED_IN,
        ok=303,
        form=lambda w, db: {
            "email": f"moved{f._n.__next__()}@example.org",
            "email_password": PASSWORD,
        },
    ),
    ("account.change_password", "POST"): Route(
        SIGNED_IN,
        ok=303,
        form=lambda w, db: {"current_password": PASSWORD, "new_password": "another long one"},
    ),
    ("account.sign_out_everywhere", "POST"): Route(SIGNED_IN, ok=303),
    ("account.download", "GET"): Route(SIGNED_IN),
    ("account.delete", "GET"): Route(SIGNED_IN),
    # A wrong password: 422 shows the role got through, and every subject stays to the end.
    ("account.delete", "POST"): Route(SIGNED_IN, ok=422, form=lambda w, db: {"password": "not it"}),
    # Only the patient deletes the household (a wrong name: 422, so it stays for the others).
    ("account.delete_household", "GET"): Route(member("patient"), values=_household),
    ("account.delete_household", "POST"): Route(
        member("patient"), ok=422, values=_household, form=lambda w, db: {"confirm_name": "no"}
    ),
    # Without mail set up the request page answers 200 to a POST too (how to get help).
    ("reset.ask", "GET"): Route(PUBLIC),
    ("reset.ask", "POST"): Route(PUBLIC, form=lambda w, db: {"email": _email(w, db)}),
    # The mailed link is the permission, for whoever holds it.
    ("reset.choose", "GET"): Route(
        PUBLIC, values=lambda w, db: {"token": resets.create(db, w["patient"], at=f.NOW)}
    ),
    ("reset.choose", "POST"): Route(
        PUBLIC,
        ok=303,
        values=lambda w, db: {"token": resets.create(db, w["patient"], at=f.NOW)},
        form=lambda w, db: {"password": "a brand new one"},
    ),
}


def registered(app) -> set[tuple[str, str]]:
    """Every (endpoint, method) the app answers, HEAD and OPTIONS aside (Flask adds those)."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_is_declared(app):
    missing = sorted(registered(app) - set(ROUTES))
    assert not missing, (
        "These routes are not in ROUTES of tests/test_authz_matrix.py; declare who may use each "
        "(PUBLIC, SIGNED_IN or member(roles)) with real URL values and a valid form: "
        + ", ".join(f"{method} {endpoint}" for endpoint, method in missing)
    )
    stale = sorted(set(ROUTES) - registered(app))
    assert not stale, f"ROUTES declares routes the app no longer has: {stale}"


def expected(route: Route, subject: str) -> int | str:
    """What `subject` must get: a status, or "login" (a redirect to the sign-in page)."""
    signed_in_ok = route.ok_signed_in or route.ok
    if route.access == PUBLIC:
        return route.ok if subject == "anonymous" else signed_in_ok
    if subject == "anonymous":
        return "login"
    if route.access == SIGNED_IN:
        return signed_in_ok
    if subject == "outsider":
        return 404
    return signed_in_ok if subject in route.access else 403


def _client(app, w, subject):
    client = app.test_client()
    if subject == "anonymous":
        with client.session_transaction() as session:
            session["csrf"] = CSRF["csrf_token"]  # so that CSRF is not what stops it
    else:
        login(client, w[subject])
    return client


def _request(app, client, key, values, form):
    endpoint, method = key
    with app.test_request_context():
        url = url_for(endpoint, **values)
    if method == "GET":
        return client.get(url)
    return client.post(url, data={**form, **CSRF})


@pytest.mark.parametrize("key", sorted(ROUTES), ids=lambda k: f"{k[1]} {k[0]}")
def test_each_person_gets_exactly_what_they_should(app, db, catalog, key):
    route = ROUTES[key]
    w = f.home(app, db, catalog)
    path = app.config["DATABASE"]
    for subject in SUBJECTS:
        client = _client(app, w, subject)
        want = expected(route, subject)
        values, form = route.values(w, db), route.form(w, db)  # may add rows: made before
        before = dump(path)
        response = _request(app, client, key, values, form)
        response.close()  # static files stay open until closed
        got = response.status_code
        where = f"{key[1]} {key[0]} as {subject}"
        if want == "login":
            assert got in (302, 303), f"{where}: {got}, expected a redirect to sign in"
            assert response.headers["Location"].startswith("/login?next="), where
        else:
            assert got == want, f"{where}: {got}, expected {want}"
        if want in ("login", 403, 404):
            assert dump(path) == before, f"{where} was refused but changed the database"


@pytest.mark.parametrize(
    "key",
    sorted(k for k, r in ROUTES.items() if r.access not in (PUBLIC, SIGNED_IN)),
    ids=lambda k: f"{k[1]} {k[0]}",
)
def test_a_household_that_does_not_exist_is_404(app, db, catalog, key):
    w = f.home(app, db, catalog)
    route = ROUTES[key]
    values = {**route.values(w, db), "household_id": 99999}
    client = _client(app, w, "patient")  # signing in writes a session: before the snapshot
    before = dump(app.config["DATABASE"])
    response = _request(app, client, key, values, route.form(w, db))
    assert response.status_code == 404
    assert dump(app.config["DATABASE"]) == before


# Escalation paths (issue 13) ---------------------------------------------------------------------
# Written out here, not read from planner/permissions.py, so that a change of the table there
# has to be made here too, on purpose.

# The roles each member may invite someone into, in a household with a patient.
GRANTS = {"patient": {"caregiver", "physio"}, "caregiver": {"caregiver"}, "physio": set()}


@pytest.mark.parametrize("maker", ROLES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ["share.create", "share.handout_link"])
def test_a_member_invites_only_into_roles_they_may_grant(app, db, catalog, maker, role, endpoint):
    w = f.home(app, db, catalog)
    before = dump(app.config["DATABASE"])
    response = _request(
        app,
        _client(app, w, maker),
        (endpoint, "POST"),
        _household(w, db),
        {"kind": "member", "role": role, "expires": "7"},
    )
    if role in GRANTS[maker]:
        assert response.status_code == 303
    else:
        assert response.status_code == 403, f"a {maker} made a {role} invite"
        assert dump(app.config["DATABASE"]) == before


def test_a_caregiver_cannot_become_a_physiotherapist_through_an_invite(app, db, catalog):
    """High finding 1: the caregiver's physio invite, redeemed by a second account of theirs,
    must not open the physiotherapist's pages nor change the clinical facts."""
    w = f.home(app, db, catalog)
    ben = _client(app, w, "caregiver")
    ben.post(
        f"/h/{w['id']}/share/links",
        data={"kind": "member", "role": "physio", "expires": "7", **CSRF},
    )
    # Even a physio invite made by a caregiver some other way (an old link) grants nothing.
    token = links.create_link(
        db, w["id"], links.MEMBER, w["caregiver"], f.NOW + dt.timedelta(days=7), "physio", at=f.NOW
    )
    second = f.user(db, "Bens-second")
    client = app.test_client()
    login(client, second["id"])
    response = client.post(f"/join/{token}", data=CSRF)
    assert response.status_code in (403, 410)
    assert accounts.get_membership(db, w["id"], second["id"]) is None
    response = client.post(f"/h/{w['id']}/facts", data={**CSRF, "fracture_risk": "low"})
    assert response.status_code == 404
    assert plans.get_profile(db, w["id"])["fracture_risk"] == "high"


def test_a_physios_invite_cannot_bring_in_someone_who_removes_the_patient(app, db, catalog):
    w = f.home(app, db, catalog)
    token = links.create_link(
        db, w["id"], links.MEMBER, w["physio"], f.NOW + dt.timedelta(days=7), "caregiver", at=f.NOW
    )
    stranger = f.user(db, "Stranger")
    client = app.test_client()
    login(client, stranger["id"])
    client.post(f"/join/{token}", data=CSRF)
    assert accounts.get_membership(db, w["id"], stranger["id"]) is None


@pytest.mark.parametrize("remover", ["caregiver", "physio"])
def test_nobody_removes_the_patient(app, db, catalog, remover):
    """Medium finding 5: the patient keeps their own record."""
    w = f.home(app, db, catalog)
    response = _client(app, w, remover).post(
        f"/h/{w['id']}/members/{w['patient']}/remove", data=CSRF
    )
    assert response.status_code == 403
    assert accounts.get_membership(db, w["id"], w["patient"]) is not None


def test_a_caregiver_cannot_remove_the_physio_to_unlock_the_facts(app, db, catalog):
    w = f.home(app, db, catalog)
    response = _client(app, w, "caregiver").post(
        f"/h/{w['id']}/members/{w['physio']}/remove", data=CSRF
    )
    assert response.status_code == 403
    assert accounts.get_membership(db, w["id"], w["physio"]) is not None


def test_a_removed_members_links_die_with_their_membership(app, db, catalog):
    """High finding 2: the view link Ben made stops showing the plan, and his own invite does
    not bring him back."""
    w = f.home(app, db, catalog)
    view = links.create_link(
        db, w["id"], links.VIEW, w["caregiver"], f.NOW + dt.timedelta(days=7), at=f.NOW
    )
    invite = links.create_link(
        db,
        w["id"],
        links.MEMBER,
        w["caregiver"],
        f.NOW + dt.timedelta(days=7),
        "caregiver",
        at=f.NOW,
    )
    anonymous = app.test_client()
    assert anonymous.get(f"/view/{view}").status_code == 200
    assert (
        _client(app, w, "patient")
        .post(f"/h/{w['id']}/members/{w['caregiver']}/remove", data=CSRF)
        .status_code
        == 303
    )
    page = anonymous.get(f"/view/{view}")
    assert page.status_code == 410 and "Exercises" not in page.text
    ben = _client(app, w, "caregiver")
    assert ben.get(f"/join/{invite}").status_code == 410
    ben.post(f"/join/{invite}", data=CSRF)
    assert accounts.get_membership(db, w["id"], w["caregiver"]) is None


def test_the_caregiver_the_patient_names_invites_the_physio_until_unnamed(app, db, catalog):
    """Standing is checked when a link is used, not only when it is made: an invite made
    while Ben helped manage stops working once the patient takes that back."""
    w = f.home(app, db, catalog)
    ben, anna = _client(app, w, "caregiver"), _client(app, w, "patient")
    assert (
        anna.post(f"/h/{w['id']}/manager", data={**CSRF, "user_id": w["caregiver"]}).status_code
        == 303
    )
    response = ben.post(
        f"/h/{w['id']}/share/links",
        data={"kind": "member", "role": "physio", "expires": "7", **CSRF},
    )
    assert response.status_code == 303
    token = re.search(
        r'id="new-link-url">[^<]+/join/([^<]+)</p>', ben.get(response.headers["Location"]).text
    ).group(1)
    assert ben.get(f"/h/{w['id']}/activity").status_code == 200
    assert anna.post(f"/h/{w['id']}/manager", data={**CSRF, "user_id": ""}).status_code == 303
    assert ben.get(f"/h/{w['id']}/activity").status_code == 403
    newcomer = f.user(db, "Sam")
    client = app.test_client()
    login(client, newcomer["id"])
    assert client.get(f"/join/{token}").status_code == 410
    client.post(f"/join/{token}", data=CSRF)
    assert accounts.get_membership(db, w["id"], newcomer["id"]) is None
    assert (
        "Stopped working: the person who made it can no longer invite into this role."
        in anna.get(f"/h/{w['id']}/share").text
    )
    changes = _client(app, w, "physio").get(f"/h/{w['id']}/members").text
    assert "Anna named Ben to help manage the household." in changes
    assert "Anna now manages the household alone." in changes
