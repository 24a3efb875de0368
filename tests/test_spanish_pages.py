"""Every page in Spanish says nothing in English (issue 24, point 5).

A household whose members all read Spanish, with what people type written in Spanish too (a
dose note, a reason, contacts, questions for a visit), is visited page by page as each member
and as someone signed out: every link found is followed, the forms that show a preview, a
proposal or errors are sent. Every template of the app must have been rendered (the few that
only a mail or an expired link shows are listed, with the test that renders them).

Of each page, the text a person sees or hears is extracted (text, and the alt, title,
aria-label, placeholder and button values), leaving out what is marked lang="en" (advice not
yet translated, the names of languages, the titles of English sources). No English function
word may remain, outside a short allow-list of names. The page says lang="es", and no mark of
English text leaks out raw (the private-use characters of planner/i18n.py, or a span inside an
attribute).
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from flask import template_rendered

from planner import i18n
from planner.plans import profile_form
from planner.reminders import settings as reminder_settings
from planner.store import (
    accounts,
    contacts,
    links,
    own_account,
    plans,
    resets,
    reviewers,
    visits,
)
from tests import factories as f
from tests.conftest import CSRF, LOOKS, login

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# English words that are not Spanish words: one of them in a Spanish page is English left over.
ENGLISH = frozenset(
    {
        "the",
        "and",
        "your",
        "you",
        "with",
        "this",
        "that",
        "for",
        "to",
        "of",
        "is",
        "are",
        "what",
        "when",
        "how",
        "not",
        "yet",
        "will",
        "can",
        "has",
        "have",
        "was",
        "from",
        "it",
        "on",
        "be",
        "do",
        "does",
        "they",
        "their",
        "our",
        "we",
        "or",
        "if",
        "by",
        "at",
        "an",
        "as",
        "all",
        "any",
        "each",
        "after",
        "before",
        "which",
        "who",
        "there",
        "here",
        "been",
        "were",
        "would",
        "should",
        "could",
        "into",
        "than",
        "then",
        "them",
        "these",
        "those",
        "about",
        "only",
        "just",
        "its",
        "my",
        "please",
        "click",
        "tap",
        "open",
        "save",
        "sign",
        "new",
        "back",
        "next",
        "add",
        "edit",
        "remove",
        "show",
        "hide",
        "change",
        "choose",
        "enter",
        "download",
        "print",
        "share",
        "today",
        "week",
        "day",
        "days",
        "done",
        "skip",
        "help",
        "ask",
        "tell",
        "more",
        "less",
        "none",
        "some",
        "other",
        "others",
        "because",
        "while",
        "until",
        "once",
        "every",
    }
)
# Names that stay as they are in Spanish.
NAMES = {"FHIR", "R4", "R4B", "CSV", "JSON", "PDF", "QR", "HTML", "iPhone", "iPad", "Android"}
SEEN_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
VARIANTS = 3


class _Visible(HTMLParser):
    """The text a person sees or hears on a page, without what is marked lang="en"."""

    SKIP = {"script", "style", "template", "svg"}
    VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden from this check)
        self.words: list[str] = []
        self.attributes: list[str] = []

    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = tag in self.SKIP or (attrs.get("lang") not in (None, "es") and tag != "html")
        for value in attrs.values():
            if value is not None:
                self.attributes.append(value)
        if not hidden and not self._hidden():
            for name in SEEN_ATTRIBUTES:
                if attrs.get(name):
                    self.words.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.words.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        for n in range(len(self.stack) - 1, -1, -1):
            if self.stack[n][0] == tag:
                del self.stack[n:]
                break

    def handle_data(self, data):
        if not self._hidden() and data.strip():
            self.words.append(data)


def english_in(html: str, allowed: set[str]) -> list[str]:
    """The English function words of a page's visible text, each with its context."""
    seen = _Visible()
    seen.feed(html)
    found = []
    for text in seen.words:
        text = re.sub(r"https?://\S+|\S+@\S+|/\S*", " ", text)  # addresses and paths
        for phrase in allowed:
            text = text.replace(phrase, " ")
        for word in re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text):
            if word.lower() in ENGLISH and word not in NAMES:
                found.append(f"{word!r} in {' '.join(text.split())[:120]!r}")
    return found


