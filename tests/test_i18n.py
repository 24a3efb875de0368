"""The planner in the person's own language (issue 24): which languages there are (folders, no
code), how a page chooses its language, each member's own language on a shared plan, links and
the printout in their maker's, mails in their reader's, and dates and numbers in each one's way.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
from markupsafe import escape

from planner import create_app, i18n
from planner.plans.domains import LABELS
from planner.store import accounts, own_account, plans
from tests import factories as f
from tests.conftest import CSRF, login

SPANISH = "es"


def _es(message: str) -> str:
    return i18n.translate(SPANISH, message)


def _lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


@pytest.fixture
def h(app, db, catalog):
    return f.home(app, db, catalog)


def _csrf(client) -> None:
    with client.session_transaction() as session:
        session["csrf"] = CSRF["csrf_token"]


# --- The languages and their words ---------------------------------------------------------


def test_the_languages_are_the_folders_of_translations():
    assert i18n.languages() == ("en", "es")
    assert i18n.offered("es") == "es" and i18n.offered("es-MX") == "es"
    assert i18n.offered("EN-us") == "en"
    assert i18n.offered("fr") is None and i18n.offered("") is None and i18n.offered(None) is None
    assert [i18n.name_of(lang) for lang in i18n.languages()] == ["English", "Español"]


def test_the_catalogues_are_compiled_in_memory_from_the_po_files():
    # Nothing compiled is kept in the tree: a fresh clone, an editable install and a wheel all
    # read the .po (tests/test_packaging.py installs one).
    assert not list(i18n.FOLDER.rglob("*.mo"))
    assert _es("Today") == "Hoy" and _es("Sign in") == "Iniciar sesión"
    assert i18n.translate("en", "Today") == "Today"
    with i18n.speaking("es"):
        assert i18n.gettext("Today") == "Hoy"
        assert i18n.current() == "es"
    assert i18n.current() == "en"
    with i18n.speaking("fr"):  # not spoken: English
        assert i18n.current() == "en"


def test_spanish_plurals_follow_the_count():
    with i18n.speaking("es"):
        said = [
            i18n.ngettext("%(count)s day ago", "%(count)s days ago", n, count=n) for n in (1, 2)
        ]
        million = i18n.ngettext("%(num)s set", "%(num)s sets", 1_000_000)
    assert said == ["hace 1 día", "hace 2 días"]
    assert million == "1000000 series"  # CLDR's third form for Spanish, a million


def test_dates_times_and_numbers_in_each_language_s_own_way():
    day = dt.date(2026, 11, 22)
    assert i18n.day_words(day, lang="en") == "Sunday 22 November"
    assert i18n.day_words(day, lang="es") == "domingo 22 de noviembre"
    assert i18n.day_words(day, weekday=False, year=True, lang="es") == "22 de noviembre de 2026"
    assert i18n.day_words(day, weekday=False, year=True, lang="en") == "22 November 2026"
    with i18n.speaking("es"):
        assert i18n.weekday_name(day) == "domingo"
        assert i18n.time_words(dt.time(14, 5)) == "14:05"
        assert i18n.number(12345) == "12.345" and i18n.number(1.5) == "1,5"
    assert i18n.number(12345) == "12,345" and i18n.number(1.5) == "1.5"


def test_an_english_text_on_another_language_s_page_stays_whole_and_says_so():
    marked = "Hola. " + i18n.in_english("Call your team now.")
    assert i18n.segments(marked) == [("Hola. ", False), ("Call your team now.", True)]
    assert i18n.unmarked(marked) == "Hola. Call your team now."
    with i18n.speaking("es"):
        assert i18n.plain(marked) == ("Hola. Call your team now. (en inglés: todavía sin traducir)")
    assert i18n.plain("no marks") == "no marks"


def test_a_table_of_words_says_them_in_the_language_spoken():
    assert LABELS["exercise"] == "Exercise"
    with i18n.speaking("es"):
        assert LABELS["exercise"] == "Ejercicio"
        assert LABELS.english()["exercise"] == "Exercise"


# --- Which language a page speaks -------------------------------------------------------


def test_a_signed_out_page_speaks_the_browser_s_language(client):
    page = client.get("/login", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.8"})
    assert _lang(page.text) == "es"
    assert "<h1>Iniciar sesión</h1>" in page.text
    assert "Accept-Language" in page.headers["Vary"]
    other = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert _lang(other.text) == "en" and "<h1>Sign in</h1>" in other.text


def test_the_switch_on_the_sign_in_page_is_kept_for_the_next_pages(client):
    spanish = {"Accept-Language": "es"}
    page = client.get("/login", headers=spanish).text
    # The switch: plain links to this page in each language, each named in its own words.
    assert 'href="/login?lang=en" lang="en" hreflang="en">English</a>' in page
    assert 'href="/login?lang=es" lang="es" hreflang="es" aria-current="true">Español</a>' in page
    switched = client.get("/login?lang=en", headers=spanish)
    assert _lang(switched.text) == "en"
    assert "lang=en" in switched.headers["Set-Cookie"]
    assert _lang(client.get("/signup", headers=spanish).text) == "en"  # the cookie wins
    assert _lang(client.get("/signup?lang=es").text) == "es"
    assert _lang(client.get("/login?lang=xx").text) == "es"  # kept: not a language spoken


def test_signup_offers_the_browser_s_language_and_keeps_the_choice(client, db):
    page = client.get("/signup", headers={"Accept-Language": "es"}).text
    assert '<option value="es" lang="es" selected>Español</option>' in page
    _csrf(client)
    form = {"name": "Ana", "email": "ana@example.org", "password": "long enough", **CSRF}
    bad = client.post("/signup", data={**form, "language": "fr"})
    assert bad.status_code == 422 and "Choose one of the languages in the list." in bad.text
    response = client.post("/signup", data={**form, "language": "es"}, follow_redirects=True)
    assert accounts.user_by_email(db, "ana@example.org")["language"] == "es"
    assert _lang(response.text) == "es"
    assert "Bienvenido, Ana. Su cuenta está lista." in response.text


def test_the_account_page_chooses_the_language_of_everything(client, db, h):
    login(client, h["patient"])
    page = client.get("/account").text
    assert 'name="language"' in page and '<option value="en" lang="en" selected>' in page
    response = client.post("/account/language", data={"language": "es", **CSRF})
    assert response.status_code == 303
    assert accounts.get_user(db, h["patient"])["language"] == "es"
    page = client.get(response.headers["Location"]).text
    assert _lang(page) == "es"
    assert escape(_es("From now on the planner speaks to you in this language.")) in page
    refused = client.post("/account/language", data={"language": "xx", **CSRF})
    assert refused.status_code == 422 and accounts.get_user(db, h["patient"])["language"] == "es"
    # The person's own choice wins over the browser's.
    today = client.get(f"/h/{h['id']}/today", headers={"Accept-Language": "en"}).text
    assert _lang(today) == "es" and f">{_es('Today')}<" in today


def _titles(app, db, household_id: int, lang: str) -> list[str]:
    """The titles of the household's plan as the advice says them in `lang`."""
    plan = plans.current_plan(db, household_id)["plan"]
    catalog = (
        app.extensions["planner_spoken"][lang]
        if lang != "en"
        else app.extensions["planner_catalog"]
    )
    return [catalog.item(i["id"]).title for i in plan["items"] if catalog.item(i["id"])]


