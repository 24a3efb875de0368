"""The care team's phone numbers: who to call, stored per household and shown as tap-to-call
links on the urgent-symptoms page, at the top of Today and on the printed handout.

Who may do what: every member (patient, caregiver and physiotherapist) reads and changes them.
They are practical, not clinical: whoever learns a new number should be able to put it in, and
each row keeps who changed it last and when.
"""

from __future__ import annotations

import re

from flask import Blueprint, flash, g, redirect, request, url_for
from markupsafe import Markup

from planner.i18n import N_, Said, gettext
from planner.store import contacts as store
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.views.common import household_view, now

bp = Blueprint("contacts", __name__)

# What each kind is called, and a hint for the form.
LABELS = Said(
    {
        "emergency": (
            N_("Emergency number"),
            N_(
                "The number for an ambulance where you live, for example 999 in the UK, 112 in "
                "the EU or 911 in the US."
            ),
        ),
        "cancer-team": (
            N_("Cancer team's line"),
            N_(
                "The number your cancer team gave you for urgent problems, day and night (often "
                "called the acute oncology line)."
            ),
        ),
        "physio": (N_("Physiotherapist"), None),
        "dentist": (N_("Dentist"), None),
        "gp": (N_("GP (family doctor)"), None),
    }
)
URGENT = ("emergency", "cancer-team")  # the numbers Today and the urgent page put first
MAX_NAME = 80
MAX_PHONE = 30
PHONE = re.compile(r"\+?[0-9 ()\-]+")
PHONE_RULE = N_("Use only digits, spaces, +, - and brackets, for example +44 20 7946 0000.")


def tel(phone: str) -> str:
    """A phone number as a tel: link target: digits, and a leading + if it has one."""
    digits = re.sub(r"[^0-9]", "", phone)
    return ("+" if phone.strip().startswith("+") else "") + digits


def read_form(form) -> tuple[dict[str, dict | None], dict[str, str]]:
    """The form's contacts ({kind: {name, phone} or None to clear}) and the errors by field
    name (`<kind>-phone`, `<kind>-name`); with any error, nothing is to be stored."""
    entries, errors = {}, {}
    for kind in store.KINDS:
        label = LABELS[kind][0]
        name = " ".join(form.get(f"{kind}-name", "").split())
        phone = " ".join(form.get(f"{kind}-phone", "").split())
        if len(name) > MAX_NAME:
            errors[f"{kind}-name"] = gettext(
                "%(label)s: use at most %(num)s characters for the name.", label=label, num=MAX_NAME
            )
        if not phone:
            if name:
                errors[f"{kind}-phone"] = gettext(
                    "%(label)s: add the phone number, or clear the name.", label=label
                )
            entries[kind] = None
            continue
        digits = sum(c.isdigit() for c in phone)
        if len(phone) > MAX_PHONE or not PHONE.fullmatch(phone):
            errors[f"{kind}-phone"] = (
                gettext(
                    "%(label)s: “%(phone)s” is not a phone number.", label=label, phone=phone[:40]
                )
                + " "
                + gettext(PHONE_RULE)
            )
        elif digits < 3 or digits > 20:
            errors[f"{kind}-phone"] = gettext(
                "%(label)s: a phone number has 3 to 20 digits.", label=label
            )
        entries[kind] = {"name": name, "phone": phone}
    return entries, errors


@bp.app_template_global("care_contacts")
def care_contacts(household_id: int) -> list[dict]:
    """The household's contacts for a template, each with its label and tel: target."""
    return [
        {**c, "label": LABELS[c["kind"]][0], "tel": tel(c["phone"]), "urgent": c["kind"] in URGENT}
        for c in store.contacts(get_db(), household_id)
    ]


@bp.app_template_filter("tel_link")
def tel_link(contact: dict) -> Markup:
    """A contact's number as a tap-to-call link that names whom it calls."""
    return Markup(
        '<a class="tel" href="tel:{}">{}<span class="visually-hidden">, call {}</span></a>'
    ).format(contact["tel"], contact["phone"], contact["label"])


def _page(values: dict | None = None, errors: dict | None = None, status: int = 200):
    if values is None:
        values = {}
        for c in store.contacts(get_db(), g.household["id"]):
            values[f"{c['kind']}-name"] = c["name"] or ""
            values[f"{c['kind']}-phone"] = c["phone"]
    return render(
        "contacts/edit.html",
        status=status,
        kinds=store.KINDS,
        labels=LABELS,
        values=values,
        errors=errors or {},
    )


@bp.get("/h/<int:household_id>/contacts")
@household_view()
def edit(household_id: int):
    """The care team's numbers, as a form every member may change."""
    return _page()


@bp.post("/h/<int:household_id>/contacts")
@household_view()
def save(household_id: int):
    """Store the numbers (all or nothing); a bad one is named and nothing is stored (422)."""
    entries, errors = read_form(request.form)
    if errors:
        return _page(request.form.to_dict(), errors, 422)
    store.set_contacts(get_db(), household_id, entries, g.user["id"], at=now())
    flash(
        gettext(
            "The care team's numbers are saved. They show on Today, on the urgent symptoms "
            "page and on the handout."
        )
    )
    return redirect(url_for("contacts.edit", household_id=household_id), 303)
