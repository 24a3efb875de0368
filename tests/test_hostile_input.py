"""Hostile input, property-based: random and malicious values in every form field and URL part
(overlong strings, control characters, scripts, SQL, wrong types, bad dates, huge numbers, any
unicode). Whatever arrives: never a 500, a refusal says what is wrong, a refused write leaves
the database byte-for-byte as it was, and what was typed comes back escaped, never as markup.

How many inputs were tried is printed at the end of the module (run with -s to see it).
"""

from __future__ import annotations

import json
import string
from collections import Counter
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planner import create_app
from planner.store.sql import close_thread_dbs, connect
from planner.web.errors import TITLES
from tests import factories as f
from tests.conftest import CSRF, login
from tests.dbstate import dump
from tests.test_profile_views import FULL_FORM

TRIED: Counter = Counter()
EXAMPLES = settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
SCRIPT = "<script>alert(1)</script>"
# How a refusal is said: an error beside a field, or the heading of an error page.
HEADINGS = [*TITLES.values(), "This link does not work"]

MALICIOUS = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }}",
    "{% raw %}",
    "' OR '1'='1",
    "'; DROP TABLE users; --",
    "1; DELETE FROM ticks",
    '" OR ""="',
    "../../../etc/passwd",
    "%00",
    "\x00",
    "\r\nSet-Cookie: a=b",
    "\u202egnp.exe",
    "\ufeff",
    "",
    " ",
    "\t\n",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "-1",
    "0",
    "1e309",
    "NaN",
    "-0",
    "9" * 40,
    str(2**63),
    str(-(2**63) - 1),
    "0x10",
    "1.5",
    "２",
    "٣",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12-31",
    "2026-11-23T00:00",
    "23/11/2026",
    "+2026-11-23",
    " 2026-11-23",
    "once",
    "today",
    "é" * 300,
    "🙂" * 200,
    "A" * 5000,
    "zoledronic-acid ",
    "PATIENT",
    "done\x00",
    "open ",
]
hostile = st.one_of(
    st.sampled_from(MALICIOUS),
    st.text(max_size=200),  # any unicode
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=40),  # control characters
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.text(alphabet=string.printable, min_size=1000, max_size=6000),  # overlong
)