def test_each_member_sees_the_shared_plan_in_their_own_language(app, client, db, h):
    own_account.set_language(db, h["patient"], "es")
    spanish, english = _titles(app, db, h["id"], "es"), _titles(app, db, h["id"], "en")
    login(client, h["patient"])
    anna = client.get(f"/h/{h['id']}/today").text
    login(client, h["caregiver"])
    ben = client.get(f"/h/{h['id']}/today").text
    assert _lang(anna) == "es" and _lang(ben) == "en"
    shown = [t for t in english if str(escape(t)) in ben]
    assert shown, "Ben's Today shows the plan's titles"
    for es_title, en_title in zip(spanish, english, strict=True):
        if str(escape(en_title)) in ben:
            assert str(escape(es_title)) in anna, es_title
            assert str(escape(en_title)) not in anna, en_title
    # The same plan: the same rows, keyed by the same items.
    rows = re.compile(r'id="task-([\w-]+)"')
    assert rows.findall(anna) == rows.findall(ben)


def _view_link(client, h) -> str:
    response = client.post(
        f"/h/{h['id']}/share/links", data={"kind": "view", "expires": "7", **CSRF}
    )
    page = client.get(response.headers["Location"]).text
    url = re.search(r'id="new-link-url">([^<]+)</p>', page).group(1)
    return url.removeprefix("http://localhost")


