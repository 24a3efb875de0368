"""Static files under fingerprinted URLs, cached by browsers for a year, sent gzipped.

`url_for('static', filename='app.css')` (templates keep writing exactly that) gives
`/static/app.css?v=<hash of the file's content>`. A browser may keep what it fetched under that
URL for good (`immutable`): when the file changes, so does its URL, and pages ask for the new one.
A request without the current hash (an old page, a typed URL) gets the file with `no-cache`,
so it is checked again next time (its ETag makes that cheap).
"""

from __future__ import annotations

import hashlib
import os
import threading

from flask import Flask, Response, current_app, request

from planner.web import compression

FOREVER = "public, max-age=31536000, immutable"
AGAIN = "no-cache"

_hashes: dict[tuple, str] = {}
_lock = threading.Lock()


def fingerprint(folder: str, filename: str) -> str | None:
    """The first 12 hex digits of the SHA-256 of the file, or None if there is no such file.
    Worked out once per version of the file (its path, size and modification time)."""
    path = os.path.join(folder, filename)
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return None
    key = (path, stat.st_size, stat.st_mtime_ns)
    digest = _hashes.get(key)
    if digest is None:
        with open(path, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()[:12]
        with _lock:
            _hashes[key] = digest
    return digest


def _add_version(endpoint: str, values: dict) -> None:
    if endpoint != "static" or "v" in values or "filename" not in values:
        return
    digest = fingerprint(current_app.static_folder, values["filename"])
    if digest:
        values["v"] = digest


def _cache_headers(response: Response) -> Response:
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    current = fingerprint(current_app.static_folder, filename)
    sent = request.args.get("v")
    response.headers["Cache-Control"] = FOREVER if sent and sent == current else AGAIN
    return compression.static(response, (current_app.static_folder, filename, current))


def init_app(app: Flask) -> None:
    app.url_defaults(_add_version)
    app.after_request(_cache_headers)
