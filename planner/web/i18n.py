"""The language of each page: the person's own choice, else the browser's, switched by a link.

Flask-Babel ties the request to planner/i18n.py: its locale selector reads the language chosen
here, its translation domain serves the catalogues planner/i18n.py compiles, and the Jinja
`_()`, `ngettext()` and `{% trans %}` it installs say the same words as gettext in Python code.

Which language a page speaks, first that applies:
1. `?lang=xx` on the address: a switch on the page itself (the sign-in page, a read-only link,
   the printout); for someone not signed in it is kept in a cookie for their next pages;
2. a view that speaks for someone else (a read-only link in its maker's language) says so
   with `speak()`;
3. the signed-in person's language (users.language, chosen on the account page);
4. the cookie of an earlier switch;
5. the browser's Accept-Language, among the languages the planner speaks;
6. English.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from urllib.parse import urlencode

from babel.support import NullTranslations
from flask import Flask, current_app, g, request
from flask_babel import Babel, Domain, refresh

from planner import i18n
from planner.plans.catalog_model import Catalog
from planner.plans.translations import spoken_catalogs

COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600
# The catalog in each language, per catalog and translations folder: tests make hundreds of
# apps from one loaded catalog, and reading the translations takes a tenth of a second.
_SPOKEN: dict[tuple, tuple[Catalog, dict]] = {}


def _spoken(catalog: Catalog, folder: Path) -> dict:
    files = sorted((folder / "translations").glob("*/*.yaml"))
    languages = i18n.languages()
    stamps = tuple((str(f), f.stat().st_mtime_ns) for f in files)
    key = (id(catalog), str(folder), languages, stamps)
    kept = _SPOKEN.get(key)
    if kept is None or kept[0] is not catalog:
        kept = (catalog, spoken_catalogs(folder, catalog, languages))
        _SPOKEN[key] = kept
    return kept[1]


def catalog_for(lang: str | None = None) -> Catalog:
    """The catalog in `lang` (the language being spoken): the English one, or its translation
    (planner/plans/translations.py)."""
    lang = lang or i18n.current()
    english = current_app.extensions["planner_catalog"]
    if lang == i18n.SOURCE:
        return english
    return current_app.extensions["planner_spoken"].get(lang, english)


class _Catalogues(Domain):
    """Flask-Babel's translations are planner/i18n.py's, in the language being spoken."""

    def get_translations(self) -> NullTranslations:
        return i18n.translations(i18n.current())


class _Babel(Babel):
    @cached_property
    def domain_instance(self) -> Domain:  # type: ignore[override]
        return _Catalogues()


def from_browser() -> str | None:
    """The language the browser asks for most that the planner speaks, or None."""
    for tag, _quality in request.accept_languages:
        lang = i18n.offered(tag)
        if lang:
            return lang
    return None


def switch() -> str | None:
    """The language `?lang=` asks for on this page, if the planner speaks it."""
    return i18n.offered(request.args.get(COOKIE))


def preferred() -> str:
    """The language this visitor would have on a page of their own (steps 1, 3-6 above)."""
    user = g.get("user")
    return (
        switch()
        or (user or {}).get("language")
        or i18n.offered(request.cookies.get(COOKIE))
        or from_browser()
        or i18n.SOURCE
    )


def speak(lang: str | None) -> str:
    """Speak `lang` for the rest of this request (unless `?lang=` asks otherwise), and return
    the language spoken."""
    chosen = i18n.set_current(switch() or lang)
    g.language = chosen
    refresh()  # Flask-Babel's locale, kept per request, follows
    return chosen


def _start() -> None:
    speak(preferred())


def _keep_switch(response):
    """A signed-out visitor's switch is kept for their next pages (a cookie, a year)."""
    lang = switch()
    if lang and g.get("user") is None and request.cookies.get(COOKIE) != lang:
        response.set_cookie(COOKIE, lang, max_age=COOKIE_AGE, samesite="Lax", httponly=True)
    if "Accept-Language" in request.headers:
        response.vary.add("Accept-Language")
    return response


def switch_url(lang: str) -> str:
    """This page's address speaking `lang` (its other query arguments kept)."""
    args = request.args.to_dict(flat=False)
    args[COOKIE] = [lang]
    return f"{request.script_root}{request.path}?{urlencode(args, doseq=True)}"


def language_menu() -> list[dict]:
    """The languages to switch to from this page: {lang, name, url, current}."""
    now = i18n.current()
    return [
        {"lang": lang, "name": i18n.name_of(lang), "url": switch_url(lang), "current": lang == now}
        for lang in i18n.languages()
    ]


def init_app(app: Flask) -> None:
    """Choose each request's language after the user is loaded; give templates the language
    spoken (`<html lang>`), the menu of languages and the formatting of dates and numbers."""
    # An invalid translation file raises TranslationError here: the app refuses to start, as
    # it does for an invalid catalog.
    app.extensions["planner_spoken"] = _spoken(
        app.extensions["planner_catalog"], Path(app.config["CHECKLISTS_DIR"])
    )
    _Babel(app, locale_selector=lambda: str(i18n.locale()))
    # Chosen as soon as the user is known, before the CSRF check, so that a refused form's
    # error page speaks the person's language too.
    first = app.before_request_funcs.setdefault(None, [])
    loaded = [f.__name__ for f in first].index("_load_user") + 1 if first else 0
    first.insert(loaded, _start)
    app.teardown_request(lambda _error: i18n.set_current(None))
    app.after_request(_keep_switch)
    from planner.web.js_words import js_words

    app.jinja_env.globals.update(
        js_words=js_words,
        current_language=i18n.current,
        language_menu=language_menu,
        language_name=i18n.name_of,
    )
    # `plain`: a text for an attribute (English runs say so in words, no markup).
    app.jinja_env.filters.update(number=i18n.number, plain=i18n.plain)