def test_a_read_only_link_speaks_its_maker_s_language_with_a_switch(app, client, db, h):
    own_account.set_language(db, h["patient"], "es")
    login(client, h["patient"])
    link = _view_link(client, h)
    visitor = app.test_client()
    page = visitor.get(link, headers={"Accept-Language": "en"}).text
    assert _lang(page) == "es"
    assert f'href="{link}?lang=en" lang="en"' in page
    english = visitor.get(f"{link}?lang=en").text
    assert _lang(english) == "en"
    title = _titles(app, db, h["id"], "es")[0]
    assert str(escape(title)) in page and str(escape(title)) not in english
    # Made by an English speaker, the link speaks English to a Spanish browser.
    login(client, h["caregiver"])
    ben_link = _view_link(client, h)
    assert _lang(visitor.get(ben_link, headers={"Accept-Language": "es"}).text) == "en"


def test_the_printout_speaks_its_maker_s_language_with_a_switch(client, db, h):
    own_account.set_language(db, h["patient"], "es")
    login(client, h["patient"])
    page = client.get(f"/h/{h['id']}/handout").text
    assert _lang(page) == "es" and '<article class="handout"' in page
    assert 'lang="es">' in page.split('<article class="handout"')[1][:200]
    assert f"<h1>{_es('Print a handout')}</h1>" in page
    assert re.search(r"Página 1 de \d", page) and not re.search(r"Page 1 of \d", page)
    english = client.get(f"/h/{h['id']}/handout?lang=en").text
    assert _lang(english) == "en" and re.search(r"Page 1 of \d", english)


def test_a_reset_mail_speaks_its_reader_s_language(app, client, db, h, smtp_sink):
    app.config.update(SMTP_URL=smtp_sink.url, MAIL_FROM="planner@example.org")
    own_account.set_language(db, h["patient"], "es")
    email = accounts.get_user(db, h["patient"])["email"]
    _csrf(client)
    # Asked from an English page, the mail is in the reader's own language.
    client.post("/reset", data={"email": email, **CSRF}, headers={"Accept-Language": "en"})
    [message] = smtp_sink.messages
    assert message["Subject"] == _es("Choose a new password for the planner")
    assert message.get_body(("plain",)).get_content().startswith("Hola, Anna:")


def test_a_third_language_is_a_folder_of_files_no_code(tmp_path, monkeypatch, catalog):
    """A new folder under planner/translations/ with its messages.po makes a language the
    planner offers; its advice, with no translation yet, shows in English, marked, and the
    footer says the translation is not reviewed."""
    folder = tmp_path / "translations"
    shutil.copytree(i18n.FOLDER, folder)
    fr = folder / "fr" / "LC_MESSAGES"
    fr.mkdir(parents=True)
    (fr / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        'msgid "Sign in"\nmsgstr "Se connecter"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "FOLDER", folder)
    i18n.languages.cache_clear()
    i18n.translations.cache_clear()
    try:
        assert i18n.languages() == ("en", "es", "fr")
        assert i18n.name_of("fr") == "Français"
        app = create_app(
            {"TESTING": True, "DATABASE": str(tmp_path / "p.db"), "SECRET_KEY": "x"}, catalog
        )
        client = app.test_client()
        page = client.get("/login", headers={"Accept-Language": "fr"}).text
        assert _lang(page) == "fr" and "<h1>Se connecter</h1>" in page
        assert "Email address" in page  # not translated yet: the msgid, English
        assert 'lang="fr" hreflang="fr" aria-current="true">Français</a>' in page
        red = client.get("/red-flags", headers={"Accept-Language": "fr"}).text
        assert '<span lang="en">' in red  # the advice, untranslated, in English and marked
        assert 'class="translation-note"' in red
    finally:
        monkeypatch.undo()
        i18n.languages.cache_clear()
        i18n.translations.cache_clear()
    assert i18n.languages() == ("en", "es")
