"""The Share page: invite and view links with their QR codes, listed with status, revocable;
the public read-only view of the plan; who may do what."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import segno

from planner.store import accounts, links
from planner.store.sql import fetch
from tests import factories as f
from tests.conftest import CSRF, login
from tests.dbstate import count


@pytest.fixture
def h(app, db, catalog):
    """Anna's home with a tailored plan (a dose, a note, an override), and an outsider."""
    home = f.home(app, db, catalog, plan=False)
    f.with_tailored_plan(db, catalog, home["id"], home["physio"])
    return home


def _make(client, h, kind="view", role="caregiver", expires="7") -> str:
    """Make a link through the form; return its path, read from the page shown once."""
    response = client.post(
        f"/h/{h['id']}/share/links", data={"kind": kind, "role": role, "expires": expires, **CSRF}
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    url = re.search(r'id="new-link-url">([^<]+)</p>', page).group(1)
    assert (
        str(
            segno.make(url, error="m").svg_inline(
                scale=1,
                border=4,
                light="#fff",
                omitsize=True,
                svgclass="qr",
                title="QR code of the link",
            )
        )
        in page
    )
    return url.removeprefix("http://localhost")


@pytest.mark.parametrize(
    ("role", "invites"), [("patient", "physio"), ("caregiver", "caregiver"), ("physio", None)]
)
def test_every_member_makes_lists_and_revokes_links(client, db, h, role, invites):
    """Every member makes view links; each invites only into the roles they may grant (the
    physiotherapist into none: the form is not there)."""
    login(client, h[role])
    share = f"/h/{h['id']}/share"
    page = client.get(share).text
    assert f'<a href="/h/{h["id"]}/share" aria-current="page">Share</a>' in page
    made = 1
    if invites:
        join = _make(client, h, "member", invites, "30")
        assert join.startswith("/join/")
        made = 2
    else:
        assert "Make an invite link" not in page and "ask them for an invite link" in page
    view = _make(client, h, "view", expires="1")
    assert view.startswith("/view/")
    page = client.get(share).text
    assert "Your invite link is ready" not in page  # shown once only
    assert view.rsplit("/", 1)[1] not in page
    if invites:
        assert f"Invite to join as {ROLE_WORDS[invites]}" in page
    assert "See the plan (read-only)" in page
    name = accounts.get_user(db, h[role])["name"]
    assert page.count(f"by {name}.") == made
    assert page.count("Cancel this link") == made
    view_id = db.execute("select id from invites where kind = 'view'").fetchone()[0]
    response = client.post(f"{share}/links/{view_id}/revoke", data=CSRF)
    assert response.status_code == 303
    page = client.get(share).text
    assert "The link was cancelled. It no longer works." in page
    assert "Cancelled on" in page and page.count("Cancel this link") == made - 1


ROLE_WORDS = {"physio": "physiotherapist", "caregiver": "caregiver"}


def test_only_the_hash_of_a_token_is_stored(client, db, h):
    login(client, h["caregiver"])
    token = _make(client, h).rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 bytes from secrets: 256 bits
    stored = db.execute("select token_hash, kind, role from invites").fetchone()
    assert stored == (links.hash_token(token), "view", None)
    assert token not in str(list(fetch(db, "select * from invites")))


def test_link_forms_refuse_bad_input_and_store_nothing(client, db, h):
    login(client, h["caregiver"])
    url = f"/h/{h['id']}/share/links"
    response = client.post(
        url, data={"kind": "member", "role": "surgeon", "expires": "365", **CSRF}
    )
    assert response.status_code == 422
    assert "Choose the role of the person you are inviting." in response.text
    assert "Choose how long the link works." in response.text
    response = client.post(url, data={"kind": "admin", "expires": "7", **CSRF})
    assert response.status_code == 422
    assert "Choose what the link is for" in response.text
    assert client.post(url, data={"kind": "view", "expires": "7"}).status_code == 400  # CSRF
    assert count(db, "invites") == 0


def test_outsiders_get_404_and_anonymous_visitors_sign_in_first(app, client, db, h):
    token = links.create_link(
        db, h["id"], links.VIEW, h["patient"], f.NOW + dt.timedelta(days=1), at=f.NOW
    )
    link_id = db.execute("select id from invites").fetchone()[0]
    base = f"/h/{h['id']}"
    gets = [f"{base}/share", f"{base}/handout"]
    posts = [
        (f"{base}/share/links", {"kind": "view", "expires": "7"}),
        (f"{base}/share/links/{link_id}/revoke", {}),
        (f"{base}/handout", {"role": "caregiver", "expires": "7"}),
    ]
    anonymous = app.test_client()
    for path in gets:
        response = anonymous.get(path)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    login(client, h["outsider"])
    for path in gets:
        assert client.get(path).status_code == 404
    for path, data in posts:
        assert client.post(path, data={**data, **CSRF}).status_code == 404
    assert count(db, "invites") == 1
    assert links.link_for_token(db, token, links.VIEW, at=f.NOW)["status"] == "active"
    assert anonymous.get(f"/view/{token}").status_code == 200  # the link needs no account


def test_revoking_another_households_link_does_nothing(client, db, h):
    theirs = links.create_link(
        db, h["other"], links.VIEW, h["outsider"], f.NOW + dt.timedelta(days=1), at=f.NOW
    )
    their_id = links.link_for_token(db, theirs, links.VIEW, at=f.NOW)["id"]
    login(client, h["caregiver"])
    response = client.post(f"/h/{h['id']}/share/links/{their_id}/revoke", data=CSRF)
    assert (
        "That link was already used, cancelled or never existed."
        in client.get(response.headers["Location"]).text
    )
    assert links.link_for_token(db, theirs, links.VIEW, at=f.NOW)["status"] == "active"


def test_view_link_shows_the_plan_read_only_without_names(app, client, db, h):
    login(client, h["caregiver"])
    path = _make(client, h, "view")
    visitor = app.test_client()
    response = visitor.get(path)
    assert response.status_code == 200
    page = response.text
    assert "Exercise and safety plan" in page
    assert "2 sets of 10, hold each for 5 seconds, 3 sessions a week" in page
    assert "Keep the movement slow; rest a minute between sets." in page
    assert "Movements to avoid in daily life" in page
    assert "standing on your left leg alone (lunges, step-ups)" in page
    # What would name the diagnosis is left out: the reasons and the physio's override.
    assert "lesion" not in page and f.OVERRIDE not in page and "Why:" not in page
    assert "It shows what to do, not why" in page
    assert "Urgent symptoms: what to do" in page
    assert "Signs of spinal cord compression" in page
    for name in ("Anna", "Ben", "Priya", "example.org"):  # no household or member names
        assert not re.search(rf"\b{name}\b", page), name
    assert "<form" not in page.split('<main id="main"')[1]  # nothing to tick or change
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_patient_may_choose_to_show_the_reasons(app, client, db, h):
    login(client, h["caregiver"])
    assert 'name="details"' not in client.get(f"/h/{h['id']}/share").text
    login(client, h["patient"])
    assert 'name="details"' in client.get(f"/h/{h['id']}/share").text
    response = client.post(
        f"/h/{h['id']}/share/links", data={"kind": "view", "expires": "7", "details": "yes", **CSRF}
    )
    page = client.get(response.headers["Location"]).text
    path = (
        re.search(r'id="new-link-url">([^<]+)</p>', page).group(1).removeprefix("http://localhost")
    )
    page = app.test_client().get(path).text
    assert (
        f"Allowed by your physiotherapist: {f.OVERRIDE}"
        f'<span class="override-rules">The rule it overrides: {f.RULED_OUT}</span>'
    ) in page
    assert "There is a lesion in your left thigh bone (femur)." in page
    assert "See the plan (read-only, with the reasons)" in client.get(f"/h/{h['id']}/share").text


def test_each_opening_of_a_view_link_is_logged_when_not_who(app, client, db, h):
    token = links.create_link(
        db, h["id"], links.VIEW, h["caregiver"], f.NOW + dt.timedelta(days=1), at=f.NOW
    )
    visitor = app.test_client()
    visitor.get(f"/view/{token}")
    visitor.get(f"/view/{token}")
    login(client, h["patient"])
    page = client.get(f"/h/{h['id']}/activity").text
    assert page.count("A read-only link to the plan was opened.") == 2
    assert "Ben made a read-only link to the plan." in page


def test_view_link_follows_the_current_plan(app, client, db, catalog, h):
    token = links.create_link(
        db, h["id"], links.VIEW, h["patient"], f.NOW + dt.timedelta(days=1), at=f.NOW
    )
    assert "2 sets of 10" in client.get(f"/view/{token}").text
    f.with_plan(db, catalog, h["id"], h["patient"])  # a plan without the physio's dose
    assert "2 sets of 10" not in client.get(f"/view/{token}").text


@pytest.mark.parametrize(
    ("when", "revoke", "status", "message"),
    [
        (dt.timedelta(days=1), True, 410, "This link to see a plan was cancelled."),
        (dt.timedelta(minutes=-1), False, 410, "This link to see a plan has expired."),
    ],
)
def test_revoked_or_expired_view_link_shows_nothing(client, db, h, when, revoke, status, message):
    token = links.create_link(db, h["id"], links.VIEW, h["patient"], f.NOW + when, at=f.NOW)
    if revoke:
        assert links.revoke_link(
            db, h["id"], links.link_for_token(db, token, links.VIEW, at=f.NOW)["id"], at=f.NOW
        )
    response = client.get(f"/view/{token}")
    assert response.status_code == status
    assert message in response.text
    assert "Exercises" not in response.text and "2 sets of 10" not in response.text
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 43, "%00"])
def test_unknown_view_link_gets_a_clear_404(client, token):
    response = client.get(f"/view/{token}")
    assert response.status_code == 404
    assert "This link to see a plan is not valid." in response.text


def test_a_link_opens_only_what_it_was_made_for(app, client, db, h):
    view = links.create_link(
        db, h["id"], links.VIEW, h["patient"], f.NOW + dt.timedelta(days=1), at=f.NOW
    )
    join = links.create_link(
        db, h["id"], links.MEMBER, h["patient"], f.NOW + dt.timedelta(days=1), "caregiver", at=f.NOW
    )
    login(client, h["outsider"])
    assert client.post(f"/join/{view}", data=CSRF).status_code == 404
    assert accounts.get_membership(db, h["id"], h["outsider"]) is None
    assert client.get(f"/view/{join}").status_code == 404


def test_view_link_of_a_household_without_a_plan(client, db, h):
    token = links.create_link(
        db, h["other"], links.VIEW, h["outsider"], f.NOW + dt.timedelta(days=1), at=f.NOW
    )
    response = client.get(f"/view/{token}")
    assert response.status_code == 200
    assert "There is no plan to show yet." in response.text


def test_people_page_sends_inviters_to_the_share_page(client, h):
    login(client, h["physio"])
    page = client.get(f"/h/{h['id']}/members").text
    assert f'href="/h/{h["id"]}/share">Invite someone or share the plan</a>' in page
