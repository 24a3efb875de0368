"""Hypothesis strategies for profiles: every valid profile the contract allows."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from planner.plans.profile import BOOLEANS, DATES, ENUMS, HOME_FIELDS, LESION_SITES

dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def profiles(draw) -> dict:
    """A random valid profile: any subset of fields, any allowed values."""
    profile: dict = {"lesion_sites": draw(st.lists(st.sampled_from(LESION_SITES), unique=True))}
    for name, values in ENUMS.items():
        if draw(st.booleans()):
            profile[name] = draw(st.sampled_from(values))
    for name in BOOLEANS:
        if draw(st.booleans()):
            profile[name] = draw(st.booleans())
    for name in DATES:
        if draw(st.booleans()):
            profile[name] = draw(st.none() | dates.map(dt.date.isoformat))
    if draw(st.booleans()):
        profile["falls_past_year"] = draw(st.integers(0, 100))
    if draw(st.booleans()):
        profile["fluid_restriction_ml"] = draw(st.none() | st.integers(500, 5000))
    if draw(st.booleans()):
        profile["home"] = draw(st.dictionaries(st.sampled_from(HOME_FIELDS), st.booleans()))
    return profile
