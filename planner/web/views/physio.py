"""The physiotherapist's pages: the exercise plan (tailored in a draft, then published as a new
plan version) and the clinical facts they own. Every member may look; only a member with the
physio role may change anything (403 for the others, 404 for outsiders)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, request, session, url_for

from planner.i18n import N_, gettext, plain
from planner.plans import caution, overrides, profile_form, tailoring
from planner.plans.context import build_context
from planner.plans.engine import exercise_library, matching_rules, ruled_out, rules_against
from planner.plans.plan_diff import plan_diff
from planner.plans.profile import validate
from planner.store import override_notices, plans, proposals
from planner.store import tailoring as drafts
from planner.store.sql import transaction
from planner.web import said
from planner.web.db import get_db
from planner.web.htmx import render
from planner.web.i18n import catalog_for
from planner.web.views.common import (
    can,
    catalog,
    household_view,
    now,
    physio_names,
    proposal,
    replan,
    today,
)
from planner.web.views.profile import preview

bp = Blueprint("physio", __name__)
SAVED = "physio_saved"  # session key: what the last change was, shown once in the publish bar


def editing(household_id: int) -> tuple[dict | None, dict | None, bool]:
    """(current plan version, the tailoring shown, whether it is an unpublished draft). A
    physiotherapist sees their draft, or the published tailoring with every exercise listed;
    everyone else sees the published one."""
    db = get_db()
    current = plans.current_plan(db, household_id)
    if current is None:
        return None, None, False
    draft = drafts.get_draft(db, household_id) if can("tailor") else None
    if draft is not None:
        return current, draft, True
    return current, tailoring.materialize(current["plan"], current["tailoring"]), False


def rules_for_person(profile: dict, shown: dict) -> list[dict]:
    """The movement rules that apply to this person, each with its lift (who, when, why) if
    the tailoring shown lifts it (planner/web/views/rules.py changes them)."""
    lifts = {x["rule"]: x for x in shown.get("lifted", [])}
    spoken = catalog_for()  # the rules as the reader reads them; the same ids in every language
    ctx = build_context(profile, spoken, today())
    return [r | {"lift": lifts.get(r["id"])} for r in matching_rules(spoken, ctx)]


def _override(household_id: int, rule_ids: list[str]) -> tuple[dict | None, str | None]:
    """The record of an override of the rules that rule an exercise out now, made by the
    signed-in physiotherapist today; and a problem when the form named other rules than these
    (the profile changed while they wrote)."""
    named = request.form.getlist("rules")
    if named and sorted(named) != sorted(rule_ids):
        titles = "; ".join(r.title for r in map(catalog_for().rule, rule_ids) if r)
        return None, gettext(
            "The rules for this exercise changed while you were writing: now %(titles)s.",
            titles=plain(titles),
        )
    profile = plans.get_profile(get_db(), household_id)
    ctx = build_context(profile, catalog(), today())
    return overrides.make(rule_ids, catalog(), ctx, g.user["id"], today().isoformat()), None


def _rows(plan: dict, shown: dict) -> list[dict]:
    """Each listed exercise with its plan item, or why it is not on the plan."""
    items = {i["id"]: i for i in plan["items"]}
    left = {e["id"]: e for e in plan["excluded"]}
    rows = []
    for entry in shown["exercises"]:
        item, out = items.get(entry["id"]), left.get(entry["id"])
        if entry["id"] in tailoring.DONE_BY_PHYSIO:  # a draft made before it went away
            continue
        rows.append(
            {
                "entry": entry,
                "item": item,
                "excluded": out,
                "title": (item or out or {}).get("title", entry["id"]),
                "dose": entry.get("prescription") or {},
                "dosable": item is not None and tailoring.takes_dose(item),
            }
        )
    return rows


def _page(
    household_id: int,
    status: int = 200,
    failed: str = "",
    errors: dict | None = None,
    values: dict | None = None,
):
    current, shown, is_draft = editing(household_id)
    if current is None:
        return render("physio/no_plan.html", status=status)
    profile = current["profile"]
    plan = proposal(household_id, profile, shown).plan if is_draft else current["plan"]
    listed = {e["id"] for e in shown["exercises"]}
    # Everything shown in the reader's language: the library from the catalog in it, the plan
    # (published or draft) through its words (planner/web/said.py).
    spoken = catalog_for()
    everything = exercise_library(profile, spoken, today(), lifted=overrides.lifted_ids(shown))
    words = said.fresh(profile, shown, today()) if is_draft else said.words(household_id)
    diff = plan_diff(current["plan"], plan) if is_draft else None
    if diff is not None:
        diff = said.diff(diff, words, said.words(household_id))
    plan = words.plan(plan) if words else plan
    library = [e for e in everything if e["id"] not in listed]
    saved = session.pop(SAVED, None)
    if not saved or saved.get("household_id") != household_id:
        saved = None
    return render(
        "physio/exercises.html",
        status=status,
        rows=_rows(plan, shown),
        saved=saved,
        library=library,
        is_draft=is_draft,
        current=current,
        diff=diff,
        published_order=[i["id"] for i in current["plan"]["items"] if i["domain"] == "exercise"],
        can_edit=can("tailor"),
        movements=spoken.movements,
        failed=failed,
        errors=errors or {},
        values=values or {},
        limits=tailoring.LIMITS,
        person_rules=rules_for_person(profile, shown),
        dropped=override_notices.pending(get_db(), household_id),
        rule_titles={r.id: r.title for r in spoken.avoid_rules},
        rule_ids={e["id"]: e.get("rule_ids", []) for e in everything},
        titles={e["id"]: e["title"] for e in everything}
        | {e["id"]: e["custom"]["title"] for e in shown["exercises"] if e.get("custom")},
    )


def _save(household_id: int, changed: dict | None, anchor: str | None = None, words: str = ""):
    """Keep the changed draft and go back to the editor at the row changed (303), where the
    publish bar says what was saved (`words`); 404 when the exercise named in the URL is not
    on the list."""
    if changed is None:
        abort(404, gettext("That exercise is not on this plan."))
    drafts.save_draft(get_db(), household_id, changed, g.user["id"], at=now())
    session[SAVED] = {
        "household_id": household_id,
        "words": words or gettext("Saved."),
        "row": anchor if anchor and anchor.startswith("x-") else None,
    }
    return redirect(url_for("physio.exercises", household_id=household_id, _anchor=anchor), 303)


def _plan_item(household_id: int, shown: dict, item_id: str) -> dict | None:
    """The plan item of an exercise of the editor's list, as the draft would make it."""
    current = plans.current_plan(get_db(), household_id)
    plan = proposal(household_id, current["profile"], shown).plan
    return next((i for i in plan["items"] if i["id"] == item_id), None)


