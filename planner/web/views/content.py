"""How your plan is made: every rule of the catalog in plain words, public (no sign-in), made
from the loaded catalog by the same code the engine uses (planner/plans/explain.py, the safety
matrix's build), so the pages cannot say other than what plans do. Each item and movement rule
shows its why, its sources with where to check them, the profile facts that put it on a plan
or leave it out, any clinical question about it, and when it was last reviewed and by whom."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app

from planner.i18n import gettext
from planner.plans import explain, safety_matrix, signatures
from planner.plans.domains import LABELS, REGISTRY
from planner.plans.releases import SIGNATURE, short
from planner.store import reviewers
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.i18n import catalog_for
from planner.web.views.common import catalog

bp = Blueprint("content", __name__, url_prefix="/how-plans-are-made")


def folder() -> Path:
    return Path(current_app.config["CHECKLISTS_DIR"])


def _committed() -> signatures.Signature | None:
    """The signature committed with the content (checklists/signature.yaml), parsed again only
    when the file changes (a reviewer signing in the app may write it): every public page says
    who signed, and parsing it takes longer than the rest of the index page."""
    try:
        stat = (folder() / SIGNATURE).stat()
    except OSError:
        return None
    seen = (stat.st_mtime_ns, stat.st_size)
    kept = current_app.extensions.setdefault("planner_signature", {})
    if kept.get("seen") != seen:
        try:
            found = signatures.read(folder())
        except signatures.SignatureError:
            found = None  # check-content names the problem; the pages say "not signed"
        kept.update(seen=seen, signature=found)
    return kept["signature"]


def last_signature() -> signatures.Signature | None:
    """The latest signature: the one committed with the content or one made in this planner."""
    return signatures.latest(_committed(), reviewers.latest_signature(get_db()))


def matrix(spoken: bool = False) -> dict:
    """The safety matrix of the loaded catalog, worked out once per app (it builds 32 plans);
    `spoken`: its words in the reader's language (the public page; a reviewer signs the
    English)."""
    source = catalog_for() if spoken else catalog()
    kept = current_app.extensions.setdefault("planner_matrices", {})
    cached = kept.get(id(source))
    if cached is None or cached[0] is not source:
        cached = (source, safety_matrix.build(source))
        kept[id(source)] = cached
    return cached[1]


def _render(template: str, **context):
    return render(template, catalog=catalog_for(), **context)


def _review(signed: signatures.Signature | None, key: str) -> dict:
    """When a part was last reviewed: {"signature"} if the last signature covers it as it is
    now, {"changed": signature} if it changed since, {} if nothing was ever signed."""
    if signed is None:
        return {}
    if signatures.last_review(signed, catalog(), key):
        return {"signature": signed}
    return {"changed": signed}


def _questions(ident: str, kind: str) -> list:
    found = catalog_for().questions
    return [q for q in found if ident in (q.items if kind == "item" else q.rules)]


def _item(item, signed) -> dict:
    c = catalog_for()  # the public pages speak the reader's language
    rules = explain.rules_for(item.movements, c) if item.domain == "exercise" else []
    return {
        "item": item,
        "title": explain.public_text(item.title),
        "detail": explain.public_text(item.detail),
        "why": explain.public_text(item.why),
        "when": explain.describe(item.when, c),
        "emphasis": explain.describe(item.emphasis, c),
        "rules": [c.rule(r) for r in rules],
        "sources": item.sources,
        "when_done": explain.schedule_words(item.schedule),
        "audience": explain.AUDIENCE_WORDS[item.audience],
        "review": _review(signed, f"item:{item.id}"),
        "questions": _questions(item.id, "item"),
    }


def _rule(rule, signed) -> dict:
    c = catalog_for()
    loads = [c.movements[m] for m in rule.avoid]
    return {
        "rule": rule,
        "when": explain.describe(rule.when, c),
        "loads": loads,
        "daily_life": [explain.public_text(rule.daily_life)] if rule.daily_life else [],
        "load_advice": [m.daily_life for m in loads if m.daily_life],
        "exercises": [
            i for i in c.items if i.domain == "exercise" and set(i.movements) & set(rule.avoid)
        ],
        "review": _review(signed, f"rule:{rule.id}"),
        "questions": _questions(rule.id, "rule"),
    }


@bp.get("")
def index():
    """What the planner is, which content version it runs and who signed it, the parts of a
    plan, the clinical questions, and where the safety matrix and the changes are."""
    c = catalog_for()
    counts = {d.key: sum(1 for i in c.items if i.domain == d.key) for d in REGISTRY}
    return _render(
        "content/index.html",
        registry=REGISTRY,
        counts=counts,
        signed=last_signature(),
        short_hash=short(c.content_hash),
        questions=c.questions,
    )


@bp.get("/changes")
def changes():
    """Every release of the advice, newest first (checklists/CHANGES.md)."""
    return _render("content/changes.html", releases=catalog().releases, signed=last_signature())


@bp.get("/safety-matrix")
def safety():
    """Every exercise against every restricting fact: on the plan, left out (and why) or not
    offered, as the engine decides it."""
    return _render("content/matrix.html", data=matrix(spoken=True), signed=last_signature())


@bp.get("/<domain>")
def domain(domain: str):
    """One part of the plan: its shared why, its items (and for exercise the movement rules)."""
    if domain not in LABELS:
        abort(404, gettext("There is no such part of the plan."))
    c = catalog_for()
    signed = last_signature()
    items = [_item(i, signed) for i in c.items if i.domain == domain]
    warnings = [
        {
            "warning": w,
            "text": explain.public_text(w.text),
            "when": explain.describe(w.when, c),
            "review": _review(signed, f"warning:{w.id}"),
        }
        for w in c.warnings
        if w.domain == domain
    ]
    rules = [_rule(r, signed) for r in c.avoid_rules] if domain == "exercise" else []
    return _render(
        "content/domain.html",
        key=domain,
        label=LABELS[domain],
        about=c.about.get(domain),
        items=items,
        warnings=warnings,
        rules=rules,
        signed=signed,
        targets=c.targets if domain == "hydration" else None,
    )
