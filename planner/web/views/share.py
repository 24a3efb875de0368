"""Sharing a household: invite links to join with a role, read-only links to the plan, each
with a QR code, and the printable handout.

Who may do what (planner/permissions.py): every member makes view links, sees the links listed
and cancels them; a member invites only into the roles they may grant (a caregiver: caregivers;
the patient, or the caregiver they named: caregivers and the physiotherapist; a physiotherapist:
nobody). Anyone holding an active view link sees the plan (no account, no names, no ticks, and
the reasons that name the diagnosis only if the patient chose to show them); each opening is
logged, when but not who. A new link's raw token is shown once, on the page the form redirects
to: it is kept in the signed session only until then.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, g, redirect, request, session, url_for

from planner import i18n, permissions
from planner.i18n import N_, Said, gettext
from planner.store import links, plans
from planner.web import said
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.i18n import speak
from planner.web.security import link_page
from planner.web.views.common import household_view, now
from planner.web.views.filters import ROLE_NAMES
from planner.web.views.redflags import split_detail

bp = Blueprint("share", __name__)

EXPIRY_DAYS = Said({"1": N_("1 day"), "7": N_("7 days"), "30": N_("30 days")})
NEW_LINK = "new_link"  # session key: the link just made on the Share page
HANDOUT_LINK = "handout_link"  # session key: the join link just made for the handout
# The red flags first, as in every output of a plan (issue 12): those to act on at once, then
# those to tell the team about soon, each part on a page of its own.
SECTIONS = Said(
    {
        "red_flags": N_("Urgent symptoms: what to do"),
        "report_soon": N_("Symptoms to tell your team about soon"),
        "exercises": N_("Your exercises"),
        "avoid": N_("Movements to avoid in daily life"),
    }
)
# How a red flag to act on at once begins, in the English of red-flags.yaml: which flags are
# urgent is read from the English plan, whatever the language it is shown in.
NOW = "What to do now:"
# The page budget of the handout: every page fits 186 x 255 mm (A4 and Letter, 12 mm margins),
# one page for each part, except the exercises with their how-to, which run onto as many pages
# as they need, each holding at most EXERCISE_PAGE characters of exercise text (title, how-to,
# note, reason) counting ITEM_COST more for each exercise's headings and spacing. Measured in
# Chromium: 3,500 of them, with the code to join on the same page, fill 249 mm at 9 pt in two
# columns. tests/browser/test_print_browser.py checks the pages printed are the pages promised.
EXERCISE_PAGE = 3500
ITEM_COST = 100


def _link_form(household_id: int, kind: str, form) -> tuple[dict | None, dict]:
    """Check a link form and make the link: ({kind, role, days, url}, {}) or (None, errors)."""
    role, days = form.get("role", ""), form.get("expires", "")
    errors = {}
    if kind not in links.KINDS:
        errors["kind"] = gettext("Choose what the link is for: joining, or seeing the plan.")
    if kind == links.MEMBER and role not in ROLE_NAMES:
        errors["role"] = gettext("Choose the role of the person you are inviting.")
    elif kind == links.MEMBER and role not in _grantable():
        abort(
            403,
            gettext(
                "Your role in this household cannot invite a %(role)s. Ask the patient.",
                role=ROLE_NAMES[role].lower(),
            ),
        )
    if days not in EXPIRY_DAYS:
        errors["expires"] = gettext("Choose how long the link works.")
    if errors:
        return None, errors
    expires = now() + dt.timedelta(days=int(days))
    details = kind == links.VIEW and form.get("details") == "yes" and g.member["role"] == "patient"
    token = links.create_link(
        get_db(),
        household_id,
        kind,
        g.user["id"],
        expires,
        role if kind == links.MEMBER else None,
        at=now(),
        show_details=details,
        language=i18n.current(),  # a read-only link speaks its maker's language
    )
    endpoint = "households.join" if kind == links.MEMBER else "share.view"
    return {
        "household_id": household_id,
        "kind": kind,
        "role": role,
        "days": days,
        "until": expires.isoformat(),
        "details": details,
        "url": url_for(endpoint, token=token, _external=True),
    }, {}


def _grantable() -> dict[str, str]:
    """The roles the signed-in member may invite someone into, with their names."""
    return {
        role: ROLE_NAMES[role]
        for role in permissions.grantable(g.standing, g.roles_present, ROLE_NAMES)
    }


def _popped(key: str, household_id: int) -> dict | None:
    new = session.pop(key, None)
    return new if new and new.get("household_id") == household_id else None


def _share_page(household_id: int, form=None, errors=None, status=200):
    return render(
        "share/show.html",
        status=status,
        new_link=_popped(NEW_LINK, household_id),
        links=links.links(get_db(), household_id, at=now()),
        roles=_grantable(),
        expiry=EXPIRY_DAYS,
        form=form or {},
        errors=errors or {},
    )


@bp.get("/h/<int:household_id>/share")
@household_view()
def show(household_id: int):
    """Make a link to join or to see the plan, the links made so far, and the handout."""
    return _share_page(household_id)


@bp.post("/h/<int:household_id>/share/links")
@household_view()
def create(household_id: int):
    """Make a link; it is shown once, with its QR code, on the page this redirects to."""
    new, errors = _link_form(household_id, request.form.get("kind", ""), request.form)
    if errors:
        return _share_page(household_id, request.form, errors, 422)
    session[NEW_LINK] = new
    return redirect(url_for("share.show", household_id=household_id), code=303)


@bp.post("/h/<int:household_id>/share/links/<int:link_id>/revoke")
@household_view()
def revoke(household_id: int, link_id: int):
    """Cancel a link that still works (an invite that was used can no longer be cancelled)."""
    if links.revoke_link(get_db(), household_id, link_id, at=now(), by=g.user["id"]):
        flash(gettext("The link was cancelled. It no longer works."))
    else:
        flash(gettext("That link was already used, cancelled or never existed."), "error")
    return redirect(url_for("share.show", household_id=household_id), code=303)


def plan_sections(plan: dict, household_id: int, version: dict | None = None) -> dict:
    """What a shared plan shows: its exercises, the movements to avoid, and the red flags
    (those that matter most for this plan first), each red flag's text split for scanning.
    The read-only link leaves out the reasons (why, physio's notes) unless the patient chose
    to show them: they name where the metastases are."""
    urgent = {i["id"] for i in plan["items"] if i["detail"].startswith(NOW)}
    shown = said.plan(plan, household_id, version)  # in the reader's language
    flags = [
        {**i, "parts": split_detail(i["detail"])}
        for i in shown["items"]
        if i["domain"] == "red-flags"
    ]
    flags.sort(key=lambda i: not i.get("emphasis"))
    return {
        "exercises": [i for i in shown["items"] if i["domain"] == "exercise"],
        "avoid": shown.get("avoid_in_daily_life") or [],
        "lifted": shown.get("lifted") or [],  # movement rules a physiotherapist lifted
        "red_flags": flags,
        "urgent": [i for i in flags if i["id"] in urgent],
        "report_soon": [i for i in flags if i["id"] not in urgent],
    }


@bp.get("/view/<token>")
@link_page
def view(token: str):
    """A read-only view of the household's current plan, for anyone with an active link."""
    db = get_db()
    try:
        link = links.active_link(db, token, links.VIEW, at=now())
    except links.LinkInvalid as exc:
        return render(
            "share/view_gone.html",
            status=404 if exc.reason == "unknown" else 410,
            reason=exc.reason,
        )
    links.opened(db, link, at=now())
    speak(link["language"])  # its maker's language, unless the page's switch says otherwise
    current = plans.current_plan(db, link["household_id"])
    return render(
        "share/view.html",
        current=current,
        link=link,
        details=link["show_details"],
        sections=plan_sections(current["plan"], link["household_id"], current) if current else None,
    )


def _weight(item: dict) -> int:
    """How much of an exercise page an exercise takes (see EXERCISE_PAGE)."""
    rx = item.get("prescription") or {}
    return (
        ITEM_COST
        + len(item["title"])
        + len(item.get("detail", ""))
        + len(rx.get("note") or "")
        + len(item.get("override_reason") or "")
        + len(item.get("ruled_out") or "")
    )


def exercise_pages(items: list[dict]) -> list[list[dict]]:
    """The exercises in plan order, cut into pages of at most EXERCISE_PAGE."""
    pages: list[list[dict]] = []
    used = EXERCISE_PAGE
    for item in items:
        if used + _weight(item) > EXERCISE_PAGE:
            pages.append([])
            used = 0
        pages[-1].append(item)
        used += _weight(item)
    return pages


def handout_pages(sections: dict | None) -> list[tuple[str, str, list]]:
    """The handout's printed pages: (part, title, what it holds), within the page budget."""
    if not sections:
        return []
    pages = []
    for key, title in SECTIONS.items():
        if not sections[key]:
            continue
        if key == "exercises":
            for n, chunk in enumerate(exercise_pages(sections[key])):
                more = gettext("%(title)s (continued)", title=title)
                pages.append((key, title if n == 0 else more, chunk))
        else:
            pages.append((key, title, sections[key]))
    return pages


def _handout_page(household_id: int, form=None, errors=None, status=200):
    current = plans.current_plan(get_db(), household_id)
    sections = plan_sections(current["plan"], household_id, current) if current else None
    pages = handout_pages(sections)
    return render(
        "share/handout.html",
        status=status,
        current=current,
        sections=sections,
        pages=pages,
        join=_popped(HANDOUT_LINK, household_id),
        roles=_grantable(),
        expiry=EXPIRY_DAYS,
        form=form or {},
        errors=errors or {},
    )


@bp.get("/h/<int:household_id>/handout")
@household_view()
def handout(household_id: int):
    """The plan on paper: exercises, movements to avoid, urgent symptoms, one page each."""
    return _handout_page(household_id)


@bp.post("/h/<int:household_id>/handout")
@household_view()
def handout_link(household_id: int):
    """Make an invite link for the handout; its QR code is printed on the handout's first page."""
    new, errors = _link_form(household_id, links.MEMBER, request.form)
    if errors:
        return _handout_page(household_id, request.form, errors, 422)
    session[HANDOUT_LINK] = new
    return redirect(url_for("share.handout", household_id=household_id), code=303)