def field(valid: list[str]):
    """A valid value or a hostile one, so that one bad field can be the only problem."""
    return st.one_of(st.sampled_from(valid), hostile)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "planner.db"
    app = create_app(
        {"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "test-secret", "SIGNUP_LIMIT": 10**6}
    )  # every input reaches the checks after the limit
    from planner.plans.catalog import default_folder, load_catalog

    db = connect(path)
    w = f.home(app, db, load_catalog(default_folder()))
    db.close()
    member = app.test_client()
    login(member, w["patient"])
    physio = app.test_client()
    login(physio, w["physio"])
    yield {"app": app, "path": str(path), "member": member, **w, "physio_client": physio}
    close_thread_dbs()
    print(
        f"\nhostile input: {sum(TRIED.values())} inputs tried: "
        + ", ".join(f"{k} {v}" for k, v in sorted(TRIED.items()))
    )


def anonymous(w):
    client = w["app"].test_client()
    with client.session_transaction() as session:
        session["csrf"] = CSRF["csrf_token"]
    return client


def check(w, name, send, accepted=(200, 303), refused=(400, 404, 410, 422), writes=True, skip=()):
    """Send one input; whatever comes back must be an accepted or refused status, never a 5xx;
    a refusal must say what is wrong and must have stored nothing."""
    TRIED[name] += 1
    before = dump(w["path"], skip)
    response, typed = send()
    status = response.status_code
    assert status < 500, (name, typed, response.text[:500])
    if status == 308:  # the router merging "//" in a path: a redirect, nothing done
        assert dump(w["path"], skip) == before
        return response
    assert status in accepted + refused, (name, status, typed)
    text = response.text
    for value in typed:
        if isinstance(value, str) and "<script>" in value:
            assert "<script>alert" not in text, (name, "echoed as markup")
    if status in refused or not writes:
        assert dump(w["path"], skip) == before, (name, status, typed)
    if status in refused:
        said = (
            'class="field-error' in text
            or 'class="error-summary"' in text
            or any(f"<h1>{t}</h1>" in text for t in HEADINGS)
        )
        assert said, (name, status, text[:300])
    return response


def form_post(client, url, data, htmx=False):
    return client.post(url, data={**data, **CSRF}, headers={"HX-Request": "true"} if htmx else {})


@EXAMPLES
@given(
    name=hostile,
    email=field(["ann@example.org"]),
    password=field(["long enough pw"]),
    next_=hostile,
)
def test_signup(world, name, email, password, next_):
    w = world
    check(
        w,
        "signup",
        lambda: (
            form_post(
                anonymous(w),
                f"/signup?next={quote(next_)}",
                {"name": name, "email": email, "password": password},
            ),
            [name, email, next_],
        ),
        # A valid form is counted per address on purpose (attempts), to slow account farming.
        skip=("attempts",),
    )


@pytest.fixture(scope="module")
def quick_unknown_emails():
    """An unknown email is checked against a scrypt hash on purpose (tests/test_auth.py: as
    slow as a real account's), 0.07 s per input here, half this module's time. What these
    inputs test is the form: the hash is made quick for them."""
    from werkzeug.security import generate_password_hash

    from planner.store import accounts

    quick = generate_password_hash("not a real password", method="pbkdf2:sha256:1")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_dummy_hash", lambda: quick)
        yield


@EXAMPLES
@given(email=hostile, password=hostile, next_=hostile, n=st.integers(0, 2**24))
def test_login(world, quick_unknown_emails, email, password, next_, n):
    w = world

    def send():
        client = anonymous(w)
        client.environ_base["REMOTE_ADDR"] = f"10.{n >> 16}.{(n >> 8) & 255}.{n & 255}"
        return client.post(
            f"/login?next={quote(next_)}", data={"email": email, "password": password, **CSRF}
        ), [email, next_]

    # A wrong password is recorded on purpose (login_failures), to slow guessing.
    check(w, "login", send, refused=(422, 429), skip=("login_failures",))


@EXAMPLES
@given(name=field(["Home"]), role=field(["patient", "caregiver", "physio"]), htmx=st.booleans())
def test_create_household(world, name, role, htmx):
    w = world
    check(
        w,
        "households.create",
        lambda: (
            form_post(w["member"], "/households", {"name": name, "role": role}, htmx),
            [name, role],
        ),
    )


@EXAMPLES
@given(
    kind=field(["member", "view"]),
    role=field(["caregiver"]),
    expires=field(["1", "7", "30"]),
    handout=st.booleans(),
)
def test_links(world, kind, role, expires, handout):
    w = world
    url = f"/h/{w['id']}/" + ("handout" if handout else "share/links")
    # Followed as a browser does: the page after a new link shows it (once) instead of the form.
    check(
        w,
        "share links",
        lambda: (
            w["member"].post(
                url,
                data={"kind": kind, "role": role, "expires": expires, **CSRF},
                follow_redirects=True,
            ),
            [kind, role],
        ),
    )


@EXAMPLES
@example(value=str(2**63), which="household")  # once a 500: too big for SQLite's integer
@example(value=str(2**63), which="invite")
@given(
    value=hostile,
    which=st.sampled_from(["household", "invite", "user", "token", "item", "home-item", "view"]),
)
def test_url_parts(world, value, which):
    """Every URL parameter: a household, invite, user, join token or task that is not one."""
    w = world
    part = quote(value, safe="") or "%20"
    urls = {
        "household": [
            ("GET", f"/h/{part}/today"),
            ("GET", f"/h/{part}/members"),
            ("POST", f"/h/{part}/share/links"),
            ("GET", f"/h/{part}/history"),
            ("GET", f"/h/{part}/share"),
            ("GET", f"/h/{part}/handout"),
        ],
        "invite": [("POST", f"/h/{w['id']}/share/links/{part}/revoke")],
        "view": [("GET", f"/view/{part}")],
        "user": [("POST", f"/h/{w['id']}/members/{part}/remove")],
        "token": [("GET", f"/join/{part}"), ("POST", f"/join/{part}")],
        "item": [("POST", f"/h/{w['id']}/tasks/{part}/state")],
        "home-item": [("POST", f"/h/{w['id']}/home/{part}/state")],
    }[which]
    for method, url in urls:
        if method == "GET":
            check(
                w,
                f"url {which}",
                lambda url=url: (w["member"].get(url), [value]),
                accepted=(200,),
                refused=(404, 405),
            )
        else:
            check(
                w,
                f"url {which}",
                lambda url=url: (
                    form_post(
                        w["member"],
                        url,
                        {"state": "done", "occurrence": f.DAY.isoformat(), "slot": "0"},
                    ),
                    [value],
                ),
                accepted=(200, 303),
                refused=(404, 405, 410, 422),
            )


@EXAMPLES
@given(
    data=st.fixed_dictionaries(
        {
            key: field([value] if isinstance(value, str) else ["pelvis"])
            for key, value in FULL_FORM.items()
        }
    ),
    htmx=st.booleans(),
)
def test_profile_questions(world, data, htmx):
    """The questions never write (the preview does not), whatever the answers."""
    w = world
    check(
        w,
        "profile.edit",
        lambda: (
            form_post(w["member"], f"/h/{w['id']}/profile/edit", data, htmx),
            list(data.values()),
        ),
        accepted=(200,),
        refused=(422,),
        writes=False,
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats() | hostile,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile, inner, max_size=4),
    max_leaves=12,
)
profiles = st.fixed_dictionaries(
    {"lesion_sites": st.one_of(st.just(["pelvis"]), json_values)},
    optional={
        key: json_values
        for key in (
            "fracture_risk",
            "bone_agent",
            "bone_agent_start",
            "falls_past_year",
            "fluid_restriction_ml",
            "home",
            "last_dental_exam",
            "weight_bearing",
        )
    },
)