def _draft(household_id: int) -> dict:
    current, shown, _ = editing(household_id)
    if current is None:
        abort(404, gettext("This household has no plan yet."))
    return shown


@bp.get("/h/<int:household_id>/exercises")
@household_view()
def exercises(household_id: int):
    """The exercise plan: a physiotherapist's editor, or the published plan to read."""
    return _page(household_id)


@bp.post("/h/<int:household_id>/exercises/<item_id>/dose")
@household_view(action="tailor")
def dose(household_id: int, item_id: str):
    """Set an exercise's sets, repetitions, hold, sessions a week and note (422 if a number is
    not a whole number in its bounds; nothing stored)."""
    shown = _draft(household_id)
    item = _plan_item(household_id, shown, item_id)
    if item is not None and not tailoring.takes_dose(item):
        return _page(
            household_id,
            422,
            f"dose-{item_id}",
            {
                "form": gettext(
                    "“%(title)s” is advice, not an exercise: it takes no dose.",
                    title=said.item(item)["title"],
                )
            },
        )
    prescription, errors = tailoring.read_prescription(request.form)
    if errors:
        return _page(household_id, 422, f"dose-{item_id}", errors, request.form.to_dict())
    title = said.item(item)["title"] if item else gettext("the exercise")
    return _save(
        household_id,
        tailoring.set_dose(shown, item_id, prescription),
        f"x-{item_id}",
        gettext("The dose of “%(title)s” is saved.", title=title),
    )