def leaks(html: str) -> list[str]:
    problems = []
    if i18n.EN_OPEN in html or i18n.EN_CLOSE in html:
        problems.append("a raw mark of English text")
    seen = _Visible()
    seen.feed(html)
    problems += [f"markup in an attribute: {a[:80]!r}" for a in seen.attributes if "<span" in a]
    return problems


# --- The household, all in Spanish ---------------------------------------------------------

NOTE = "Despacio al subir y al bajar."
REASON = "la lesión de la pelvis, estable tras la radioterapia"
TYPED = {
    NOTE,
    REASON,
    "Casa de Ana",
    "Ana",
    "Benito",
    "Priya",
    "Olga",
    "Lucía",
    "Urgencias del hospital",
    "Línea de oncología",
    "¿Puedo volver a nadar?",
    "Plantilla de cadera",
    "planner reviewer add",  # a command, typed as it is
}


def _profile_form(profile: dict) -> dict:
    values = profile_form.form_values(profile)
    return {k: v for k, v in values.items() if v is not None}


@pytest.fixture
def spanish_home(app, db, catalog):
    app.config["TODAY"] = f.DAY.isoformat()
    ana = f.user(db, "Ana")
    house = accounts.create_household(db, "Casa de Ana", ana["id"], "patient", at=f.NOW)
    benito = f.member(db, house["id"], "caregiver", "Benito")
    priya = f.member(db, house["id"], "physio", "Priya")
    olga_house, olga = f.household(db, "caregiver", "Olga")
    lucia = f.user(db, "Lucía")
    reviewers.grant(db, lucia["id"], at=f.NOW)
    for person in (ana, benito, priya, olga, lucia):
        own_account.set_language(db, person["id"], "es")
    f.with_plan(db, catalog, house["id"], ana["id"])
    contacts.set_contacts(
        db,
        house["id"],
        {
            "emergency": {"name": "Urgencias del hospital", "phone": "112"},
            "cancer-team": {"name": "Línea de oncología", "phone": "900 123 456"},
        },
        ana["id"],
        at=f.NOW,
    )
    visits.add_question(db, house["id"], "¿Puedo volver a nadar?", ana["id"], at=f.NOW)
    # Priya is the physiotherapist of Olga's household too, which has no plan yet.
    accounts.add_member(db, olga_house["id"], priya["id"], "physio", at=f.NOW)
    return {
        "id": house["id"],
        "patient": ana["id"],
        "caregiver": benito["id"],
        "physio": priya["id"],
        "outsider": olga["id"],
        "reviewer": lucia["id"],
        "other": olga_house["id"],
    }


class Crawl:
    def __init__(self, app):
        self.app = app
        self.rendered: set[str] = set()
        self.pages: dict[str, str] = {}
        self.problems: list[str] = []

    def check(self, who: str, url: str, response) -> None:
        if response.mimetype != "text/html" or response.status_code in (301, 302, 303):
            return  # a redirect's body is the server library's, and nobody reads it
        html = response.get_data(as_text=True)
        where = f"{who} {url} ({response.status_code})"
        match = re.search(r'<html lang="([^"]+)"', html)
        if match and match.group(1) != "es":
            self.problems.append(f"{where}: <html lang={match.group(1)}>")
        self.problems += [f"{where}: {p}" for p in leaks(html)]
        self.problems += [f"{where}: {e}" for e in english_in(html, TYPED)]
        self.pages[f"{who} {url}"] = html

    def visit(self, client, who: str, start: list[str]) -> None:
        """Each page of `start`, then every page they link to, breadth first; a page with
        arguments (another week, a search) at most VARIANTS times per path."""
        queue, seen, variants = list(start), set(), {}
        while queue:
            url = queue.pop(0)
            path = url.split("?")[0]
            if url in seen or variants.get(path, 0) >= VARIANTS:
                continue
            seen.add(url)
            variants[path] = variants.get(path, 0) + 1
            response = client.get(url)
            if response.status_code in (301, 302, 303):
                queue.append(response.headers["Location"].removeprefix("http://localhost"))
                continue
            self.check(who, url, response)
            if response.mimetype != "text/html":
                continue
            for href in re.findall(r'href="([^"#]+)', response.get_data(as_text=True)):
                href = href.replace("&amp;", "&")
                target = urlsplit(urljoin(url, href))
                if target.netloc and target.netloc != "localhost":
                    continue
                path = target.path + (f"?{target.query}" if target.query else "")
                if self._follow(path):
                    queue.append(path)

    @staticmethod
    def _follow(path: str) -> bool:
        if "lang=" in path:  # the switch to another language
            return False
        skip = ("/static/", "/export/", "/account/data", ".ics", ".yaml", "/sw.js", ".webmanifest")
        return not any(s in path for s in skip)


