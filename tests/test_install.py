"""The planner as an installed app (issue 23), as the server serves it: the manifest and its
icons, the start address that opens the person's Today, the service worker with the files it
keeps, and the account name under which the worker keeps pages (never a person's id or email).
What the worker and the queue do in a browser is tested in tests/browser/test_offline_browser.py.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

from planner.store import accounts
from tests import factories as f
from tests.conftest import login

STATIC = Path(__file__).resolve().parent.parent / "planner" / "static"


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_manifest_names_the_app_and_opens_on_today_standalone(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["name"].startswith("Planner") and manifest["short_name"] == "Planner"
    assert manifest["start_url"] == "/today" and manifest["display"] == "standalone"
    assert manifest["scope"] == "/"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    again = client.get("/manifest.webmanifest", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304  # a phone checks it again without downloading it


def test_the_manifest_s_icons_are_ours_and_the_sizes_it_says(client):
    icons = client.get("/manifest.webmanifest").get_json(force=True)["icons"]
    sizes = {icon["sizes"] for icon in icons if icon["purpose"] == "any"}
    assert sizes == {"192x192", "512x512"}
    for icon in icons:
        with client.get(icon["src"]) as response:
            assert response.status_code == 200 and response.mimetype == "image/png"
            side = int(icon["sizes"].split("x")[0])
            assert png_size(response.data) == (side, side)
        assert "?v=" in icon["src"]  # fingerprinted: a new picture is a new address


def test_every_page_links_the_manifest_the_icon_and_the_queue(client):
    page = client.get("/red-flags").text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#0a4f9e">' in page
    assert re.search(r'<script src="/static/offline.js\?v=\w+" data-worker="/sw.js"', page)


def test_the_start_address_opens_the_household_last_opened(client, h):
    login(client, h["patient"])
    response = client.get("/today")
    assert response.status_code == 302 and response.location == f"/h/{h['id']}/today"


def test_the_start_address_asks_which_household_when_there_are_several(client, db, h):
    login(client, h["caregiver"])
    other, _ = f.household(db, "patient", "Zoe")
    accounts.add_member(db, other["id"], h["caregiver"], "caregiver", at=f.NOW)
    assert client.get("/today").location == "/"  # the list: no single obvious one
    client.get(f"/h/{other['id']}/today")  # opened last
    assert client.get("/today").location == f"/h/{other['id']}/today"


def test_the_start_address_sends_a_visitor_to_sign_in_and_back(client):
    response = client.get("/today")
    assert response.status_code == 302 and response.location == "/login?next=/today"


def test_the_worker_is_served_over_the_whole_app_with_the_files_it_keeps(client):
    response = client.get("/sw.js")
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"  # a new version is found at once
    script = response.text
    assert "/* ASSETS */" not in script
    assets = re.search(r"const ASSETS = (\[[^\]]*\]);", script).group(1)
    urls = re.findall(r'"([^"]+)"', assets)
    names = {u.split("?")[0] for u in urls}
    assert {"/static/app.css", "/static/htmx.min.js", "/static/offline.js"} <= names
    for url in urls:
        with client.get(url) as answer:
            assert "?v=" in url and answer.status_code == 200, url


def test_the_worker_changes_when_a_file_it_keeps_changes(client, app, tmp_path):
    """The worker names each file by its content's hash: a new app.css is a new worker, which
    fetches it again instead of showing the old one offline."""
    first = client.get("/sw.js").text
    app.static_folder = str(tmp_path)
    for path in STATIC.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "app.css").write_text("body { color: red; }")
    assert client.get("/sw.js").text != first


def test_pages_name_the_account_without_saying_who(client, h, app):
    login(client, h["patient"])
    today = client.get(f"/h/{h['id']}/today")
    key = today.headers["X-Planner-Account"]
    assert re.fullmatch(r"[0-9a-f]{20}", key) and str(h["patient"]) != key
    assert f'data-account="{key}"' in today.text
    assert today.headers["Cache-Control"] == "no-store"  # proxies and the HTTP cache keep none
    other = app.test_client()
    login(other, h["patient"])  # the same person on another session: the same name
    assert other.get("/red-flags").headers["X-Planner-Account"] == key
    login(other, h["caregiver"])
    assert other.get("/red-flags").headers["X-Planner-Account"] != key


def test_a_signed_out_page_names_no_account(client, h):
    page = client.get("/red-flags")
    assert "X-Planner-Account" not in page.headers
    assert 'data-account=""' in page.text
    login(client, h["patient"])
    with client.get("/static/app.css") as static:
        assert "X-Planner-Account" not in static.headers  # kept for a year, by anyone
