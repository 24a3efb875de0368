"""The web app's factory: `create_app` builds it (flaskr's factory, adapted to our layout)."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

from flask import Flask
from flask_htmx import HTMX

from planner.clock import DEFAULT_ZONE, is_zone
from planner.plans.catalog import Catalog, default_folder, load_catalog
from planner.web.page_cache import PageCache
from planner.web.templating import PlannerFlask

HERE = Path(__file__).resolve().parent.parent  # the planner package


def _templates_folder() -> Path:
    """templates/ beside the package in a checkout, or the copy carried inside the wheel."""
    for candidate in (HERE.parent / "templates", HERE / "_data" / "templates"):
        if (candidate / "base.html").exists():
            return candidate
    return HERE.parent / "templates"


def instance_folder() -> Path:
    """Where the database and the secret key live: PLANNER_INSTANCE, else `instance/` in the
    folder the planner is started from (a checkout or not, installed or editable)."""
    return Path(os.environ.get("PLANNER_INSTANCE") or Path.cwd() / "instance").resolve()


def _secret_key(instance: Path) -> str:
    """A secret kept in the instance folder (0600), so that cookies survive a restart.

    An empty (or whitespace-only) file, as a failed copy or a full disk can leave, is replaced
    by a new secret: with an empty key no cookie could be signed and every page would fail.
    The cost is that browsers sign in again; who is signed in lives in the database anyway.
    """
    path = instance / "secret_key"
    if path.exists():
        key = path.read_text().strip()
        if key:
            return key
        path.unlink()
    instance.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def create_app(test_config: dict | None = None, catalog: Catalog | None = None) -> Flask:
    """Build the app: config layers, catalog (refusing an invalid one), database, blueprints.

    `catalog`: one already loaded from CHECKLISTS_DIR (tests share one: loading and checking
    the YAML takes a quarter of a second)."""
    app = PlannerFlask(
        "planner",
        instance_path=str(instance_folder()),
        instance_relative_config=True,
        template_folder=str(_templates_folder()),
    )
    instance = Path(app.instance_path)
    app.config.from_mapping(
        DATABASE=str(instance / "planner.db"),
        CHECKLISTS_DIR=str(default_folder()),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # A session's absolute lifetime, and how long it may stay unused (store/sessions.py).
        PERMANENT_SESSION_LIFETIME=dt.timedelta(days=30),
        SESSION_IDLE_TIMEOUT=dt.timedelta(days=7),
        SESSION_REFRESH_EACH_REQUEST=False,
        # Per address and hour: new accounts, and password-reset mails asked for.
        SIGNUP_LIMIT=10,
        RESET_LIMIT=5,
        MAX_CONTENT_LENGTH=64 * 1024,
        TIMEZONE=DEFAULT_ZONE,  # where new households live, until they say otherwise
        # BASE_URL (planner serve --base-url): the address people use. When set, every link the
        # app builds (pages, invite and view links, QR codes, mails) is on it, whatever Host
        # header a request names; reminder mails use it too (else http://127.0.0.1:5000).
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("PLANNER")
    else:
        app.config.from_mapping(test_config)
    if app.config.get("DATABASE_URL"):  # PLANNER_DATABASE_URL: PostgreSQL, shared by servers
        app.config["DATABASE"] = app.config["DATABASE_URL"]
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)

    if not is_zone(app.config["TIMEZONE"]):
        raise ValueError(
            f"TIMEZONE {app.config['TIMEZONE']!r} is not a time zone name such as Europe/London"
        )
    # An invalid catalog raises CatalogError here: the app refuses to start.
    app.extensions["planner_catalog"] = catalog or load_catalog(app.config["CHECKLISTS_DIR"])
    app.extensions["planner_pages"] = PageCache()

    from planner.store.migrations import migrate
    from planner.web import db, errors, i18n, security, static_files, views
    from planner.web.views import filters

    if app.config.get("BASE_URL"):
        from planner.web.base_url import CanonicalHost

        app.wsgi_app = CanonicalHost(app.wsgi_app, app.config["BASE_URL"])  # ValueError if bad
    migrate(app.config["DATABASE"])
    HTMX(app)
    db.init_app(app)
    security.init_app(app)
    i18n.init_app(app)  # after security: the language follows the signed-in person
    errors.init_app(app)
    static_files.init_app(app)
    filters.init_app(app)
    views.register(app)
    return app
