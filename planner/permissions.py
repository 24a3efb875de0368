"""Who may do what in a household: one table of standing x action, read by every view.

A member's *standing* is their role, plus "manager" for the person who looks after the
household's membership: the patient themself, and the one caregiver the patient names to help
(People page). In a household that has no patient yet, its caregivers stand in for the patient
(someone has to be able to invite the patient).

| action           | patient | manager | caregiver | physio | what it is                     |
| ---------------- | ------- | ------- | --------- | ------ | ------------------------------ |
| see              | yes     | yes     | yes       | yes    | every page of the household    |
| tick             | yes     | yes     | yes       | yes    | mark tasks                     |
| answer_profile   | yes     | yes     | yes       | yes    | the profile questions (*)      |
| decide_clinical  | -       | -       | -         | yes    | clinical facts, proposals      |
| tailor           | -       | -       | -         | yes    | the exercise plan, templates   |
| view_link        | yes     | yes     | yes       | yes    | a read-only link to the plan   |
| cancel_link      | yes     | yes     | yes       | yes    | cancel any link (careful)      |
| invite_caregiver | yes     | yes     | yes       | -      | an invite to join as caregiver |
| invite_physio    | yes     | yes     | -         | -      | an invite to join as physio    |
| invite_patient   | -       | (**)    | -         | -      | an invite to join as patient   |
| remove_member    | yes     | yes     | -         | -      | remove anyone but the patient  |
| name_manager     | yes     | -       | -         | -      | name the caregiver who helps   |
| set_timezone     | yes     | yes     | yes       | -      | the household's time zone      |
| read_activity    | yes     | yes     | -         | -      | the activity log               |

(*) When the household has a physiotherapist, an answer that makes the plan less careful
waits as a proposal until the physiotherapist confirms it (planner/caution.py); answers
towards caution apply at once. Without a physiotherapist, every answer applies at once.
(**) Only while the household has no patient: there is one patient per household.

Everyone may leave. Nobody removes the patient: the plan is their health record. A link is
only as strong as the person who made it: it stops working when they leave or are removed, and
an invite is checked again, against its maker's standing, when it is used.
"""

from __future__ import annotations

from collections.abc import Iterable

from planner.i18n import N_, Said

PATIENT, CAREGIVER, PHYSIO, MANAGER = "patient", "caregiver", "physio", "manager"
# The roles a member can have, in one table: the label on badges and forms, and the word used in
# a sentence ("made by the physiotherapist"). Their powers are TABLE's rows below.
ROLE_LABELS = Said(
    {PATIENT: N_("Patient"), CAREGIVER: N_("Caregiver"), PHYSIO: N_("Physiotherapist")}
)
ROLE_WORDS = Said(
    {PATIENT: N_("patient"), CAREGIVER: N_("caregiver"), PHYSIO: N_("physiotherapist")}
)
ROLES = tuple(ROLE_LABELS)
EVERYONE = frozenset({PATIENT, MANAGER, CAREGIVER, PHYSIO})

TABLE: dict[str, frozenset[str]] = {
    "see": EVERYONE,
    "tick": EVERYONE,
    "answer_profile": EVERYONE,
    "decide_clinical": frozenset({PHYSIO}),
    "tailor": frozenset({PHYSIO}),
    "view_link": EVERYONE,
    "cancel_link": EVERYONE,
    "invite_caregiver": frozenset({PATIENT, MANAGER, CAREGIVER}),
    "invite_physio": frozenset({PATIENT, MANAGER}),
    "invite_patient": frozenset({MANAGER}),
    "remove_member": frozenset({PATIENT, MANAGER}),
    "name_manager": frozenset({PATIENT}),
    "set_timezone": frozenset({PATIENT, MANAGER, CAREGIVER}),
    "read_activity": frozenset({PATIENT, MANAGER}),
}


def standing(role: str, user_id: int, household: dict, roles_present: Iterable[str]) -> set[str]:
    """A member's standing: their role, plus MANAGER when they are the patient, the caregiver
    the patient named, or a caregiver of a household with no patient."""
    have = {role}
    if role == PATIENT or (
        role == CAREGIVER
        and (household.get("manager_id") == user_id or PATIENT not in set(roles_present))
    ):
        have.add(MANAGER)
    return have


def allowed(action: str, have: set[str]) -> bool:
    """Whether a member of this standing may do `action` (KeyError for an unknown action)."""
    return bool(TABLE[action] & have)


def may_grant(role: str, have: set[str], roles_present: Iterable[str]) -> bool:
    """Whether a member of this standing may invite someone into `role`."""
    if role == PATIENT and PATIENT in set(roles_present):
        return False
    return allowed(f"invite_{role}", have)


def grantable(have: set[str], roles_present: Iterable[str], roles: Iterable[str]) -> list[str]:
    """The roles (of `roles`, in order) this standing may invite someone into."""
    present = set(roles_present)
    return [role for role in roles if may_grant(role, have, present)]


def may_remove(target_role: str, have: set[str]) -> bool:
    """Whether a member of this standing may remove someone else in `target_role`."""
    return target_role != PATIENT and allowed("remove_member", have)
