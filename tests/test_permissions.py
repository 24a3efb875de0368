"""The permission table (planner/permissions.py): its written-down form is the one enforced."""

from __future__ import annotations

from planner import permissions as p

COLUMNS = (p.PATIENT, p.MANAGER, p.CAREGIVER, p.PHYSIO)


def test_the_table_in_the_docstring_is_the_table_enforced():
    rows = {}
    for line in p.__doc__.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and cells[0] in p.TABLE:
            rows[cells[0]] = frozenset(
                who
                for who, cell in zip(COLUMNS, cells[1:5], strict=True)
                if cell in ("yes", "(**)")
            )
    assert rows == p.TABLE


def test_standing():
    household = {"manager_id": 7}
    assert p.standing("patient", 1, household, {"patient"}) == {"patient", "manager"}
    assert p.standing("caregiver", 7, household, {"patient", "caregiver"}) == {
        "caregiver",
        "manager",
    }
    assert p.standing("caregiver", 8, household, {"patient", "caregiver"}) == {"caregiver"}
    # Without a patient, the caregivers stand in for one; a physio never manages.
    assert p.standing("caregiver", 8, household, {"caregiver"}) == {"caregiver", "manager"}
    assert p.standing("physio", 7, household, {"caregiver", "physio"}) == {"physio"}


def test_one_patient_per_household():
    stand_in = {"caregiver", "manager"}
    assert p.may_grant("patient", stand_in, {"caregiver"})
    assert not p.may_grant("patient", stand_in, {"caregiver", "patient"})
    assert not p.may_remove("patient", {"patient", "manager"})
