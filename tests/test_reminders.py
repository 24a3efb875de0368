"""Reminders reach people: a digest at the chosen minute and never in quiet hours, once per run
however often the scheduler runs, stopped by a tick, retried when the mail server fails, and an
unsubscribe link that needs no sign-in. Every moment is pinned (`at`): no wall clock."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from planner.plans import recurrence
from planner.reminders import outbox, scheduler, settings, tasks
from planner.store import plans, ticks
from planner.store.sql import close_thread_dbs, fetch
from tests import factories as f
from tests.conftest import CSRF, login
from tests.server import free_port

UTC = dt.UTC
TUESDAY = f.DAY + dt.timedelta(days=1)
DOSE_DAY = dt.date(2026, 12, 19)  # f.PROFILE's first infusion day (a Saturday)
HEALTH_WORDS = ("infusion", "kidney", "zoledronic", "dental", "bone", "drink", "fall")


def moment(day: dt.date, hhmm: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=UTC)


@pytest.fixture
def mailing(app, smtp_sink):
    app.config.update(SMTP_URL=smtp_sink.url, MAIL_FROM="planner@clinic.example", PUSH=0)
    return smtp_sink


def turn_on(db, w, who, **values):
    settings.save(db, w["id"], w[who], {"email": 1, **values}, at=f.NOW)


def outbox_rows(db):
    return fetch(db, "select * from outbox order by id")


def test_everything_is_off_until_the_person_turns_it_on(app, db, catalog, mailing):
    w = f.home(app, db, catalog)
    assert settings.get(db, w["id"], w["patient"])["digest"] == 0
    scheduler.run(app, moment(TUESDAY, "08:00"))
    assert mailing.messages == [] and outbox_rows(db) == []


def test_the_digest_comes_at_the_chosen_minute_once_without_health_details(
    app, db, catalog, mailing
):
    w = f.home(app, db, catalog)
    turn_on(db, w, "patient", digest=1, digest_time="07:45")
    scheduler.run(app, moment(TUESDAY, "07:44"))
    assert mailing.messages == []
    for minute in ("07:45", "07:45", "07:46", "09:00"):
        scheduler.run(app, moment(TUESDAY, minute))
    [message] = mailing.messages
    due = tasks.digest(plans.tasks(db, w["id"]), TUESDAY, {})
    today = [item for item in due if not item["week"]]
    assert message["Subject"] == f"Your plan for Tuesday: {len(today)} things"
    text = message.get_body(("plain",)).get_content()
    assert text.splitlines()[0] == "Here is what your plan holds for Tuesday 24 November."
    assert all(f"- {item['title']}" in text for item in due)
    assert f"http://127.0.0.1:5000/h/{w['id']}/today" in text
    html = message.get_body(("html",)).get_content()
    preview = html.split('overflow: hidden;">')[1].split("<")[0]
    for word in HEALTH_WORDS:
        assert word not in message["Subject"].lower() and word not in preview.lower()
    assert message["List-Unsubscribe"].strip().startswith("<http://127.0.0.1:5000/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_digest_waits_for_quiet_hours_to_end(app, db, catalog, mailing):
    w = f.home(app, db, catalog)
    turn_on(db, w, "patient", digest=1, digest_time="07:00", quiet_start="22:00", quiet_end="07:30")
    for minute in ("07:00", "07:10", "07:29"):
        scheduler.run(app, moment(TUESDAY, minute))
    assert mailing.messages == []
    scheduler.run(app, moment(TUESDAY, "07:30"))
    assert len(mailing.messages) == 1


def test_the_person_s_own_time_zone_sets_the_minute(app, db, catalog, mailing):
    w = f.home(app, db, catalog)
    turn_on(db, w, "patient", digest=1, digest_time="08:00", timezone="Pacific/Auckland")
    scheduler.run(app, moment(f.DAY, "08:00"))  # 21:00 in Auckland
    assert mailing.messages == []
    scheduler.run(app, moment(f.DAY, "19:00"))  # 08:00 on Tuesday in Auckland
    assert mailing.messages[0]["Subject"].startswith("Your plan for Tuesday")


def test_two_senders_at_once_send_once(app, db, catalog, mailing):
    w = f.home(app, db, catalog)
    turn_on(db, w, "patient", digest=1)
    turn_on(db, w, "caregiver", digest=1)
    start = threading.Barrier(4)
    problems = []

    def sender():
        try:
            start.wait()
            scheduler.run(app, moment(TUESDAY, "08:00"))
        except Exception as exc:  # noqa: BLE001 - reported below
            problems.append(exc)
        finally:
            close_thread_dbs()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    assert sorted(m["To"] for m in mailing.messages) == sorted(
        u["email"]
        for u in fetch(
            db, "select email from users where id in (?, ?)", [w["patient"], w["caregiver"]]
        )
    )


def test_a_failing_mail_server_leaves_the_reminder_queued_and_tried_again(
    app, db, catalog, mailing
):
    w = f.home(app, db, catalog)
    turn_on(db, w, "patient", digest=1)
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    scheduler.run(app, moment(TUESDAY, "08:00"))
    [row] = outbox_rows(db)
    assert (row["state"], row["attempts"]) == ("queued", 1)
    assert "did not take the message" in row["last_error"]
    app.config["SMTP_URL"] = mailing.url  # the server is back
    scheduler.run(app, moment(TUESDAY, "08:01"))
    assert mailing.messages == []  # not before its back-off
    scheduler.run(app, moment(TUESDAY, "08:05"))
    assert len(mailing.messages) == 1
    assert outbox_rows(db)[0]["state"] == "sent"


def test_a_reminder_that_keeps_failing_ends_failed_and_the_page_says_so(
    app, db, catalog, client, mailing
):
    w = f.home(app, db, catalog)
    turn_on(db, w, "patient", digest=1)
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"
    at = moment(TUESDAY, "08:00")
    for _ in range(outbox.MAX_ATTEMPTS):
        scheduler.run(app, at)
        at += dt.timedelta(hours=1)
    assert outbox_rows(db)[0]["state"] == "failed"
    login(client, w["patient"])
    page = client.get(f"/h/{w['id']}/reminders").get_data(as_text=True)
    assert "Daily plan" in page and "could not be sent" in page


def test_help_asked_for_at_home_reaches_the_caregivers_once(app, db, catalog, client, mailing):
    w = f.home(app, db, catalog)
    turn_on(db, w, "caregiver", caregiver_alerts=1)
    turn_on(db, w, "patient", caregiver_alerts=1)  # a patient gets no help alerts
    login(client, w["patient"])
    response = client.post(
        f"/h/{w['id']}/home/bath-seat/state", data={"state": "needs-help", **CSRF}
    )
    assert response.status_code == 303
    for minute in ("12:01", "12:02", "18:00"):
        scheduler.run(app, moment(f.DAY, minute))
    [message] = mailing.messages
    assert message["Subject"] == "Anna asked for help at Anna's home"
    assert "Use a bath seat or bench" in message.get_body(("plain",)).get_content()
    assert message["To"].startswith("ben")
    scheduler.run(app, moment(TUESDAY, "12:00"))  # still needing help the next day: no nag
    assert len(mailing.messages) == 1


def test_a_key_date_passed_reaches_the_patient_and_if_she_chose_a_caregiver(
    app, db, catalog, mailing
):
    w = f.home(app, db, catalog)
    turn_on(db, w, "patient", key_dates=1, tell_caregivers=1)
    turn_on(db, w, "caregiver", caregiver_alerts=1)
    after = DOSE_DAY + dt.timedelta(days=1)
    scheduler.run(app, moment(after, "08:00"))
    scheduler.run(app, moment(after, "09:00"))
    subjects = {(m["To"][:3], m["Subject"]) for m in mailing.messages}
    assert subjects == {
        ("ann", "A date in your plan has passed"),
        ("ben", "A date in your plan has passed"),
    }
    assert len(mailing.messages) == 4  # the infusion and the kidney test, to each of them
    # A tick stops it: the next morning only the kidney test is mentioned.
    ticks.set_state(
        db,
        w["id"],
        "infusion-day",
        DOSE_DAY.isoformat(),
        0,
        "done",
        by_user=w["patient"],
        at=moment(after, "10:00"),
    )
    mailing.messages.clear()
    scheduler.run(app, moment(after + dt.timedelta(days=1), "08:00"))
    bodies = [m.get_body(("plain",)).get_content() for m in mailing.messages]
    kidney, infusion = (
        plans.get_task(db, w["id"], i)["title"]
        for i in ("kidney-test-before-infusion", "infusion-day")
    )
    assert len(bodies) == 2 and all(kidney in b and infusion not in b for b in bodies)


def test_without_the_patient_s_wish_caregivers_hear_nothing_of_key_dates(app, db, catalog, mailing):
    w = f.home(app, db, catalog)
    turn_on(db, w, "patient", key_dates=1)
    turn_on(db, w, "caregiver", caregiver_alerts=1)
    scheduler.run(app, moment(DOSE_DAY + dt.timedelta(days=1), "08:00"))
    assert {m["To"][:3] for m in mailing.messages} == {"ann"}


def test_a_tick_before_the_quiet_hours_end_stops_a_queued_alert(app, db, catalog, mailing):
    w = f.home(app, db, catalog)
    turn_on(
        db, w, "patient", key_dates=1, digest_time="07:00", quiet_start="22:00", quiet_end="09:00"
    )
    scheduler.run(app, moment(DOSE_DAY, "07:00"))  # on the day: queued, waiting for 09:00
    assert mailing.messages == [] and len(outbox_rows(db)) == 2
    for item in ("infusion-day", "kidney-test-before-infusion"):
        ticks.set_state(
            db,
            w["id"],
            item,
            DOSE_DAY.isoformat(),
            0,
            "not-today",
            by_user=w["patient"],
            at=moment(DOSE_DAY, "08:00"),
        )
    scheduler.run(app, moment(DOSE_DAY, "09:00"))
    assert mailing.messages == []
    assert {r["state"] for r in outbox_rows(db)} == {"cancelled"}


def test_one_click_unsubscribe_needs_no_sign_in_and_stops_the_mail(app, db, catalog, mailing):
    w = f.home(app, db, catalog)
    turn_on(db, w, "patient", digest=1)
    scheduler.run(app, moment(TUESDAY, "08:00"))
    url = mailing.messages[0]["List-Unsubscribe"].strip().strip("<>")
    path = url.removeprefix("http://127.0.0.1:5000")
    stranger = app.test_client()
    assert "Stop reminder emails?" in stranger.get(path).get_data(as_text=True)
    assert settings.get(db, w["id"], w["patient"])["email"] == 1  # a GET only asks
    response = stranger.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "No more reminder emails" in response.get_data(
        as_text=True
    )
    assert settings.get(db, w["id"], w["patient"])["email"] == 0
    scheduler.run(app, moment(TUESDAY + dt.timedelta(days=1), "08:00"))
    assert len(mailing.messages) == 1
    assert stranger.get("/unsubscribe/not-a-token").status_code == 404
    assert (
        fetch(db, "select token_hash from unsubscribe_tokens")[0]["token_hash"] not in path
    )  # only a hash is kept


def test_the_settings_page_stores_choices_and_refuses_bad_ones(app, db, catalog, client):
    w = f.home(app, db, catalog)
    login(client, w["caregiver"])
    page = client.get(f"/h/{w['id']}/reminders").get_data(as_text=True)
    assert "Everything is off until you turn it on" in page
    assert "added to the home screen" in page
    bad = client.post(
        f"/h/{w['id']}/reminders",
        data={"digest": "on", "digest_time": "25:00", "quiet_start": "22:00", **CSRF},
    )
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "write a time of day like 08:00" in text and "Give both times" not in text
    assert settings.get(db, w["id"], w["caregiver"])["digest"] == 0
    bad = client.post(
        f"/h/{w['id']}/reminders", data={"digest_time": "08:00", "quiet_start": "22:00", **CSRF}
    )
    assert "Give both times of the quiet hours" in bad.get_data(as_text=True)
    ok = client.post(
        f"/h/{w['id']}/reminders",
        data={
            "digest": "on",
            "digest_time": "06:30",
            "caregiver_alerts": "on",
            "email": "on",
            "tell_caregivers": "on",
            "quiet_start": "21:00",
            "quiet_end": "07:00",
            "timezone": "Europe/Paris",
            **CSRF,
        },
    )
    assert ok.status_code == 303
    stored = settings.get(db, w["id"], w["caregiver"])
    assert (
        stored["digest"],
        stored["digest_time"],
        stored["caregiver_alerts"],
        stored["tell_caregivers"],
        stored["quiet_start"],
        stored["timezone"],
    ) == (1, "06:30", 1, 0, "21:00", "Europe/Paris")  # only a patient tells caregivers


def test_finished_rows_are_pruned_after_thirty_days(app, db, catalog, mailing):
    w = f.home(app, db, catalog)
    turn_on(db, w, "patient", digest=1)
    scheduler.run(app, moment(TUESDAY, "08:00"))
    assert outbox_rows(db)[0]["state"] == "sent"
    scheduler.run(app, moment(TUESDAY + dt.timedelta(days=30), "07:00"))
    assert len(outbox_rows(db)) == 1
    scheduler.run(app, moment(TUESDAY + dt.timedelta(days=31), "07:00"))
    assert outbox_rows(db) == []


def test_a_sender_that_died_mid_send_is_not_sent_again(app, db, catalog, mailing):
    w = f.home(app, db, catalog)
    turn_on(db, w, "patient", digest=1)
    outbox.enqueue(
        db, w["id"], w["patient"], "digest", "", TUESDAY, "email", at=moment(TUESDAY, "08:00")
    )
    [row] = outbox_rows(db)
    assert outbox.claim(db, row["id"], at=moment(TUESDAY, "08:00"))  # and then it died
    scheduler.run(app, moment(TUESDAY, "08:30"))
    assert mailing.messages == []
    assert outbox_rows(db)[0]["state"] == "failed"


def test_a_household_without_a_plan_gets_no_digest(app, db, catalog, mailing):
    w = f.home(app, db, catalog, plan=False)
    turn_on(db, w, "patient", digest=1)
    scheduler.run(app, moment(TUESDAY, "08:00"))
    assert mailing.messages == []


def test_needs_help_counts_only_on_the_day_it_was_said():
    item = {"id": "bath-seat", "domain": "home-safety", "schedule": {"kind": "once"}}
    tick = {
        "item_id": "bath-seat",
        "occurrence": "once",
        "slot": 0,
        "state": "needs-help",
        "updated_at": "2026-11-23T10:00:00+00:00",
    }
    marks = recurrence.index_ticks([tick], UTC)
    assert tasks.needs_help([item], f.DAY, marks) == [(item, marks[("bath-seat", "once", 0)])]
    assert tasks.needs_help([item], TUESDAY, marks) == []


def test_joining_can_turn_on_the_morning_email_and_nothing_else(app, db, catalog, client):
    from planner.store import links

    w = f.home(app, db, catalog)
    for wants, name in ((True, "Cleo"), (False, "Dan")):
        token = links.create_link(
            db,
            w["id"],
            links.MEMBER,
            w["patient"],
            f.NOW + dt.timedelta(days=7),
            "caregiver",
            at=f.NOW,
        )
        person = f.user(db, name)
        login(client, person["id"])
        form = {**CSRF, **({"daily_email": "on"} if wants else {})}
        assert client.post(f"/join/{token}", data=form).status_code == 303
        chosen = settings.get(db, w["id"], person["id"])
        assert (
            chosen["digest"],
            chosen["email"],
            chosen["digest_time"],
            chosen["caregiver_alerts"],
            chosen["push"],
        ) == ((1, 1, "08:00", 0, 0) if wants else (0, 0, "08:00", 0, 0))


def test_the_demo_accounts_get_a_daily_plan_at_eight(app, db, catalog, mailing):
    from planner import clock, demo

    assert demo.seed(db, catalog, clock.pinned(f.DAY)) == "created"
    scheduler.run(app, moment(TUESDAY, "08:00"))
    assert sorted(m["To"] for m in mailing.messages) == sorted(a[0] for a in demo.ACCOUNTS)


def test_a_dental_exam_before_the_first_dose_is_mentioned_for_three_days_after_its_date():
    exam = {
        "id": "dental-exam-before-first-dose",
        "domain": "dental",
        "schedule": {"kind": "once", "due": "2026-11-20"},
    }
    other = {
        "id": "bath-seat",
        "domain": "home-safety",
        "schedule": {"kind": "once", "due": "2026-11-20"},
    }
    overdue = [
        d for d in range(19, 26) if tasks.key_overdue([exam, other], dt.date(2026, 11, d), {})
    ]
    assert overdue == [21, 22, 23]
    done = recurrence.index_ticks(
        [
            {
                "item_id": exam["id"],
                "occurrence": "once",
                "slot": 0,
                "state": "done",
                "updated_at": "2026-11-21T09:00:00",
            }
        ],
        UTC,
    )
    assert tasks.key_overdue([exam], dt.date(2026, 11, 22), done) == []


@pytest.mark.parametrize(
    ("start", "end", "now", "until"),
    [
        ("22:00", "07:00", "23:30", "2026-11-24T07:00"),  # across midnight, evening side
        ("22:00", "07:00", "06:59", "2026-11-23T07:00"),  # across midnight, morning side
        ("22:00", "07:00", "07:00", None),
        ("13:00", "15:00", "14:00", "2026-11-23T15:00"),  # an afternoon rest
        ("13:00", "15:00", "12:59", None),
    ],
)
def test_quiet_hours(start, end, now, until):
    local = dt.datetime.combine(f.DAY, dt.time.fromisoformat(now), tzinfo=UTC)
    got = scheduler.quiet_until({"quiet_start": start, "quiet_end": end}, local)
    assert (got.strftime("%Y-%m-%dT%H:%M") if got else None) == until