def _record(crawl: Crawl):
    def rendered(sender, template, context, **extra):
        crawl.rendered.add(template.name)

    return rendered


@LOOKS
def test_every_page_in_spanish_says_nothing_in_english(app, db, spanish_home, catalog):
    h = spanish_home
    crawl = Crawl(app)
    recorder = _record(crawl)
    template_rendered.connect(recorder, app)
    try:
        tokens = _forms(app, db, h, crawl, catalog)
        _walk(app, db, h, crawl, tokens)
        mails = _mails(app, db, h, crawl)
    finally:
        template_rendered.disconnect(recorder, app)
    assert not crawl.problems, f"{len(crawl.problems)} problems:\n" + "\n".join(
        sorted(set(crawl.problems))[:200]
    )
    everything = {
        str(p.relative_to(TEMPLATES))
        for p in TEMPLATES.rglob("*")
        if p.suffix in (".html", ".txt") and not p.name.startswith("_") and p.name != "base.html"
    }
    assert everything - crawl.rendered - mails == set()
    assert len(crawl.pages) > 100


def _walk(app, db, h, crawl: Crawl, tokens: list[str]) -> None:
    hid = h["id"]
    household_pages = [
        f"/h/{hid}/{page}"
        for page in (
            "today",
            "home",
            "profile",
            "profile/edit",
            "share",
            "handout",
            "members",
            "activity",
            "advice",
            "calendar",
            "contacts",
            "delete",
            "exercises",
            "facts",
            "export",
            "history",
            "reminders",
            "templates",
            "versions",
            "visit",
        )
    ]
    common = ["/", "/account", "/account/delete", "/red-flags", "/how-plans-are-made"]
    for who in ("patient", "caregiver", "physio"):
        client = app.test_client()
        login(client, h[who])
        crawl.visit(client, who, common + household_pages)
    reviewer = app.test_client()
    login(reviewer, h["reviewer"])
    crawl.visit(reviewer, "reviewer", ["/review", *common])
    # Olga: her own household without a plan, someone else's (404), a page for reviewers (403).
    outsider = app.test_client()
    login(outsider, h["outsider"])
    other = [f"/h/{h['other']}/{page}" for page in ("today", "profile", "handout", "home")]
    crawl.visit(outsider, "outsider", ["/", f"/h/{hid}/today", "/review", *other])
    physio = app.test_client()
    login(physio, h["physio"])
    crawl.visit(physio, "physio", ["/?list=all", f"/h/{h['other']}/exercises"])
    anonymous = app.test_client()
    spanish = {"Accept-Language": "es"}
    anonymous.get("/login?lang=es", headers=spanish)  # the switch, kept in a cookie
    start = ["/", "/login", "/signup", "/reset", "/red-flags", f"/h/{hid}/today", *tokens]
    crawl.visit(anonymous, "signed-out", start)
    for url, data, status in (
        ("/signup", {"name": "", "email": "no", "password": "x"}, 422),
        ("/login", {"email": "nadie@example.org", "password": "equivocada"}, 422),
        ("/reset", {"email": "nadie@example.org"}, (200, 303)),
    ):
        with anonymous.session_transaction() as session:
            session["csrf"] = CSRF["csrf_token"]
        _post(crawl, anonymous, "signed-out", url, data, status)


# What a crawl of GET pages cannot reach, done as people do it: forms sent, links made.


def _post(crawl: Crawl, client, who: str, url: str, data: dict, expect: int | tuple) -> str:
    response = client.post(url, data={**data, **CSRF})
    expected = expect if isinstance(expect, tuple) else (expect,)
    assert response.status_code in expected, (url, response.status_code)
    crawl.check(who, f"POST {url}", response)
    return response.get_data(as_text=True)