@EXAMPLES
@example(profile_json='{"lesion_sites": 5, "home": 5, "bone_agent": []}', back=False)  # once a 500
@example(profile_json="[" * 5000 + "]" * 5000, back=False)  # RecursionError: once a 500
@example(profile_json='{"home": ' * 3000 + "1" + "}" * 3000, back=True)
@given(
    profile_json=st.one_of(hostile, json_values.map(json.dumps), profiles.map(json.dumps)),
    back=st.booleans(),
)
def test_profile_apply(world, profile_json, back):
    w = world
    url = f"/h/{w['id']}/profile/" + ("edit" if back else "apply")
    data = {"profile_json": profile_json, **({"back": "1"} if back else {})}
    check(
        w,
        "profile.apply",
        lambda: (form_post(w["member"], url, data), [profile_json]),
        accepted=(200, 303),
        refused=(422,),
    )


@EXAMPLES
@given(
    item=field(["belly-breathing", "daily-drinks", "exercise-plan-physio-check"]),
    occurrence=field([f.DAY.isoformat(), "once"]),
    slot=field(["0", "1", "7"]),
    state=field(["done", "open", "not-today"]),
    htmx=st.booleans(),
)
def test_tick(world, item, occurrence, slot, state, htmx):
    w = world
    check(
        w,
        "today.set_state",
        lambda: (
            form_post(
                w["member"],
                f"/h/{w['id']}/tasks/{quote(item, safe='')}/state",
                {"occurrence": occurrence, "slot": slot, "state": state},
                htmx,
            ),
            [item, occurrence, slot, state],
        ),
        refused=(404, 405, 422),
    )


@EXAMPLES
@given(item=field(["bath-seat", "belly-breathing"]), who=field(["1", "2", ""]), htmx=st.booleans())
def test_home_task_given_to_someone(world, item, who, htmx):
    w = world
    check(
        w,
        "walkthrough.assign",
        lambda: (
            form_post(
                w["member"], f"/h/{w['id']}/home/{quote(item, safe='')}/who", {"user_id": who}, htmx
            ),
            [item, who],
        ),
        refused=(404, 405, 422),
    )


@EXAMPLES
@given(
    name=field(["home.stairs_inside", "lives_alone", "fracture_risk"]),
    answer=field(["yes", "no"]),
    htmx=st.booleans(),
)
def test_today_question(world, name, answer, htmx):
    w = world
    check(
        w,
        "today.answer",
        lambda: (
            form_post(
                w["member"],
                f"/h/{w['id']}/questions/{quote(name, safe='')}",
                {"answer": answer},
                htmx,
            ),
            [name, answer],
        ),
        refused=(404, 405, 422),
    )


@EXAMPLES
@example(item="0/", state="done", htmx=False)
@given(
    item=field(["bath-seat", "floors-loose-rugs"]),
    state=field(["done", "open", "not-applicable", "needs-help"]),
    htmx=st.booleans(),
)
def test_home_check(world, item, state, htmx):
    w = world
    check(
        w,
        "walkthrough.set_state",
        lambda: (
            form_post(
                w["member"],
                f"/h/{w['id']}/home/{quote(item, safe='')}/state",
                {"state": state},
                htmx,
            ),
            [item, state],
        ),
        refused=(404, 405, 422),
    )


@EXAMPLES
@example(week="9999-12-31", next_="")  # once a 500: the week after it is past date.max
@example(week="0001-01-01", next_="")
@given(week=hostile, next_=hostile)
def test_query_strings(world, week, next_):
    """Every query parameter: ?week= on history, ?next= on sign-in and sign-up."""
    w = world
    page = check(
        w,
        "history ?week",
        lambda: (w["member"].get(f"/h/{w['id']}/history?week={quote(week)}"), [week]),
        accepted=(200,),
        refused=(),
    )
    assert "Week of" in page.text or "week" in page.text
    check(
        w,
        "login ?next",
        lambda: (anonymous(w).get(f"/login?next={quote(next_)}"), [next_]),
        accepted=(200,),
        refused=(),
    )
    check(
        w,
        "signup ?next",
        lambda: (anonymous(w).get(f"/signup?next={quote(next_)}"), [next_]),
        accepted=(200,),
        refused=(),
    )


