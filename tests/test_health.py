"""The health page: up, plain, and touching no session or database."""

from __future__ import annotations


def test_health_says_ok_in_plain_text(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok"
    assert response.mimetype == "text/plain"
    assert "Set-Cookie" not in response.headers  # no session is started for it
