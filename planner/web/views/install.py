"""The planner as an app on a phone's home screen (issue 23): its web app manifest, the service
worker that keeps Today and the urgent-symptoms page for when there is no network, and the
start address that opens the person's own Today."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, current_app, g, redirect, request, session, url_for

from planner import i18n
from planner.i18n import gettext
from planner.store import accounts
from planner.web.db import get_db
from planner.web.security import login_required
from planner.web.views.common import CURRENT

bp = Blueprint("install", __name__)

THEME = "#0a4f9e"  # app.css's --accent
BACKGROUND = "#f4f1ea"  # app.css's --wash: the splash screen while the app opens
ICONS = (("icon-192.png", 192), ("icon-512.png", 512))
# What every kept page needs to show without a network (base.html loads these), put in the
# worker's cache when it installs. Their fingerprinted URLs are written into the worker, so
# that a new version of any of them is a new worker, which fetches them afresh.
SHELL = ("app.css", "htmx.min.js", "enhance.js", "offline.js", "icon-192.png")
ASSETS_MARK = "/* ASSETS */ []"


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: what a phone needs to install the planner and open it on Today."""
    data = {
        "id": url_for("install.start"),
        "name": gettext("Planner: care checklists at home"),
        "short_name": gettext("Planner"),
        "description": gettext("Your care team's advice as a checklist for today, shared at home."),
        "lang": i18n.current(),
        "start_url": url_for("install.start"),
        "scope": url_for("households.index"),
        "display": "standalone",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "icons": [
            {
                "src": url_for("static", filename=name),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for name, size in ICONS
        ]
        # The same picture, drawn inside the middle 80% that a round or squircle mask keeps.
        + [
            {
                "src": url_for("static", filename="icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            }
        ],
    }
    response = Response(json.dumps(data, indent=1), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"  # public; checked again with its ETag
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/today")
@login_required
def start():
    """The installed app's start address: the Today of the household the person last opened,
    or of their only one; the list of households when there is no single obvious one."""
    homes = [h["id"] for h in accounts.households_for(get_db(), g.user["id"])]
    current = session.get(CURRENT)
    chosen = current if current in homes else (homes[0] if len(homes) == 1 else None)
    if chosen is None:
        return redirect(url_for("households.index"))
    return redirect(url_for("today.show", household_id=chosen))


@bp.get("/sw.js")
def worker():
    """The service worker, served from the root so that its scope is the whole app, with the
    fingerprinted URLs of the files every kept page needs."""
    script = (Path(current_app.static_folder) / "sw.js").read_text(encoding="utf-8")
    assets = [url_for("static", filename=name) for name in SHELL]
    return Response(
        script.replace(ASSETS_MARK, json.dumps(assets), 1),
        mimetype="text/javascript",
        headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
    )
