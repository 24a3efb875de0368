"""The one planning pipeline (planner/planning.py): every path gets the same plan, with the
profile's derived facts worked out once, and a publish is all or nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from planner import planning
from planner.plans import engine
from planner.store import plans
from planner.store import tailoring as drafts
from tests import factories as f


def test_a_plan_works_out_the_profiles_facts_once(monkeypatch, db, catalog):
    household, anna = f.household(db)
    f.with_tailored_plan(db, catalog, household["id"], anna["id"])
    calls = []
    real = planning.build_context

    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(planning, "build_context", counted)
    monkeypatch.setattr(engine, "build_context", counted)
    tailoring = {
        "exercises": [{"id": "neck-movements", "prescription": {"sets": 1}}],
        "removed": [],
    }
    planning.replan(
        db, household["id"], f.PROFILE, catalog, f.DAY, anna["id"], at=f.NOW, tailoring=tailoring
    )
    assert len(calls) == 1


def test_the_pipeline_is_what_the_household_gets(db, catalog):
    household, anna = f.household(db)
    expected = planning.plan_for(f.PROFILE, catalog, f.DAY)
    planning.replan(db, household["id"], f.PROFILE, catalog, f.DAY, anna["id"], at=f.NOW)
    assert plans.current_plan(db, household["id"])["plan"] == expected


def test_a_publish_that_fails_leaves_the_draft_and_the_plan(monkeypatch, db, catalog):
    household, anna = f.household(db)
    f.with_plan(db, catalog, household["id"], anna["id"])
    drafts.save_draft(
        db, household["id"], {"exercises": [], "removed": ["neck-movements"]}, anna["id"], at=f.NOW
    )

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(drafts, "drop_draft", broken)
    with pytest.raises(RuntimeError):
        planning.replan(
            db,
            household["id"],
            f.PROFILE,
            catalog,
            f.DAY,
            anna["id"],
            at=f.NOW,
            tailoring=drafts.get_draft(db, household["id"]),
            publish_draft=True,
        )
    assert plans.current_plan(db, household["id"])["version"] == 1
    assert drafts.get_draft(db, household["id"]) is not None


def test_the_pure_part_imports_without_flask():
    code = (
        "import sys, planner.plans.engine, planner.planning, planner.plans.tailoring,"
        " planner.plans.recurrence,"
        " planner.plans.profile, planner.clock; print('flask' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
