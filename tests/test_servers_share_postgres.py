"""Two `planner serve` processes on one PostgreSQL database, as behind a load balancer (issue 22):
whatever one server writes, counts or ends, the other knows at once, over HTTP.

- taps sent to both servers at once are each stored once, with one history event per change;
- wrong passwords and signups are counted across both servers;
- a session started on one server works on the other, and ends on both when it ends;
- a page kept by one server is never shown after a write through the other;
- reminders due at one moment arrive once, with both servers' schedulers and cron sending;
- an invite accepted on both servers at once lets one person in; a view link cancelled on both
  at once is cancelled once, and refused by both.

The servers are pinned to factories.DAY (tests/server.py); only the reminder test follows the
real clock, because the servers' own schedulers do (see there). Servers A and B and their
database serve all the module's tests, each test with a household and people of its own
(`shared`); the test of reminders sent by servers and cron reads the whole outbox, so it has
a database and servers of its own.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest import mock

import pytest
import requests

from planner import clock
from planner.reminders import outbox, settings
from planner.store import accounts, links, plans, ticks
from planner.store.accounts import MAX_FAILURES
from planner.store.migrations import migrate
from planner.store.postgres import close_pools
from planner.store.sql import connect, fetch, run
from planner.web.views.auth import BLOCKED
from tests import factories as f
from tests.server import (
    PASSWORD,
    TOKEN,
    Server,
    add_household,
    seed,
    signed_in,
    start_together,
    tick,
)

DAY = f.DAY.isoformat()
WAIT_S = 60  # the longest any step may take on a loaded 2-core machine: a bound, not a measurement


# Helpers ------------------------------------------------------------------------------------


def at_once(calls: list[Callable[[], object]]) -> list:
    """Run each call in a thread of its own, all released together; their results, in order."""
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait(timeout=WAIT_S)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result(timeout=2 * WAIT_S) for future in futures]


def browser(http: requests.Session) -> requests.Session:
    """A copy of a browser's cookies and headers, for one thread (a Session is not shared)."""
    copy = requests.Session()
    copy.cookies.update(http.cookies)
    copy.headers.update(http.headers)
    return copy


def page(http: requests.Session, server: Server, path: str) -> requests.Response:
    """A full page as a browser asks for it (not htmx's), redirects not followed."""
    return http.get(
        server.url + path, headers={"HX-Request": None}, allow_redirects=False, timeout=WAIT_S
    )


def post(http: requests.Session, server: Server, path: str, **data) -> requests.Response:
    """A form sent as a browser sends it, with the session's CSRF token; redirects not followed."""
    return http.post(
        server.url + path,
        data=data,
        headers={"HX-Request": None},
        allow_redirects=False,
        timeout=WAIT_S,
    )


