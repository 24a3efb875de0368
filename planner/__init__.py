"""The planner: personalised home checklists for people living with bone metastases.

The pure planning part (clock, profile, catalog, conditions, context, engine, recurrence,
tailoring, planning) imports without Flask; the web app is built by `planner.web.app.create_app`,
also reachable as `planner.create_app` without importing Flask until it is asked for.
"""

from __future__ import annotations


def __getattr__(name: str):
    # PEP 562: `from planner import create_app` loads the web app only when it is used.
    if name == "create_app":
        from planner.web.app import create_app

        return create_app
    raise AttributeError(f"module 'planner' has no attribute {name!r}")
