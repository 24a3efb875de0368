"""The planner's canonical address (BASE_URL, `planner serve --base-url`): links in mails, invite
and view links and their QR codes are built on it, never on the Host header a client sends.

A small WSGI wrapper sets the scheme, host and path prefix of every request from BASE_URL, so
that Flask's url_for(..., _external=True) and request.is_secure follow it everywhere.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def parse(url: str) -> tuple[str, str, str]:
    """(scheme, host[:port], path prefix) of a base URL; ValueError naming what is wrong."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"BASE_URL {url!r} must be a full address such as https://planner.example.org"
        )
    if parts.query or parts.fragment or parts.username:
        raise ValueError(f"BASE_URL {url!r} must have no user, query or fragment")
    return parts.scheme, parts.netloc, parts.path.rstrip("/")


class CanonicalHost:
    """WSGI middleware: every request as if it came to BASE_URL."""

    def __init__(self, app, url: str):
        self.app = app
        self.scheme, self.host, self.prefix = parse(url)

    def __call__(self, environ, start_response):
        environ["wsgi.url_scheme"] = self.scheme
        environ["HTTP_HOST"] = self.host
        environ.pop("HTTP_X_FORWARDED_HOST", None)
        if self.prefix:
            environ["SCRIPT_NAME"] = self.prefix
            path = environ.get("PATH_INFO", "")
            if path.startswith(self.prefix):
                environ["PATH_INFO"] = path[len(self.prefix) :] or "/"
        return self.app(environ, start_response)
