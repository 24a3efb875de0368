"""What a phone downloads: static files under fingerprinted URLs that browsers keep for a year
(a new URL when a file changes), and Today and the static files gzipped."""

from __future__ import annotations

import gzip
import re

from planner.web.static_files import FOREVER
from tests import factories as f
from tests.conftest import login


def _asset_urls(page: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', page)


def test_pages_ask_for_fingerprinted_files_that_browsers_keep_for_a_year(app, client, db, catalog):
    h = f.home(app, db, catalog)
    login(client, h["patient"])
    urls = _asset_urls(client.get(f"/h/{h['id']}/today").text)
    assert {u.split("?")[0] for u in urls} >= {"/static/app.css", "/static/htmx.min.js"}
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        with client.get(url) as answer:
            assert answer.status_code == 200
            assert answer.headers["Cache-Control"] == FOREVER


def test_a_file_asked_for_without_its_current_fingerprint_is_checked_again(client):
    for url in ("/static/app.css", "/static/app.css?v=000000000000"):
        with client.get(url) as answer:
            assert answer.status_code == 200
            assert "immutable" not in answer.headers["Cache-Control"]
            assert "no-cache" in answer.headers["Cache-Control"]


def test_a_changed_file_gets_a_new_url(app, tmp_path):
    app.static_folder = str(tmp_path)
    (tmp_path / "site.css").write_text("body { color: black; }")
    with app.test_request_context():
        from flask import url_for

        before = url_for("static", filename="site.css")
        assert url_for("static", filename="site.css") == before
        (tmp_path / "site.css").write_text("body { color: navy; }")
        after = url_for("static", filename="site.css")
    assert before != after
    assert before.split("?")[0] == after.split("?")[0] == "/static/site.css"
    client = app.test_client()
    with client.get(after) as answer:
        assert answer.headers["Cache-Control"] == FOREVER
    with client.get(before) as answer:  # an old page's URL: today's file, checked again
        assert "immutable" not in answer.headers["Cache-Control"]
        assert answer.text == "body { color: navy; }"


def test_today_and_the_static_files_travel_gzipped_to_a_browser_that_takes_it(
    app, client, db, catalog
):
    h = f.home(app, db, catalog)
    login(client, h["patient"])
    url = f"/h/{h['id']}/today"
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]
    for _ in range(2):  # rendered, then kept: the same page either way
        packed = client.get(url, headers={"Accept-Encoding": "gzip, br"})
        assert packed.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert gzip.decompress(packed.data).decode() == plain.text
        assert len(packed.data) < len(plain.data) / 3
    refused = client.get(url, headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers and refused.text == plain.text
    text_assets = [a for a in _asset_urls(plain.text) if not a.split("?")[0].endswith(".png")]
    for asset in text_assets:  # a PNG is compressed already: it travels as it is
        with (
            client.get(asset) as unpacked,
            client.get(asset, headers={"Accept-Encoding": "gzip"}) as answer,
        ):
            assert answer.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(answer.data) == unpacked.data
            assert answer.headers["ETag"] != unpacked.headers["ETag"]
