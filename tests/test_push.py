"""Web push end to end against a fake push service on loopback (a tiny HTTP server answering
201, then 410): real pywebpush encryption and VAPID signature, a subscription kept, used,
and removed once the service says it is gone."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from planner.reminders import push, scheduler, settings
from planner.store.sql import fetch
from tests import factories as f
from tests.conftest import CSRF, login

TUESDAY = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class FakePushService:
    """Answers every POST with `status` and keeps what came (headers and body)."""

    def __init__(self):
        self.status = 201
        self.received: list[tuple[dict, bytes]] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # http.server calls it by this name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send/device-1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def service():
    fake = FakePushService()
    yield fake
    fake.close()


@pytest.fixture
def browser_keys():
    """What a browser makes for a subscription: an ECDH P-256 key pair and an auth secret."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    auth = os.urandom(16)
    return private, {"p256dh": b64(public), "auth": b64(auth)}, auth


def test_a_subscription_is_kept_used_and_removed_when_gone(
    app, db, catalog, client, service, browser_keys
):
    private, keys, auth = browser_keys
    app.config.update(SMTP_URL=None, MAIL_FROM="planner@clinic.example")
    w = f.home(app, db, catalog)
    login(client, w["patient"])
    page = client.get(f"/h/{w['id']}/reminders").get_data(as_text=True)
    assert f'data-key="{push.public_key(app)}"' in page
    subscription = json.dumps({"endpoint": service.url, "keys": keys})
    response = client.post(
        f"/h/{w['id']}/reminders/push", data={"subscription": subscription, **CSRF}
    )
    assert response.status_code == 303
    assert [d["endpoint"] for d in push.devices(db, w["patient"])] == [service.url]
    assert settings.get(db, w["id"], w["patient"])["push"] == 1
    settings.save(db, w["id"], w["patient"], {"digest": 1}, at=f.NOW)

    scheduler.run(app, TUESDAY)
    [(headers, body)] = service.received
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["authorization"].startswith("vapid t=")
    assert int(headers["ttl"]) > 0
    payload = json.loads(
        http_ece.decrypt(body, private_key=private, auth_secret=auth, version="aes128gcm")
    )
    assert payload["title"].startswith("Your plan for Tuesday: ")
    assert payload["url"] == f"http://127.0.0.1:5000/h/{w['id']}/today"
    assert "infusion" not in json.dumps(payload).lower()  # no health details on a lock screen
    scheduler.run(app, TUESDAY)
    assert len(service.received) == 1  # once

    service.status = 410  # the browser unsubscribed: the service says it is gone
    scheduler.run(app, TUESDAY + dt.timedelta(days=1))
    assert len(service.received) == 2
    assert push.devices(db, w["patient"]) == []
    last = fetch(db, "select state, last_error from outbox order by id desc limit 1")[0]
    assert last["state"] == "cancelled"


def test_a_push_service_that_fails_is_tried_again(app, db, catalog, service, browser_keys):
    _, keys, _ = browser_keys
    app.config.update(SMTP_URL=None)
    w = f.home(app, db, catalog)
    push.subscribe(db, w["patient"], {"endpoint": service.url, **keys}, at=f.NOW)
    settings.save(db, w["id"], w["patient"], {"digest": 1, "push": 1}, at=f.NOW)
    service.status = 500
    scheduler.run(app, TUESDAY)
    row = fetch(db, "select state, attempts from outbox")[0]
    assert (row["state"], row["attempts"]) == ("queued", 1)
    assert push.devices(db, w["patient"])  # a 500 is not "gone"
    service.status = 201
    scheduler.run(app, TUESDAY + dt.timedelta(minutes=5))
    assert fetch(db, "select state from outbox")[0]["state"] == "sent"


def test_a_device_can_be_removed_and_a_bad_subscription_is_refused(
    app, db, catalog, client, browser_keys
):
    _, keys, _ = browser_keys
    w = f.home(app, db, catalog)
    login(client, w["caregiver"])
    url = f"/h/{w['id']}/reminders/push"
    for bad in (
        "not json",
        json.dumps({"endpoint": "javascript:alert(1)", "keys": keys}),
        json.dumps({"endpoint": "https://push.example/x"}),
    ):
        assert client.post(url, data={"subscription": bad, **CSRF}).status_code == 422
    assert push.devices(db, w["caregiver"]) == []
    endpoint = "https://push.example/send/ben"
    client.post(
        url, data={"subscription": json.dumps({"endpoint": endpoint, "keys": keys}), **CSRF}
    )
    assert len(push.devices(db, w["caregiver"])) == 1
    client.post(url + "/remove", data={"endpoint": endpoint, **CSRF})
    assert push.devices(db, w["caregiver"]) == []


def test_the_service_worker_is_served_with_scope_over_the_app(client):
    response = client.get("/sw.js")
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.mimetype == "text/javascript"
    assert "notificationclick" in response.get_data(as_text=True)
