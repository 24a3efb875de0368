"""The physiotherapist's dose in words, as Today, the handout and the text plan say it."""

import pytest

from planner.plans.printout import describe_dose


@pytest.mark.parametrize(
    ("prescription", "words"),
    [
        (None, ""),
        ({}, ""),
        ({"sets": 2, "reps": 10}, "2 sets of 10"),
        ({"sets": 1, "reps": 8, "hold_seconds": 5}, "1 set of 8, hold each for 5 seconds"),
        ({"reps": 12, "sessions_per_week": 3}, "12 times, 3 sessions a week"),
        ({"sets": 3, "sessions_per_week": 1}, "3 sets, once a week"),
        ({"hold_seconds": 1, "note": "slowly"}, "hold each for 1 second"),
    ],
)
def test_dose_in_plain_words(prescription, words):
    assert describe_dose(prescription) == words
