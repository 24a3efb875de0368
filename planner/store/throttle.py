"""How often one address may do something costly (sign up, ask for a reset mail) in a window.

Counting and noting the attempt are one transaction (BEGIN IMMEDIATE), so concurrent requests
cannot all slip under the limit.
"""

from __future__ import annotations

import datetime as dt

from planner.clock import iso
from planner.store.sql import Database, fetch_value, run, transaction

WINDOW = dt.timedelta(hours=1)


def allow(db: Database, kind: str, address: str | None, limit: int, *, at: dt.datetime) -> bool:
    """Note an attempt of `kind` from `address` and say whether it is within `limit` per
    WINDOW (an attempt over the limit is not noted, so waiting always helps)."""
    address = address or "unknown"
    with transaction(db):
        run(db, "delete from attempts where at <= ?", [iso(at - WINDOW)])
        count = fetch_value(
            db, "select count(*) from attempts where kind = ? and address = ?", [kind, address]
        )
        if count >= limit:
            return False
        run(
            db,
            "insert into attempts (kind, address, at) values (?, ?, ?)",
            [kind, address, iso(at)],
        )
    return True
