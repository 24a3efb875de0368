"""Red flags: the symptoms that need action and what to do now. Public safety information,
readable without an account, printable; for a signed-in member of the household last opened,
the signs that matter most for that person come first and are marked."""

from __future__ import annotations

from flask import Blueprint, g, session

from planner.i18n import N_, gettext, is_marked
from planner.plans.context import build_context, fill
from planner.store import accounts, plans
from planner.web import said
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.i18n import catalog_for
from planner.web.views.common import CURRENT, today

bp = Blueprint("redflags", __name__)


# Where a red flag's list of signs begins, and what the list is called: words of the catalogue,
# as each language's translation of red-flags.yaml writes them (checklists/translations/).
MARKERS = ((N_("The signs are:"), N_("The signs")), (N_("Report:"), N_("What to report")))


def split_detail(detail: str) -> dict:
    """A red flag's text as what to do, the signs as a list, and anything said after them, so
    that a frightened reader can scan it; the whole text as `todo` if it has no list (a text
    shown in English on another language's page stays whole)."""
    if is_marked(detail):
        return {"todo": detail, "label": None, "signs": [], "after": ""}
    for english, named in MARKERS:
        marker, label = gettext(english), gettext(named)
        if marker in detail:
            todo, rest = detail.split(marker, 1)
            listed, _, after = rest.strip().partition(". ")
            signs = [s.strip().rstrip(".") for s in listed.split(";") if s.strip()]
            return {"todo": todo.strip(), "label": label, "signs": signs, "after": after.strip()}
    return {"todo": detail, "label": None, "signs": [], "after": ""}


def _household_plan() -> tuple[dict | None, dict | None]:
    """The current household (if the signed-in user still belongs to it) and its plan."""
    household_id = session.get(CURRENT)
    if not g.get("user") or not household_id:
        return None, None
    db = get_db()
    if accounts.get_membership(db, household_id, g.user["id"]) is None:
        return None, None
    current = plans.current_plan(db, household_id)
    return accounts.get_household(db, household_id), (current["plan"] if current else None)


@bp.get("/red-flags")
def show():
    """Every red flag of the catalog, in large print."""
    cat = catalog_for()  # in the reader's language
    ctx = build_context({"lesion_sites": []}, cat, today())
    items = [
        {
            "id": i.id,
            "title": fill(i.title, ctx),
            "detail": fill(i.detail, ctx),
            "why": [fill(i.why, ctx)],
            "emphasis": False,
        }
        for i in cat.items
        if i.domain == "red-flags"
    ]
    household, plan = _household_plan()
    if plan:
        flags = [i for i in plan["items"] if i["domain"] == "red-flags"]
        personal = {i["id"]: i for i in said.items(flags, household["id"])}
        items = [{**item, **personal.get(item["id"], {})} for item in items]
        items.sort(key=lambda i: not i.get("emphasis"))
    for item in items:
        item["parts"] = split_detail(item["detail"])
    return render(
        "redflags/show.html",
        items=items,
        household=household,
        emphasised=sum(1 for i in items if i.get("emphasis")),
    )
