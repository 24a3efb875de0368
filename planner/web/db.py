"""The web app's access to the database: SQLite, one kept connection per server thread; or
PostgreSQL, a connection from the process's pool for each request, handed back at its end."""

from __future__ import annotations

from flask import Flask, current_app, g

from planner.store import postgres, sqlite
from planner.store.sql import Database


def get_db() -> Database:
    """This request's connection to the app's database (foreign keys on, busy timeout set)."""
    target = current_app.config["DATABASE"]
    if not postgres.is_url(target):
        return sqlite.thread_db(target)
    db = g.get("_pg_db")
    if db is None:
        db = g._pg_db = postgres.pooled(target)  # PoolTimeout while the server is away
    return db


def _hand_back(error: BaseException | None) -> None:
    db = g.pop("_pg_db", None)
    if db is not None:
        db.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_hand_back)