@bp.post("/h/<int:household_id>/exercises/<item_id>/move")
@household_view(action="tailor")
def move(household_id: int, item_id: str):
    """Move an exercise one place up or down the list."""
    shown = _draft(household_id)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is None:
        return _page(household_id, 422, f"dose-{item_id}", {"form": gettext("Choose up or down.")})
    return _save(
        household_id,
        tailoring.move(shown, item_id, step),
        f"x-{item_id}",
        gettext("Moved up.") if step < 0 else gettext("Moved down."),
    )


@bp.post("/h/<int:household_id>/exercises/<item_id>/remove")
@household_view(action="tailor")
def remove(household_id: int, item_id: str):
    """Take an exercise off the plan (re-planning will not bring it back)."""
    shown = _draft(household_id)
    return _save(
        household_id,
        tailoring.remove(shown, item_id),
        "library",
        gettext("Taken off the list. Publish to take it off the household's plan."),
    )


@bp.post("/h/<int:household_id>/exercises/add")
@household_view(action="tailor")
def add(household_id: int):
    """Add an exercise from the library; one the profile rules out needs a written reason."""
    shown = _draft(household_id)
    item_id = request.form.get("item_id", "")
    profile = plans.get_profile(get_db(), household_id)
    library = exercise_library(profile, catalog(), today(), lifted=overrides.lifted_ids(shown))
    found = next((e for e in library if e["id"] == item_id), None)
    if found is None:
        return _page(
            household_id, 422, "add", {"form": gettext("That exercise is not in the library.")}
        )
    reason, record = None, None
    if found.get("reason"):
        reason, problem = tailoring.read_reason(request.form)
        if not problem:
            record, problem = _override(household_id, found["rule_ids"])
        if problem:
            return _page(
                household_id,
                422,
                f"add-{item_id}",
                {"override_reason": problem},
                request.form.to_dict(),
            )
    return _save(
        household_id,
        tailoring.add(shown, item_id, reason, override=record),
        f"x-{item_id}",
        gettext("“%(title)s” is added to the list.", title=said.item(found)["title"]),
    )


@bp.post("/h/<int:household_id>/exercises/custom")
@household_view(action="tailor")
def custom(household_id: int):
    """Add the physiotherapist's own exercise: its movements go through the same safety filter
    as the library's, so one the profile rules out needs a written reason too."""
    shown = _draft(household_id)
    custom_, errors = tailoring.read_custom(request.form, catalog())
    prescription, more = tailoring.read_prescription(request.form)
    errors |= more
    if not errors and not prescription["sessions_per_week"]:
        errors["sessions_per_week"] = gettext("Say how many sessions a week (1 to 7).")
    values = request.form.to_dict() | {"movements": request.form.getlist("movements")}
    if errors:
        return _page(household_id, 422, "custom", errors, values)
    profile = plans.get_profile(get_db(), household_id)
    lifted = overrides.lifted_ids(shown)
    rule = ruled_out(custom_["movements"], profile, catalog(), today(), lifted=lifted)
    reason, record = None, None
    if rule:
        reason, problem = tailoring.read_reason(request.form)
        if not problem:
            ctx = build_context(profile, catalog(), today())
            ids = rules_against(custom_["movements"], catalog(), ctx, lifted)
            record = overrides.make(ids, catalog(), ctx, g.user["id"], today().isoformat())
        if problem:
            return _page(
                household_id,
                422,
                "custom",
                {
                    "override_reason": gettext("The profile rules this out.")
                    + " "
                    + plain(
                        ruled_out(
                            custom_["movements"], profile, catalog_for(), today(), lifted=lifted
                        )
                        or rule
                    )
                    + " "
                    + problem
                },
                values | {"ruled_out": rule},
            )
    item_id = tailoring.new_custom_id()
    return _save(
        household_id,
        tailoring.add(shown, item_id, reason, custom_, prescription, override=record),
        f"x-{item_id}",
        gettext("“%(title)s” is added to the list.", title=custom_["title"]),
    )