def _forms(app, db, h, crawl: Crawl, catalog) -> list[str]:
    """Send the forms whose answers are pages of their own; return pages to visit after."""
    hid = h["id"]
    patient = app.test_client()
    login(patient, h["patient"])
    stored = plans.get_profile(db, hid)
    edit = f"/h/{hid}/profile/edit"
    # A problem beside its answer (422), then a preview of a more careful plan, applied.
    bad = _profile_form(stored) | {"falls_past_year": "-3"}
    _post(crawl, patient, "patient", edit, bad, 422)
    more = {**stored, "lesion_sites": [*stored["lesion_sites"], "ribs"]}
    page = _post(crawl, patient, "patient", edit, _profile_form(more), 200)
    profile_json = unescape(re.search(r"name=\"profile_json\" value='([^']*)'", page)[1])
    _post(crawl, patient, "patient", f"/h/{hid}/profile/apply", {"profile_json": profile_json}, 303)
    # A less careful change waits for the physiotherapist: a proposal on the pages.
    less = {**more, "lesion_sites": ["pelvis"]}
    page = _post(crawl, patient, "patient", edit, _profile_form(less), 200)
    profile_json = unescape(re.search(r"name=\"profile_json\" value='([^']*)'", page)[1])
    _post(crawl, patient, "patient", f"/h/{hid}/profile/apply", {"profile_json": profile_json}, 303)
    # The physiotherapist's dose note and a template of the exercises.
    physio = app.test_client()
    login(physio, h["physio"])
    _post(
        crawl, physio, "physio", f"/h/{hid}/templates", {"name": "Plantilla de cadera"}, (200, 303)
    )
    # Links to join, to view and to choose a new password; an unsubscribe link; a bad link.
    join = links.create_link(
        db,
        hid,
        links.MEMBER,
        h["patient"],
        f.NOW + dt.timedelta(days=7),
        "caregiver",
        at=f.NOW,
        language="es",
    )
    view = links.create_link(
        db, hid, links.VIEW, h["patient"], f.NOW + dt.timedelta(days=7), at=f.NOW, language="es"
    )
    reset = resets.create(db, h["caregiver"], at=f.NOW)
    unsubscribe = reminder_settings.unsubscribe_token(db, hid, h["patient"], at=f.NOW)
    return [
        f"/join/{join}",
        f"/view/{view}",
        "/view/no-such-link",
        f"/reset/{reset}",
        f"/unsubscribe/{unsubscribe}",
    ]


def _mails(app, db, h, crawl: Crawl) -> set[str]:
    """The morning email, as a Spanish reader gets it: checked like a page, text and HTML."""
    from planner.reminders import scheduler

    sent: list = []
    app.config.update(SMTP_URL="smtp://127.0.0.1:1", PUSH=0)

    class Mailer:
        def send(self, to, subject, text, html=None, headers=None):
            sent.append((subject, text, html or ""))

    reminder_settings.save(db, h["id"], h["patient"], {"email": 1, "digest": 1}, at=f.NOW)
    import planner.mail as mail

    original = mail.mailer
    mail.mailer = lambda config: Mailer()
    try:
        tuesday = f.DAY + dt.timedelta(days=1)
        scheduler.run(app, dt.datetime.combine(tuesday, dt.time(9, 0), tzinfo=dt.UTC))
    finally:
        mail.mailer = original
    [(subject, text, html)] = sent
    for part in (subject, text):
        crawl.problems += [f"mail: {e}" for e in english_in(f"<p>{part}</p>", TYPED)]
    crawl.problems += [f"mail html: {e}" for e in english_in(html, TYPED) + leaks(html)]
    return {"reminders/email.html", "reminders/email.txt"}


def test_the_check_finds_english_and_leaves_what_is_marked(client):
    # A check that cannot fail proves nothing: the English page fails it, a marked text not.
    english = client.get("/login?lang=en").get_data(as_text=True)
    assert len(english_in(english, set())) > 5
    spanish = client.get("/login?lang=es").get_data(as_text=True)
    assert english_in(spanish, set()) == []
    marked = '<p>Hola. <span lang="en">Call your team now.</span> <small>(en inglés)</small></p>'
    assert english_in(marked, set()) == []
    assert english_in("<p>Hola. Call your team now.</p>", set())
    assert leaks(f"<p>{i18n.in_english('x')}</p>") and leaks('<a title="<span>x</span>">y</a>')
