"""Web push: the server's VAPID key pair, the devices people subscribed, and sending one
notification with pywebpush (real RFC 8291 encryption, signed with the VAPID key).

The key pair is made at first start and kept beside the secret key in the instance folder
(vapid_private.pem, mode 0600): browsers tie each subscription to the public key, so a new key
would silently orphan every device. Tests without a key file get one kept in memory.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid

from planner.clock import iso
from planner.store.sql import Database, fetch, insert, run, transaction

KEY_FILE = "vapid_private.pem"
TIMEOUT = 10  # seconds: one slow push service must not hold the whole run
TTL = 12 * 60 * 60  # a reminder older than half a day is not worth showing
GONE = (404, 410)  # the push service says the subscription no longer exists
MAX_FIELD = 1024


class PushError(Exception):
    """The push service did not take the message; `gone` when the device unsubscribed."""

    def __init__(self, message: str, gone: bool = False):
        super().__init__(message)
        self.gone = gone


def key_path(app) -> Path | None:
    configured = app.config.get("VAPID_KEY_FILE")
    if configured:
        return Path(configured)
    return None if app.testing else Path(app.instance_path) / KEY_FILE


def vapid(app) -> Vapid:
    """The app's VAPID key pair, made (and kept, 0600) on first use."""
    kept = app.extensions.get("planner_vapid")
    if kept is not None:
        return kept
    path = key_path(app)
    if path is None:
        key = Vapid()
        key.generate_keys()
    elif path.exists():
        key = Vapid.from_file(str(path))
    else:
        key = Vapid()
        key.generate_keys()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key.private_pem())
    app.extensions["planner_vapid"] = key
    return key


def public_key(app) -> str:
    """The application server key browsers subscribe with (base64url, no padding)."""
    raw = vapid(app).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def enabled(app) -> bool:
    """Push is on unless PLANNER_PUSH is set to 0 (a server that must not call out)."""
    return str(app.config.get("PUSH", "1")).lower() not in ("0", "false", "no", "off")


def check_subscription(data: object) -> dict | None:
    """The endpoint and keys of a PushSubscription's JSON, or None if it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        return None
    endpoint, keys = data.get("endpoint"), data["keys"]
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if not all(isinstance(v, str) and 0 < len(v) <= MAX_FIELD for v in (endpoint, p256dh, auth)):
        return None
    if urlsplit(endpoint).scheme not in ("https", "http"):
        return None
    return {"endpoint": endpoint, "p256dh": p256dh, "auth": auth}


def subscribe(db: Database, user_id: int, subscription: dict, *, at: dt.datetime) -> None:
    """Keep a device's subscription for this person (the same endpoint moves to them)."""
    with transaction(db):
        run(db, "delete from push_subscriptions where endpoint = ?", [subscription["endpoint"]])
        insert(
            db, "push_subscriptions", {**subscription, "user_id": user_id, "created_at": iso(at)}
        )


def unsubscribe(db: Database, user_id: int, endpoint: str) -> bool:
    with transaction(db):
        return (
            run(
                db,
                "delete from push_subscriptions where user_id = ? and endpoint = ?",
                [user_id, endpoint],
            )
            > 0
        )


def forget(db: Database, subscription_id: int) -> None:
    with transaction(db):
        run(db, "delete from push_subscriptions where id = ?", [subscription_id])


def devices(db: Database, user_id: int) -> list[dict]:
    return fetch(db, "select * from push_subscriptions where user_id = ? order by id", [user_id])


def send(key: Vapid, subscription: dict, payload: dict, sender: str) -> None:
    """Send one notification; PushError (gone=True for 404/410) if it was not taken."""
    info = {
        "endpoint": subscription["endpoint"],
        "keys": {"p256dh": subscription["p256dh"], "auth": subscription["auth"]},
    }
    # Imported here: pywebpush brings aiohttp and requests, a fifth of a second at every start
    # of every server and command, and only the reminders' sender ever sends.
    from pywebpush import WebPushException, webpush

    try:
        webpush(
            info,
            json.dumps(payload),
            vapid_private_key=key,
            vapid_claims={"sub": f"mailto:{sender}"},
            ttl=TTL,
            timeout=TIMEOUT,
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        raise PushError(
            f"the push service answered {status or 'nothing'}", gone=status in GONE
        ) from None
    except (OSError, ValueError) as exc:  # connection refused, bad keys
        raise PushError(
            f"the push service could not be reached ({exc.__class__.__name__})"
        ) from None