@bp.post("/h/<int:household_id>/exercises/publish")
@household_view(action="tailor")
def publish(household_id: int):
    """Publish the draft: a new plan version (who and when), the household's tasks in line."""
    db = get_db()
    draft = drafts.get_draft(db, household_id)
    if draft is None:
        flash(gettext("There are no changes to publish."))
        return redirect(url_for("physio.exercises", household_id=household_id), 303)
    profile = plans.get_profile(db, household_id)
    version = replan(household_id, profile, draft, publish_draft=True)
    flash(
        gettext(
            "Published as version %(version)s. The household sees what changed on Today.",
            version=version,
        )
    )
    return redirect(url_for("physio.exercises", household_id=household_id), 303)


@bp.post("/h/<int:household_id>/exercises/discard")
@household_view(action="tailor")
def discard(household_id: int):
    """Forget the changes not yet published."""
    drafts.drop_draft(get_db(), household_id)
    flash(gettext("The changes were discarded. This is the published exercise plan."))
    return redirect(url_for("physio.exercises", household_id=household_id), 303)


def _facts_page(household_id: int, values: dict | None = None, errors: dict | None = None):
    profile = plans.get_profile(get_db(), household_id)
    questions = [profile_form.QUESTIONS[name] for name in profile_form.CLINICAL]
    return render(
        "physio/facts.html",
        status=422 if errors else 200,
        profile=profile,
        proposal=proposals.waiting(get_db(), household_id),
        physio=physio_names(household_id),
        questions=questions,
        can_edit=can("decide_clinical"),
        values=values if values is not None else profile_form.form_values(profile),
        errors=errors or {},
        answers=[(q, profile_form.answer(q, profile)) for q in questions] if profile else [],
    )


@bp.route("/h/<int:household_id>/facts", methods=("GET", "POST"))
@household_view()
def facts(household_id: int):
    """GET: the clinical facts (a form for a physiotherapist). POST: the preview of the plan
    they give, through the profile's own preview and apply."""
    if request.method == "GET":
        return _facts_page(household_id)
    if not can("decide_clinical"):
        abort(403, gettext("Your role in this household cannot do this."))
    stored = plans.get_profile(get_db(), household_id)
    if stored is None:
        return _facts_page(household_id)
    answers, problems = profile_form.read_form(request.form)
    profile = profile_form.keep_clinical(stored, answers)
    problems += validate(profile)
    if problems:
        errors, other = profile_form.errors_by_input(problems)
        return _facts_page(
            household_id,
            request.form.to_dict(),
            errors | {f"other-{n}": message for n, message in enumerate(other)},
        )
    return preview(household_id, profile)


def _decide(household_id: int, proposal_id: int, confirm: bool):
    """Confirm (the changes applied to the profile as it is now, a new plan version) or
    decline a waiting proposal, in one transaction with its log entry."""
    db = get_db()
    try:
        with transaction(db):
            proposal = proposals.decide(
                db, household_id, proposal_id, confirm, g.user["id"], at=now()
            )
            if confirm:
                stored = plans.get_profile(db, household_id) or {}
                profile = caution.apply_changes(stored, proposal["changes"])
                if validate(profile):  # never: each change was checked when proposed
                    raise proposals.ProposalGone(N_("This change no longer fits the profile."))
                replan(household_id, profile)
    except proposals.ProposalGone as exc:
        flash(gettext(str(exc)), "error")
        return redirect(url_for("physio.facts", household_id=household_id), 303)
    said = "; ".join(c["words"] for c in proposal["changes"])
    flash(
        gettext("Confirmed: %(changes)s. The household sees what changed on Today.", changes=said)
        if confirm
        else gettext("Declined: %(changes)s. The plan stays as it was.", changes=said)
    )
    return redirect(url_for("physio.facts", household_id=household_id), 303)


@bp.post("/h/<int:household_id>/proposals/<int:proposal_id>/confirm")
@household_view(action="decide_clinical")
def confirm(household_id: int, proposal_id: int):
    """Confirm a change that makes the plan less careful (the physiotherapist)."""
    return _decide(household_id, proposal_id, True)


@bp.post("/h/<int:household_id>/proposals/<int:proposal_id>/decline")
@household_view(action="decide_clinical")
def decline(household_id: int, proposal_id: int):
    """Decline it: the plan stays as careful as it is."""
    return _decide(household_id, proposal_id, False)