def signed_out(response: requests.Response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def with_token(server: Server, path: str) -> requests.Session:
    """A new browser that has opened a form page (`/login`, `/signup`): its CSRF token is in
    its headers."""
    http = requests.Session()
    token = TOKEN.search(http.get(server.url + path, timeout=WAIT_S).text).group(1)
    http.headers["X-CSRF-Token"] = token
    return http


def newcomer(server: Server, email: str) -> requests.Session:
    """Someone with an account but no household yet, signed in on `server`."""
    http = with_token(server, "/login")
    response = post(http, server, "/login", email=email, password=PASSWORD)
    assert response.status_code == 303, response.text
    start = http.get(server.url + "/", timeout=WAIT_S).text  # a fresh session, a new token
    http.headers["X-CSRF-Token"] = TOKEN.search(start).group(1)
    return http


def query(url: str, sql: str, params: tuple = ()) -> list[dict]:
    db = connect(url)
    try:
        return fetch(db, sql, params)
    finally:
        db.close()


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {WAIT_S} s for {what}")
        time.sleep(0.1)


# Fixtures -----------------------------------------------------------------------------------


SIGNUP_LIMIT = 3  # signups from one address per hour, on servers A and B


@pytest.fixture(scope="module")
def shared(postgres_server, tmp_path_factory) -> Iterator[tuple[str, Server, Server]]:
    """One PostgreSQL database and servers A and B on it, each in a folder of its own, for the
    module's tests (starting two servers is most of such a test's time). Each test has a
    household and people of its own in it (`household`): the servers' page caches are keyed by
    household and person, sessions by person. What is counted by address, which all tests
    share (127.0.0.1), is cleared before each test (`servers`). With no mail server and push
    off they run no reminder scheduler, so nothing but a test's own senders claims its outbox."""
    name = "shared_servers_share_postgres"
    if not postgres_server.running:  # left down by a test that killed it and failed
        postgres_server.start()
    postgres_server.drop_database(name)  # left by a test process that was killed
    url = postgres_server.create_database(name)
    migrate(url)
    env = {"PLANNER_SIGNUP_LIMIT": str(SIGNUP_LIMIT), "PLANNER_PUSH": "0"}
    folders = [tmp_path_factory.mktemp(f"server-{who}") for who in ("a", "b")]
    with mock.patch.dict(os.environ, env):
        a, b = start_together(url, folders)
    try:
        yield url, a, b
    finally:
        stop_all([a, b])
        close_pools()  # this process's, before their database goes
        if not postgres_server.running:
            postgres_server.start()
        postgres_server.drop_database(name)


@pytest.fixture
def household(shared) -> dict:
    """Anna (patient) and Ben (caregiver), people of this test's own, and their plan for DAY,
    in the database of servers A and B; its URL as `url`."""
    url, _, _ = shared
    return {**add_household(url), "url": url}


@pytest.fixture
def servers(shared) -> tuple[Server, Server]:
    """Servers A and B, with no wrong passwords and no signups counted for any address: the
    earlier tests' are cleared, so that none of them counts towards this test's limits."""
    url, a, b = shared
    db = connect(url)
    try:
        run(db, "delete from login_failures")
        run(db, "delete from attempts")
    finally:
        db.close()
    return a, b


@pytest.fixture
def own_household(postgres_url) -> dict:
    """Anna and Ben and their plan for DAY on a fresh database of this test's own, for a test
    that reads a whole table (the outbox) and starts servers of its own."""
    return {**seed(postgres_url), "url": postgres_url}


def stop_all(servers: list[Server]) -> None:
    for server in servers:
        try:
            server.stop()
        except subprocess.TimeoutExpired:
            server.kill()


# 1. The write path ----------------------------------------------------------------------------

DISTINCT = [("daily-drinks", slot) for slot in range(8)] + [
    ("break-up-sitting", 0),
    ("clean-teeth-fluoride", 0),
    ("calcium-vitamin-d-bisphosphonate", 0),
]
CONTENDED = ("belly-breathing", 0)  # tapped by everyone at once


def _ticks_and_events(url: str, household_id: int) -> tuple[dict, dict]:
    rows = query(
        url, "select * from ticks where household_id = ? and occurrence = ?", (household_id, DAY)
    )
    events = query(
        url,
        "select * from tick_events where household_id = ? and occurrence = ? order by id",
        (household_id, DAY),
    )
    by_key: dict = {}
    for event in events:
        by_key.setdefault((event["item_id"], event["slot"]), []).append(event)
    return {(r["item_id"], r["slot"]): r for r in rows}, by_key


def test_a_burst_of_taps_on_both_servers_is_stored_once_each_with_one_event_per_change(
    household, servers
):
    a, b = servers
    hid = household["id"]
    # Anna and Ben, each signed in on both servers.
    people = [
        (signed_in(server, household[who]["email"], hid), server)
        for who in ("patient", "caregiver")
        for server in (a, b)
    ]

    def tap(n: int, key: tuple[str, int], state: str) -> Callable[[], requests.Response]:
        http, server = people[n % len(people)]
        return lambda: tick(browser(http), server, hid, key[0], key[1], state)

    burst = [tap(n, key, "done") for n, key in enumerate(DISTINCT)]
    burst += [tap(n, CONTENDED, "done") for n in range(12)]
    assert [r.status_code for r in at_once(burst)] == [200] * len(burst)

    stored, events = _ticks_and_events(household["url"], hid)
    assert {key: row["state"] for key, row in stored.items()} == {
        key: "done" for key in [*DISTINCT, CONTENDED]
    }  # every acknowledged tap is there, nothing lost, nothing else
    assert {key: [e["state"] for e in got] for key, got in events.items()} == {
        key: ["done"] for key in [*DISTINCT, CONTENDED]
    }  # one event per change: twelve taps on one task changed it once
    [first] = events[CONTENDED]
    assert stored[CONTENDED]["by_user"] == first["by_user"]  # the first to mark it has the credit

    # Now the same task set to "open" and "done" by everyone at once: whatever order the
    # servers took them in, the history has an event for each change and for nothing else.
    flips = [tap(n, CONTENDED, ("open", "done")[n % 2]) for n in range(16)]
    assert [r.status_code for r in at_once(flips)] == [200] * len(flips)
    stored, events = _ticks_and_events(household["url"], hid)
    states = [e["state"] for e in events[CONTENDED]]
    assert all(one != other for one, other in zip(states, states[1:], strict=False)), states
    assert states[-1] == stored[CONTENDED]["state"]  # the last change is the stored state
    assert len(states) <= 1 + len(flips)
    assert {key: len(got) for key, got in events.items() if key != CONTENDED} == {
        key: 1 for key in DISTINCT
    }


# 2. Sign-in limits and signup throttles --------------------------------------------------------


def test_wrong_passwords_sent_to_both_servers_at_once_are_counted_together(household, servers):
    a, b = servers
    email = household["patient"]["email"]
    tries = [(with_token(server, "/login"), server) for server in (a, b) * MAX_FAILURES]

    def wrong(http: requests.Session, server: Server):
        return lambda: post(http, server, "/login", email=email, password="wrong password")

    answers = at_once([wrong(http, server) for http, server in tries])
    # Counted before the password is checked, in one transaction on whichever server: exactly
    # MAX_FAILURES are told "no match", every other is paused, on both servers alike.
    assert sorted(r.status_code for r in answers) == [422] * MAX_FAILURES + [429] * MAX_FAILURES
    for server in (a, b):
        refused = post(
            with_token(server, "/login"), server, "/login", email=email, password=PASSWORD
        )
        assert refused.status_code == 429
        assert BLOCKED["account"].split(".")[0] in refused.text


def test_signups_from_one_address_are_counted_across_both_servers(shared, servers):
    url, (a, b), limit = shared[0], servers, SIGNUP_LIMIT
    emails = [f"signup{n}@example.org" for n in range(8)]
    forms = [(with_token(server, "/signup"), server) for server in (a, b) * 4]

    def sign_up(n: int):
        http, server = forms[n]
        return lambda: post(
            http, server, "/signup", name=f"New {n}", email=emails[n], password=PASSWORD
        )

    answers = at_once([sign_up(n) for n in range(len(emails))])
    assert sorted(r.status_code for r in answers) == [303] * limit + [429] * (len(emails) - limit)
    made = {emails[n] for n, r in enumerate(answers) if r.status_code == 303}
    created = query(url, "select email from users where email like 'signup%'")
    assert {row["email"] for row in created} == made  # only the accepted ones, each once
    for refused in (r for r in answers if r.status_code == 429):
        assert "Many accounts have been made from this network" in refused.text
    for server in (a, b):  # and the count holds for the next one, on either server
        late = post(
            with_token(server, "/signup"),
            server,
            "/signup",
            name="Late",
            email=f"late-{server.port}@example.org",
            password=PASSWORD,
        )
        assert late.status_code == 429


# 3. Server-side sessions ----------------------------------------------------------------------


def test_a_session_started_on_one_server_works_on_the_other_and_ends_on_both(household, servers):
    a, b = servers
    hid, email = household["id"], household["patient"]["email"]
    today = f"/h/{hid}/today"

    anna = signed_in(a, email, hid)
    assert page(anna, b, today).status_code == 200  # the cookie from A opens B
    kept = browser(anna)  # a copy of the cookie, kept by someone
    assert post(anna, a, "/logout").status_code == 303
    assert signed_out(page(kept, b, today)) and signed_out(page(kept, a, today))

    phone, laptop = signed_in(a, email, hid), signed_in(b, email, hid)
    assert page(phone, b, today).status_code == 200
    assert page(laptop, a, today).status_code == 200
    kept = browser(laptop)
    answer = post(laptop, b, "/account/sign-out-everywhere")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/login")
    for http in (phone, laptop, kept):
        assert signed_out(page(http, a, today)) and signed_out(page(http, b, today))


# 4. The page cache ----------------------------------------------------------------------------


def test_a_today_page_kept_by_one_server_shows_a_tap_made_on_the_other(household, servers):
    a, b = servers
    hid = household["id"]
    anna = signed_in(a, household["patient"]["email"], hid)
    ben = signed_in(b, household["caregiver"]["email"], hid)
    today = f"/h/{hid}/today"

    before = page(ben, b, today).text
    assert "1 of " not in before
    assert page(ben, b, today).text == before  # kept by B: nothing changed
    assert tick(anna, a, hid, *CONTENDED, "done").status_code == 200
    assert "1 of " in page(ben, b, today).text  # B's kept page is never shown again
    assert tick(ben, b, hid, *CONTENDED, "open").status_code == 200
    assert "1 of " not in page(anna, a, today).text  # nor A's


# 5. Reminders sent exactly once ---------------------------------------------------------------

ASKED_FOR_HELP = ("bath-seat", "shower-seat")  # home checks Anna marks "needs help"
CRON_RUNS = 3


def zone_at_nine(now: dt.datetime) -> str:
    """A time zone (Etc/GMT+-N) where `now` is between 09:00 and 10:00: the daily plan (from
    08:00) is due, and midnight is hours away either side, so every sender's now is on one day."""
    east = (9 - now.hour + 12) % 24 - 12  # hours east of UTC, -12 to 11
    return f"Etc/GMT{-east:+d}" if east else "Etc/GMT"  # POSIX signs: Etc/GMT-9 is UTC+9


def test_of_many_senders_claiming_one_reminder_at_once_one_wins(household):
    url, hid = household["url"], household["id"]
    db = connect(url)
    try:
        outbox.enqueue(db, hid, household["patient"]["id"], "digest", "", f.DAY, "email", at=f.NOW)
        [row] = fetch(db, "select id from outbox where household_id = ?", [hid])
    finally:
        db.close()
    senders = [connect(url) for _ in range(8)]  # a connection each, as processes have
    try:
        won = at_once([lambda db=db: outbox.claim(db, row["id"], at=f.NOW) for db in senders])
    finally:
        for db in senders:
            db.close()
    assert sorted(won) == [False] * 7 + [True]


def test_reminders_due_now_arrive_once_from_both_servers_and_cron_at_once(
    own_household, tmp_path, smtp_sink
):
    """The servers' schedulers send what is due on the real clock, once at start and every
    minute after: so here "the moment" is the real now, in a zone where it is morning, and the
    servers start together with cron runs (`planner remind --at` that moment), all sending
    the same reminders through the same outbox. Who sends which varies; the mail does not."""
    household = own_household
    url, hid, anna = household["url"], household["id"], household["patient"]
    now = clock.system_now()
    db = connect(url)
    try:
        accounts.set_timezone(db, hid, zone_at_nine(now))
        caregivers = [household["caregiver"]] + [
            f.member(db, hid, "caregiver", name) for name in ("Cleo", "Dan")
        ]
        daily = {"email": 1, "digest": 1, "digest_time": "08:00"}
        settings.save(db, hid, anna["id"], daily, at=now)
        for person in caregivers:
            settings.save(db, hid, person["id"], {**daily, "caregiver_alerts": 1}, at=now)
        for item in ASKED_FOR_HELP:
            ticks.set_state(db, hid, item, "once", 0, "needs-help", by_user=anna["id"], at=now)
        titles = [plans.get_task(db, hid, item)["title"] for item in ASKED_FOR_HELP]
    finally:
        db.close()
    expected = 1 + len(caregivers) * (1 + len(ASKED_FOR_HELP))  # a daily plan each, and alerts
    mail = {"PLANNER_SMTP_URL": smtp_sink.url, "PLANNER_MAIL_FROM": "planner@clinic.example"}
    env = {**mail, "PLANNER_PUSH": "0"}

    cron: list[subprocess.Popen] = []
    servers: list[Server] = []
    try:
        with mock.patch.dict(os.environ, env), ThreadPoolExecutor(2) as starting:
            # Cron first: the servers start a little faster, and would otherwise send it all.
            for n in range(CRON_RUNS):
                cron.append(_remind(url, now, _folder(tmp_path, f"cron-{n}")))
            starts = [
                starting.submit(Server, url, _folder(tmp_path, f"server-{name}"))
                for name in ("a", "b")
            ]
            done, _ = futures.wait(starts, timeout=2 * WAIT_S)
            servers += [start.result() for start in done if start.exception() is None]
            for start in starts:
                start.result(timeout=0)  # a server that did not start fails the test here
        for run in cron:
            output, _ = run.communicate(timeout=WAIT_S)
            assert run.returncode == 0, output

        def all_sent() -> bool:
            states = query(url, "select state from outbox")
            return len(states) == expected and {r["state"] for r in states} == {"sent"}

        wait_until(all_sent, f"{expected} reminders sent")
        time.sleep(2)  # room for a second copy of any of them to arrive: none must
    finally:
        for run in cron:
            if run.poll() is None:
                run.kill()
                run.wait()
        stop_all(servers)

    messages = list(smtp_sink.messages)
    daily_plans = [m["To"] for m in messages if m["Subject"].startswith("Your plan for ")]
    alerts = [
        (m["To"], _listed(m))
        for m in messages
        if m["Subject"] == f"{anna['name']} asked for help at {anna['name']}'s home"
    ]
    assert sorted(daily_plans) == sorted(p["email"] for p in [anna, *caregivers])
    assert sorted(alerts) == sorted(
        (person["email"], (f"- {title}",)) for person in caregivers for title in titles
    )
    assert len(messages) == expected  # each exactly once, and nothing else


def _folder(tmp_path: Path, name: str) -> Path:
    """A working folder of the process's own: its instance folder and log."""
    folder = tmp_path / name
    folder.mkdir()
    return folder


def _remind(url: str, at: dt.datetime, folder: Path) -> subprocess.Popen:
    """`planner remind --database-url URL --at AT`, as cron runs it."""
    return subprocess.Popen(
        [sys.executable, "-m", "planner", "remind", "--database-url", url, "--at", at.isoformat()],
        env={**os.environ, "PLANNER_SECRET_KEY": "server-test-secret"},
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _listed(message) -> tuple[str, ...]:
    """The tasks a reminder lists, one "- title" line each."""
    text = message.get_body(("plain",)).get_content()
    return tuple(line for line in text.splitlines() if line.startswith("- "))


# 6. Invites and view links --------------------------------------------------------------------


def test_an_invite_accepted_on_both_servers_at_once_lets_one_person_in(household, servers):
    a, b = servers
    url, hid = household["url"], household["id"]
    db = connect(url)
    try:
        token = links.create_link(
            db,
            hid,
            links.MEMBER,
            household["patient"]["id"],
            f.NOW + dt.timedelta(days=7),
            "caregiver",
            at=f.NOW,
        )
        people = [f.user(db, name) for name in ("Cleo", "Dan", "Eve", "Finn")]
    finally:
        db.close()
    guests = [
        (newcomer(server, p["email"]), server) for p, server in zip(people, (a, b) * 2, strict=True)
    ]

    def accept(http: requests.Session, server: Server):
        return lambda: post(http, server, f"/join/{token}")

    answers = at_once([accept(http, server) for http, server in guests])
    assert sorted(r.status_code for r in answers) == [303, 410, 410, 410]
    [winner] = [n for n, r in enumerate(answers) if r.status_code == 303]
    assert answers[winner].headers["Location"].endswith(f"/h/{hid}/today")
    for refused in (r for r in answers if r.status_code == 410):
        assert "This invite link has already been used" in refused.text
    members = query(url, "select user_id from members where household_id = ?", (hid,))
    joined = {m["user_id"] for m in members} - {
        household["patient"]["id"],
        household["caregiver"]["id"],
    }
    assert joined == {people[winner]["id"]}
    for n, (http, server) in enumerate(guests):  # checked on the other server than the answer
        other = b if server is a else a
        assert page(http, other, f"/h/{hid}/today").status_code == (200 if n == winner else 404)


def test_a_view_link_cancelled_on_both_servers_at_once_is_cancelled_once_and_refused_by_both(
    household, servers
):
    a, b = servers
    url, hid = household["url"], household["id"]
    db = connect(url)
    try:
        token = links.create_link(
            db,
            hid,
            links.VIEW,
            household["patient"]["id"],
            f.NOW + dt.timedelta(days=7),
            at=f.NOW,
        )
        [link] = fetch(db, "select id from invites where token_hash = ?", [links.hash_token(token)])
    finally:
        db.close()
    stranger = requests.Session()
    for server in (a, b):
        assert page(stranger, server, f"/view/{token}").status_code == 200
    anna = [signed_in(server, household["patient"]["email"], hid) for server in (a, b)]

    def cancel(http: requests.Session, server: Server):
        def run():
            answer = post(http, server, f"/h/{hid}/share/links/{link['id']}/revoke")
            assert answer.status_code == 303
            return page(http, server, answer.headers["Location"]).text  # with its message

        return run

    said = at_once([cancel(http, server) for http, server in zip(anna, (a, b), strict=True)])
    cancelled = "The link was cancelled. It no longer works."
    already = "That link was already used, cancelled or never existed."
    assert sorted((cancelled in text, already in text) for text in said) == [
        (False, True),
        (True, False),
    ]
    for server in (a, b):
        gone = page(stranger, server, f"/view/{token}")
        assert gone.status_code == 410
        assert "This link to see a plan was cancelled" in gone.text
