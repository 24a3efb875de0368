"""gzip for what a phone fetches most: Today's page (about a fifth of its size) and the static
files (htmx, the stylesheet), compressed once and kept, so a kept page costs no more CPU.

Only these are compressed, not every page: a compressed page that holds a secret (the CSRF
token) and text an outsider can choose (a reflected query parameter, as on the sign-in page)
can leak the secret through its length (BREACH). Today reflects nothing from the request; its
text comes from the household's own data.
"""

from __future__ import annotations

import gzip
import threading

from flask import Response, request

LEVEL = 6
MIN_BYTES = 1024  # below this the header costs more than it saves
TYPES = ("text/css", "text/javascript", "application/javascript")

_kept: dict[tuple, bytes] = {}
_lock = threading.Lock()
MAX_KEPT = 64  # static files: a handful, one entry per version of each


def accepts_gzip() -> bool:
    if "gzip" not in request.headers.get("Accept-Encoding", ""):
        return False  # most often the whole answer, without parsing the header
    return request.accept_encodings.quality("gzip") > 0


def compress(data: str | bytes) -> bytes:
    raw = data.encode() if isinstance(data, str) else data
    return gzip.compress(raw, LEVEL, mtime=0)  # mtime=0: the same bytes for the same page


def page(html: str, gzipped: bytes | None) -> Response:
    """A page's response: `gzipped` (its compressed bytes) if the browser takes gzip and it is
    given, else the text; either way marked as varying with Accept-Encoding."""
    if gzipped is not None and accepts_gzip():
        response = Response(gzipped, mimetype="text/html")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(html, mimetype="text/html")
    response.vary.add("Accept-Encoding")
    return response


def static(response: Response, key: tuple) -> Response:
    """A static file's 200 response compressed (once per `key`, the file's version) if the
    browser takes gzip and the file is text worth it."""
    response.vary.add("Accept-Encoding")
    if (
        response.status_code != 200
        or response.mimetype not in TYPES
        or not accepts_gzip()
        or (response.content_length or 0) < MIN_BYTES
    ):
        return response
    response.direct_passthrough = False
    body = _kept.get(key)
    if body is None:
        body = compress(response.get_data())  # the file is closed with the response
        with _lock:
            if len(_kept) >= MAX_KEPT:
                _kept.clear()
            _kept[key] = body
    else:
        close = getattr(response.response, "close", None)
        if close is not None:  # the file send_file opened, unread
            response.call_on_close(close)
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag:  # another body, another validator
        response.set_etag(f"{etag}-gzip", weak)
    return response
