"""The web app's access to the database: one kept connection per server thread."""

from __future__ import annotations

import sqlite_utils
from flask import current_app

from planner.store.sqlite import thread_db


def get_db() -> sqlite_utils.Database:
    """This thread's connection to the app's database (foreign keys on, busy timeout set)."""
    return thread_db(current_app.config["DATABASE"])
