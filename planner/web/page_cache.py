"""Rendered pages kept in memory for a moment, so that a page looked at again and again (Today,
opened by the patient and checked by a caregiver) is not rendered again while nothing changed.

The key holds everything the page shows: the household's revision (moved on by triggers with
every write to its data, see migrations.m005), the person, their session's CSRF token, the day
and the part of the page asked for. A stale page therefore cannot be found: it is simply never
asked for again, and falls out of the bounded store.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

MAX_PAGES = 512  # ~30 MB at most: Today is ~50 KB, and ~10 KB gzipped beside it


class PageCache:
    """A bounded, thread-safe map of key -> rendered text (or its gzipped bytes), least
    recently used out first."""

    def __init__(self, size: int = MAX_PAGES):
        self.size = size
        self._pages: OrderedDict[Hashable, str | bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], str | bytes]) -> str | bytes:
        """The page kept for `key`, or `render()` kept for next time."""
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
                return page
        page = render()  # outside the lock: two first views of one page may both render
        with self._lock:
            self._pages[key] = page
            if len(self._pages) > self.size:
                self._pages.popitem(last=False)
        return page

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
