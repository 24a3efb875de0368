"""Fixtures shared by every test: an app on a fresh database file, its client, its database."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest
from hypothesis import settings

from planner import create_app
from planner.plans.catalog import default_folder, load_catalog
from planner.store.sqlite import close_thread_dbs
from planner.web.db import get_db
from tests.factories import DAY

SCENARIOS = Path(__file__).parent / "scenarios"

# Deadlines make property tests flaky on a loaded 2-core machine; speed is measured in bench/.
settings.register_profile("planner", deadline=None)
settings.load_profile("planner")


@pytest.fixture(scope="session")
def catalog():
    """The real catalog, loaded once."""
    return load_catalog(default_folder())


@pytest.fixture
def app(tmp_path, catalog):
    # Every app's clock is pinned to factories.DAY: the suite passes whatever the machine's
    # date and time zone (tests of other days set TODAY themselves).
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path / "planner.db"),
            "SECRET_KEY": "test-secret",
            "TODAY": DAY.isoformat(),
        },
        catalog,
    )
    yield app
    close_thread_dbs()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """The app's database, opened the way a request opens it."""
    with app.app_context():
        yield get_db()


@pytest.fixture
def hx():
    """Headers of a targeted htmx request."""
    return {"HX-Request": "true"}


def login(client, user_id: int) -> None:
    """Sign a test client in as a user, without going through the form: a server-side session
    started as the sign-in form starts one, its id in the client's cookie."""
    from planner.store import sessions
    from planner.web.security import request_now

    app = client.application
    with app.test_request_context():
        session_id = sessions.start(get_db(), user_id, at=request_now())
    with client.session_transaction() as session:
        session["sid"] = session_id
        session["csrf"] = "test-csrf"
        session.permanent = True


CSRF = {"csrf_token": "test-csrf"}


class _Sink:
    """What the SMTP sink received: parsed messages, in order."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


@pytest.fixture
def smtp_sink():
    """A real SMTP server (aiosmtpd) on a free loopback port; `.url` for PLANNER_SMTP_URL and
    `.messages` for what arrived."""
    from aiosmtpd.controller import Controller

    from tests.server import free_port

    handler = _Sink()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.url = f"smtp://127.0.0.1:{port}"
    try:
        yield handler
    finally:
        controller.stop()
