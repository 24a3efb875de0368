"""Red flags: public, every catalog red flag, the household's emphasised ones first."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.conftest import login


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog)


def test_public_page_lists_every_red_flag(client, catalog):
    response = client.get("/red-flags")
    assert response.status_code == 200
    text = response.text
    flags = [i for i in catalog.items if i.domain == "red-flags"]
    assert len(flags) >= 9
    for item in flags:
        assert f'id="flag-{item.id}"' in text
    assert "What to do now" in text and "Why it matters" in text
    assert "Most important for" not in text
    assert 'href="/red-flags"' in text  # the fixed header link


def test_every_page_links_to_red_flags(client, h):
    login(client, h["patient"])
    for path in ("today", "home", "history", "profile", "profile/edit"):
        assert 'class="redflag-link" href="/red-flags"' in client.get(f"/h/{h['id']}/{path}").text


def test_household_emphasis_after_opening_a_household(client, h):
    login(client, h["patient"])
    assert "Most important for" not in client.get("/red-flags").text  # no household opened
    client.get(f"/h/{h['id']}/today")
    text = client.get("/red-flags").text
    assert "Most important for Anna&#39;s home" in text
    first = text.index('id="flag-')
    assert text[first:].startswith('id="flag-possible-fracture"') or text[first:].startswith(
        'id="flag-thigh-hip-groin-pain"'
    )
    assert text.index('id="flag-thigh-hip-groin-pain"') < text.index('id="flag-high-calcium"')


def test_no_emphasis_for_a_household_one_has_left(client, db, h):
    login(client, h["outsider"])
    with client.session_transaction() as session:
        session["household_id"] = h["id"]
    assert "Most important for" not in client.get("/red-flags").text
