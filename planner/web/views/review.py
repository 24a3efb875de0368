"""The clinical reviewer's page: the content version the planner runs against the last signed
one (every safety outcome that changed, cell by cell, and every item, rule and warning added,
changed or removed), the questions open for review, and signing the version.

Reviewers are a role outside households, granted from the command line (`planner reviewer add
EMAIL`); everyone else signed in gets 403. A signature is kept in the database and, when
SIGNATURE_FILE is set (PLANNER_SIGNATURE_FILE, e.g. checklists/signature.yaml in a checkout),
written there; the page always offers it to download, to commit as checklists/signature.yaml
so that `planner check-content` knows what was signed."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, request, url_for

from planner.i18n import N_, Said, gettext
from planner.plans import signatures
from planner.plans.context import readable
from planner.store import reviewers
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.security import login_required
from planner.web.views.common import catalog, now
from planner.web.views.content import last_signature, matrix

bp = Blueprint("review", __name__, url_prefix="/review")
NOT_A_REVIEWER = N_(
    "Only a clinical reviewer may see and sign the planner's advice. Whoever runs the planner "
    "makes you one with: planner reviewer add EMAIL"
)


def reviewer_only(view: Callable) -> Callable:
    """Anonymous visitors go to sign in; anyone signed in who is not a reviewer gets 403."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not reviewers.is_reviewer(get_db(), g.user["id"]):
            abort(403, gettext(NOT_A_REVIEWER))
        return view(*args, **kwargs)

    return login_required(wrapped)


# The kinds of signed parts (catalog.SIGNED_PARTS and movements), as the reviewer reads them.
KINDS = Said(
    {
        "item": N_("Item"),
        "rule": N_("Movement rule"),
        "warning": N_("Warning"),
        "movement": N_("Movement"),
    }
)


def _label(key: str) -> tuple[str, str, str | None]:
    """A part of the content ("item:ID") as (kind, title, public page domain); a part taken
    out of the content has only its id, and no page."""
    kind, ident = key.split(":", 1)
    said = str(KINDS.get(kind, kind))
    c = catalog()
    item, rule = c.item(ident), c.rule(ident)
    if kind == "item" and item:
        return said, item.title, item.domain
    if kind == "rule" and rule:
        return said, rule.title, "exercise"
    if kind == "warning":
        found = next((w for w in c.warnings if w.id == ident), None)
        return said, ident, found.domain if found else None
    if kind == "movement" and ident in c.movements:
        return said, c.movements[ident].label, "exercise"
    return said, ident, None


def _page(status: int = 200, error: str = ""):
    signed = last_signature()
    parts = signatures.changed_parts(signed, catalog())
    return render(
        "review/show.html",
        status=status,
        signed=signed,
        current=signed is not None and signed.content_hash == catalog().content_hash,
        changes=signatures.outcome_changes(signed, catalog(), matrix()),
        parts={k: [(key, *_label(key)) for key in keys] for k, keys in parts.items()},
        open_questions=[q for q in catalog().questions if q.status == "open"],
        history=reviewers.signatures(get_db()),
        catalog=catalog(),
        error=error,
        words=signatures.WORDS,
    )


@bp.get("")
@reviewer_only
def show():
    """What changed since the last signature, and the form to sign this version."""
    return _page()


@bp.post("/sign")
@reviewer_only
def sign():
    """Sign the content version the planner runs, as the signed-in reviewer: only the version
    they saw (its hash in the form), and only once they confirm they reviewed every change."""
    if request.form.get("content_hash") != catalog().content_hash:
        return _page(
            422, gettext("The advice changed since you opened this page. Look again, then sign.")
        )
    signed = last_signature()
    if signed is not None and signed.content_hash == catalog().content_hash:
        # A replayed or doubled post: the page offers no form once this version is signed.
        return _page(
            409,
            gettext(
                "Release %(release)s is already signed by %(who)s on %(day)s: there is nothing "
                "new to sign.",
                release=signed.release,
                who=signed.signed_by,
                day=readable(signed.signed_on),
            ),
        )
    if request.form.get("reviewed") != "yes":
        return _page(422, gettext("Tick the box to confirm you reviewed every change above."))
    signature = signatures.sign(catalog(), g.user["name"], now(), matrix())
    reviewers.record_signature(get_db(), signature, g.user["id"])
    flash(
        gettext("Signed: release %(release)s of the advice.", release=signature.release)
        + " "
        + _write(signature)
    )
    return redirect(url_for("review.show"), 303)


def _write(signature: signatures.Signature) -> str:
    """Write signature.yaml where SIGNATURE_FILE says, if it says; return what to tell the
    reviewer. The signature is kept in the database already: a file that cannot be written
    (a folder gone, no permission) is said, and the download below still gives it."""
    download = gettext("Download signature.yaml below and commit it as checklists/signature.yaml.")
    target = current_app.config.get("SIGNATURE_FILE")
    if not target:
        return download
    path = Path(target)
    try:
        path.write_text(signatures.to_yaml(signature), encoding="utf-8")
    except OSError as exc:
        return (
            gettext(
                "It could not be written to %(file)s (%(problem)s).",
                file=str(path),
                problem=exc.strerror or type(exc).__name__,
            )
            + " "
            + download
        )
    return gettext("Written to %(file)s: commit it with the content.", file=str(path))


@bp.get("/signature.yaml")
@reviewer_only
def download():
    """The latest signature, as checklists/signature.yaml holds it."""
    signed = last_signature()
    if signed is None:
        abort(404, gettext("No version of the advice has been signed yet."))
    return Response(
        signatures.to_yaml(signed),
        mimetype="application/yaml",
        headers={"Content-Disposition": 'attachment; filename="signature.yaml"'},
    )
