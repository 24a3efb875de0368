"""Real-browser tests: the app served by waitress on a free loopback port, driven by Playwright
in Debian's Chromium (see shared/BROWSER-TESTS.md). Skipped, with the reason, without Chromium."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from planner import create_app
from planner.store.sql import close_thread_dbs
from tests.factories import DAY

# Debian's headless shell (package chromium-headless-shell): Chromium's own engine (Blink, V8,
# its service workers and printing) without the desktop browser around it, as Playwright
# itself runs headless tests. The full browser in headless mode took twice the CPU for the same
# pages, two fifths of the whole suite's on a 2-core machine.
CHROMIUM = os.environ.get("PLANNER_CHROMIUM", "/usr/lib/chromium/chromium-headless-shell")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _real_clock(env) -> dict:
    """Chromium's environment without libfaketime: on a moved clock (tests/test_moved_clock.py)
    the server's clock is the one under test, and Chromium's own timers crawl under it."""
    return {k: v for k, v in env.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium-headless-shell to "
            "run browser tests (.ci/run does), or name another in PLANNER_CHROMIUM"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=ARGS, headless=True, env=_real_clock(os.environ)
        )
        yield browser
        browser.close()


@pytest.fixture
def live_app(database, catalog):
    """The app on a fresh database (on each engine, tests/conftest.py), served by waitress in a
    thread, its day pinned to factories.DAY like every test app; yields (app, base_url)."""
    from waitress.server import create_server

    app = create_app(
        {
            "DATABASE": database,
            "SECRET_KEY": "browser-test",
            "TODAY": DAY.isoformat(),
        },
        catalog,
    )
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.effective_port}"
    # Stop the worker threads first (a worker answering after its socket closed wrote to a
    # descriptor the next test's database file had been given: "file is not a database"),
    # then close every socket (the kept-alive connections, the listener and the trigger) from
    # the server's own loop thread, which the trigger runs this in: closed from here, a socket
    # the loop is waiting on fails it with EBADF, and the connections left open are found
    # unclosed in a later test. With nothing left to wait on, the loop ends.
    server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)

    def close_all() -> None:
        for each in list(server._map.values()):
            each.close()

    try:
        server.trigger.pull_trigger(close_all)
    except OSError:
        # The trigger's pipe was already closed (seen once in some hundreds of runs, at the
        # end of a test that had passed; not reproduced). Its loop can then not be woken:
        # close what is left from here. The loop, finding its map empty, ends within its
        # poll timeout (a second).
        close_all()
    thread.join(timeout=5)
    assert not thread.is_alive(), "the test server's loop did not end"
    close_thread_dbs()


@pytest.fixture
def page_factory(browser):
    """New isolated browser contexts (one per person), closed at the end."""
    contexts = []

    def make(width: int = 390, height: int = 844, axe: bool = False):
        """`axe`: axe-core in every document of the context (for axe_violations), given to
        Chromium once as an init script. Injected into each page it was a third of each
        check's time; and an init script is not bound by the page's Content-Security-Policy,
        so the pages are checked under their real CSP, where a script tag needed it lifted."""
        context = browser.new_context(viewport={"width": width, "height": height})
        if axe:
            context.add_init_script(path=str(AXE))
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core in the page (made by page_factory(axe=True)); return the violations of
    the given impacts."""
    assert page.evaluate("'axe' in window"), "axe-core is not in the page: page_factory(axe=True)"
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in impacts]


WIDTHS = (390, 1280)  # a phone, a desktop


def at_width(page, width: int) -> None:
    """Resize the page's viewport to `width` (its height kept), the document staying as it is.

    A page resized is the page loaded at that width, so each page is loaded once and checked
    at both widths: the server sends the same page whatever the width; app.css and
    content.css follow the width through media queries alone, which the browser applies again
    on a resize (in px, or in rem of the initial font size: text_at does not move them); and no
    script of ours reads the width or listens for a resize (planner/static/*.js). Where that
    stops being true, load the page again at each width instead."""
    page.set_viewport_size({"width": width, "height": page.viewport_size["height"]})
    assert page.evaluate("window.innerWidth") == width


def axe_by_width(page, widths=WIDTHS, impacts=("serious", "critical")) -> dict[int, list[dict]]:
    """axe_violations of this document at each width in turn (at_width), by width; only the
    widths with violations, so an empty dict is a pass."""
    found = {}
    now = page.viewport_size["width"]
    for width in sorted(widths, key=lambda w: w != now):  # the width it has first: one resize
        at_width(page, width)
        violations = axe_violations(page, impacts)
        if violations:
            found[width] = violations
    return found