@EXAMPLES
@given(
    action=st.sampled_from(
        ["dose", "move", "add", "custom", "facts", "templates", "seen", "template-apply"]
    ),
    item=field(["seated-knee-extension", "ankle-pumps", "sit-ups"]),
    values=st.fixed_dictionaries(
        {
            name: field([valid])
            for name, valid in {
                "sets": "2",
                "reps": "10",
                "hold_seconds": "5",
                "sessions_per_week": "3",
                "note": "Slowly.",
                "direction": "down",
                "title": "Heel raises",
                "detail": "Hold the counter.",
                "movements": "hip-load-left",
                "override_reason": "Checked with the surgeon.",
                "name": "Hip plan",
                "version": "1",
                "confirm": "yes",
                "seen": "x",
                "item_id": "sit-ups",
                "fracture_risk": "high",
                "spinal_instability": "no",
            }.items()
        }
    ),
)
def test_physiotherapist_forms(world, action, item, values):
    """The exercise editor, clinical facts, templates and the what-changed notice. A dose,
    move or addition that is accepted only changes the draft, so no write is refused quietly."""
    w = world
    part = quote(item, safe="")
    url = {
        "dose": f"exercises/{part}/dose",
        "move": f"exercises/{part}/move",
        "add": "exercises/add",
        "custom": "exercises/custom",
        "facts": "facts",
        "templates": "templates",
        "seen": "plan/seen",
        "template-apply": f"templates/{quote(values['version'], safe='')}/apply",
    }[action]
    check(
        w,
        f"physio {action}",
        lambda: (
            w["physio_client"].post(
                f"/h/{w['id']}/{url}", data={**values, **CSRF}, follow_redirects=True
            ),
            list(values.values()),
        ),
        accepted=(200,),
        refused=(404, 405, 422),
    )


@pytest.mark.parametrize(
    "url",
    [
        "/signup",
        "/login",
        "/households",
        "/h/1/profile/apply",
        "/h/1/tasks/belly-breathing/state",
        "/h/1/share/links",
    ],
)
def test_bodies_over_the_limit_are_refused_with_413(world, url):
    w = world
    limit = w["app"].config["MAX_CONTENT_LENGTH"]
    TRIED["413"] += 1
    before = dump(w["path"], ("login_failures",))
    response = form_post(
        w["member"], url, {"name": "x" * limit, "email": "a@b.c", "password": "long enough pw"}
    )
    assert response.status_code == 413 and "That was too much to send" in response.text
    assert dump(w["path"], ("login_failures",)) == before


@EXAMPLES
@given(
    text=hostile,
    last=field(["2026-11-02", ""]),
    next_=field(["2026-12-14", ""]),
    span=field(["4", "12"]),
    fmt=field(["json", "csv", "fhir"]),
    token=hostile,
    options=st.fixed_dictionaries({"full_titles": field(["1"]), "daily_summary": field(["1"])}),
)
def test_take_away_forms(world, text, last, next_, span, fmt, token, options):
    """The visit summary's questions and visit days, History's ?span=, the downloads' format,
    a calendar address's options and feed tokens (issue 16)."""
    w = world
    home = f"/h/{w['id']}"
    check(
        w,
        "visit question",
        lambda: (form_post(w["member"], f"{home}/visit/questions", {"text": text}), [text]),
    )
    check(
        w,
        "visit days",
        lambda: (
            form_post(
                w["member"], f"{home}/visit/dates", {"last_visit": last, "next_visit": next_}
            ),
            [last, next_],
        ),
    )
    check(
        w,
        "history ?span",
        lambda: (w["member"].get(f"{home}/history?span={quote(span)}"), [span]),
        accepted=(200,),
        refused=(),
    )
    check(
        w,
        "export format",
        lambda: (w["member"].get(f"{home}/export/{quote(fmt, safe='')}"), [fmt]),
        accepted=(200,),
        refused=(404,),
        writes=False,
        skip=("activity",),
    )  # a download is logged for the patient, nothing else
    check(
        w,
        "calendar options",
        lambda: (form_post(w["member"], f"{home}/calendar", options), list(options.values())),
        accepted=(303,),
    )
    check(
        w,
        "calendar feed",
        lambda: (anonymous(w).get(f"/calendar/{quote(token, safe='')}.ics"), [token]),
        accepted=(),
        refused=(404,),
    )
