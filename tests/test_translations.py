"""The advice in other languages (checklists/translations/, issue 24): the Spanish is complete
and fresh; a change of the English makes its translation stale, and from then on the English is
shown, whole and marked, never the old translation of changed safety advice; check-content names
stale and missing texts; translators' helpers; the clinician's review; the plan in Spanish from
the command line, in exports, in the calendar and in reminders."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from icalendar import Calendar

from planner import create_app, i18n
from planner.cli import cli
from planner.cli_translations import report_translations
from planner.plans.catalog import default_folder, load_catalog
from planner.plans.translations import (
    TranslationError,
    english_texts,
    read_translations,
    spoken_catalogs,
    text_hash,
)
from planner.reminders import scheduler, settings
from planner.store import own_account
from tests import factories as f
from tests.conftest import CSRF, login

RED_FLAG = "spinal-cord-compression"
OLD = "What to do now: call your cancer team's emergency number straight away, day or night."
NEW = "What to do now: call 999 straight away, day or night."
NOTE = "(en inglés: todavía sin traducir)"


def run(*args):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def shipped():
    catalog = load_catalog(default_folder())
    translations, problems = read_translations(default_folder(), catalog)
    return catalog, translations, problems


def test_the_spanish_advice_is_complete_and_fresh(shipped):
    catalog, translations, problems = shipped
    assert problems == []
    status = translations["es"].status(english_texts(catalog))
    assert (len(status.stale), len(status.missing), len(status.orphaned)) == (0, 0, 0)
    assert len(status.fresh) == len(english_texts(catalog)) > 600


def test_check_content_reports_each_language():
    result = run("check-content")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "es (Español): interface: 1" in result.stdout
    [interface] = [line for line in lines if line.startswith("es (Español): interface")]
    total = re.search(r"(\d+) of (\d+) messages", interface).groups()
    assert total[0] == total[1]  # every message translated
    [advice] = [line for line in lines if line.startswith("es (Español): advice")]
    assert "0 stale, 0 missing" in advice
    assert "not yet reviewed by a clinician" in advice  # no review on record yet


@pytest.fixture
def changed(tmp_path):
    """A copy of the checklists whose English urgent advice for spinal cord compression was
    reworded after its Spanish was made."""
    folder = tmp_path / "checklists"
    shutil.copytree(default_folder(), folder)
    path = folder / "red-flags.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(OLD, NEW, 1), encoding="utf-8")  # the first flag's
    assert load_catalog(folder).item(RED_FLAG).detail.startswith(NEW)
    return folder


def _spanish_detail(catalog) -> str:
    es = spoken_catalogs(default_folder(), catalog, ("en", "es"))["es"]
    return es.item(RED_FLAG).detail


def _old_words(catalog) -> str:
    """A sentence of the Spanish made from the old English that no other text has."""
    return _spanish_detail(catalog).split(". ")[1]


def test_a_changed_english_safety_text_makes_its_spanish_stale(changed, capsys):
    catalog = load_catalog(changed)
    translations, problems = read_translations(changed, catalog)
    assert problems == []  # stale is not a fault of the file: the English moved on
    status = translations["es"].status(english_texts(catalog))
    assert status.stale == [("items", RED_FLAG, "detail")]
    report_translations(catalog, changed)  # lists it, and does not fail
    said = capsys.readouterr().out
    new_hash = text_hash(catalog.item(RED_FLAG).detail)
    assert (
        "stale (the English changed; shown in English until the text is redone and its from: "
        f"is {new_hash}): items.{RED_FLAG}.detail"
    ) in said
    assert "1 stale, 0 missing" in said
    # check-content says the same (it may fail for the unsigned change of content).
    assert f"items.{RED_FLAG}.detail" in run("check-content", "--checklists", str(changed)).stdout


def test_a_stale_safety_text_is_shown_in_english_never_the_old_spanish(changed, catalog):
    old_spanish = _spanish_detail(catalog)
    assert not i18n.is_marked(old_spanish) and old_spanish.startswith("Qué hacer ahora")
    es = spoken_catalogs(changed, load_catalog(changed), ("en", "es"))["es"]
    item = es.item(RED_FLAG)
    assert item.detail == i18n.in_english(load_catalog(changed).item(RED_FLAG).detail)
    assert not i18n.is_marked(item.title) and not i18n.is_marked(item.why)  # still fresh


def _app(folder: Path, tmp_path: Path):
    return create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path / "stale.db"),
            "SECRET_KEY": "x",
            "CHECKLISTS_DIR": str(folder),
            "TODAY": f.DAY.isoformat(),
        },
        load_catalog(folder),
    )


@pytest.mark.engines("sqlite")
def test_the_pages_and_the_plan_show_the_changed_english_whole_and_marked(
    changed, tmp_path, catalog
):
    app = _app(changed, tmp_path)
    old_spanish = _old_words(catalog)
    page = app.test_client().get("/red-flags?lang=es").text
    english = NEW.replace("'", "&#39;")
    assert f'<span lang="en">{english}' in page
    assert f'</span> <small class="not-translated">{NOTE}</small>' in page
    assert old_spanish not in page
    # The rest of the page speaks Spanish: the red flag's title, its why, the other flags.
    assert "Signos de compresión de la médula espinal" in page
    # A Spanish member's shared plan (the read-only view lists the urgent signs in full).
    with app.app_context():
        from planner.web.db import get_db

        db = get_db()
        home = f.home(app, db, app.extensions["planner_catalog"], plan=False)
        f.with_plan(
            db,
            app.extensions["planner_catalog"],
            home["id"],
            home["patient"],
            {**f.PROFILE, "lesion_sites": ["spine-thoracic"]},
        )
        own_account.set_language(db, home["patient"], "es")
    client = app.test_client()
    login(client, home["patient"])
    response = client.post(
        f"/h/{home['id']}/share/links", data={"kind": "view", "expires": "7", **CSRF}
    )
    made = client.get(response.headers["Location"]).text
    link = re.search(r'id="new-link-url">([^<]+)</p>', made).group(1)
    view = app.test_client().get(link.removeprefix("http://localhost")).text
    assert '<html lang="es">' in view and f'<span lang="en">{english}' in view
    assert old_spanish not in view


def test_the_command_line_plan_in_spanish_shows_the_changed_english_marked(
    changed, catalog, spine_profile
):
    args = ["--today", "2026-11-22", "--lang", "es", "--format", "text"]
    said = run("plan", "--profile", str(spine_profile), "--checklists", str(changed), *args)
    text = " ".join(said.stdout.split())  # as read, whatever the terminal's line breaks
    assert text.startswith("Su plan para el domingo 22 de noviembre de 2026 ")
    assert f"{NEW}" in text and NOTE in text
    assert _old_words(catalog) not in text


def test_a_missing_translation_shows_the_english_marked(tmp_path, catalog):
    folder = tmp_path / "checklists"
    shutil.copytree(default_folder(), folder)
    path = folder / "translations" / "es" / "red-flags.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["items"][RED_FLAG]["why"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    translations, problems = read_translations(folder, catalog)
    assert problems == []
    assert translations["es"].status(english_texts(catalog)).missing == [("items", RED_FLAG, "why")]
    es = spoken_catalogs(folder, catalog, ("en", "es"))["es"]
    assert es.item(RED_FLAG).why == i18n.in_english(catalog.item(RED_FLAG).why)
    said = run("check-content", "--checklists", str(folder)).stdout
    assert f"missing (shown in English): items.{RED_FLAG}.why" in said


def _edit_spanish(folder: Path, change) -> None:
    path = folder / "translations" / "es" / "red-flags.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_a_translation_that_breaks_its_placeholders_is_refused(tmp_path, catalog):
    folder = tmp_path / "checklists"
    shutil.copytree(default_folder(), folder)
    path = folder / "translations" / "es" / "facts.yaml"
    text = path.read_text(encoding="utf-8")
    assert "Su primera dosis de {agent} es el {start}." in text
    path.write_text(text.replace("el {start}.", "el {comienzo}.", 1), encoding="utf-8")
    with pytest.raises(TranslationError) as refused:
        spoken_catalogs(folder, catalog, ("en", "es"))
    [problem] = refused.value.problems
    assert problem.startswith("translations/es/facts.yaml: facts.agent_status.planned:")
    assert "{agent, comienzo} where the English uses {agent, start}" in problem
    result = run("check-content", "--checklists", str(folder))
    assert result.exit_code == 1 and "facts.agent_status.planned" in result.stderr
    with pytest.raises(TranslationError):  # the app refuses to start, as for a bad catalog
        create_app(
            {"DATABASE": str(tmp_path / "x.db"), "SECRET_KEY": "x", "CHECKLISTS_DIR": str(folder)},
            catalog,
        )


def test_a_translation_file_that_is_not_a_mapping_is_named(tmp_path, catalog):
    folder = tmp_path / "checklists"
    shutil.copytree(default_folder(), folder)
    (folder / "translations" / "es" / "notes.yaml").write_text("- a list\n", encoding="utf-8")
    result = run("check-content", "--checklists", str(folder))
    assert result.exit_code == 1
    assert (
        "translations/es/notes.yaml: must be a mapping of sections (items:, warnings:, ...), "
        "each text a mapping of from and text"
    ) in result.stderr


def test_a_date_that_is_no_date_in_a_translation_file_is_named(tmp_path, spine_profile):
    folder = tmp_path / "checklists"
    shutil.copytree(default_folder(), folder)
    review = folder / "translations" / "es" / "review.yaml"
    review.write_text("reviewed_by: Dr Lucía Prieto\nreviewed_on: 2026-13-45\n", encoding="utf-8")
    problem = "translations/es/review.yaml: cannot be read as YAML (month must be in 1..12)"
    checked = run("check-content", "--checklists", str(folder))
    assert checked.exit_code == 1 and problem in checked.stderr
    plan = run(
        *("plan", "--profile", str(spine_profile), "--today", "2026-11-22", "--lang", "es"),
        *("--checklists", str(folder)),
    )
    assert plan.exit_code == 1 and problem in plan.stderr


def test_a_text_the_advice_no_longer_has_is_listed_not_refused(tmp_path, catalog):
    folder = tmp_path / "checklists"
    shutil.copytree(default_folder(), folder)

    def add(data):
        data["items"]["gone-item"] = {"title": {"from": "0" * 12, "text": "Ya no está"}}

    _edit_spanish(folder, add)
    said = run("check-content", "--checklists", str(folder))
    assert said.exit_code == 0
    assert "no longer in the advice (delete it): items.gone-item.title" in said.stdout


def test_stamp_records_the_english_of_new_texts_and_leaves_stale_ones(changed):
    catalog = load_catalog(changed)

    def redo(data):
        data["items"]["spinal-pain-within-24-hours"]["title"].pop("from")

    _edit_spanish(changed, redo)
    result = run("check-content", "--checklists", str(changed), "--stamp", "es")
    assert "stamped 1 texts of es" in result.stdout
    translations, _ = read_translations(changed, catalog)
    entries = translations["es"].entries
    title = entries[("items", "spinal-pain-within-24-hours", "title")]
    assert title.source == text_hash(catalog.item("spinal-pain-within-24-hours").title)
    # The stale text keeps the hash of the English it was made from: still stale.
    assert translations["es"].status(english_texts(catalog)).stale == [
        ("items", RED_FLAG, "detail")
    ]


def test_stamp_and_start_refuse_a_bad_language_or_file_and_write_nothing(changed):
    outside = changed.parent / "elsewhere"
    bad = run("check-content", "--checklists", str(changed), "--start", "../../elsewhere")
    assert bad.exit_code == 2 and not outside.exists()
    assert "--start: '../../elsewhere' is not a language code like es or pt_BR" in bad.stderr
    unknown = run("check-content", "--checklists", str(changed), "--stamp", "fr")
    assert unknown.exit_code == 2 and not (changed / "translations" / "fr").exists()
    assert "--stamp: translations/fr does not exist (--start fr writes it)" in unknown.stderr

    def redo(data):  # a text to stamp
        data["items"]["spinal-pain-within-24-hours"]["title"].pop("from")

    _edit_spanish(changed, redo)
    spanish = changed / "translations" / "es"
    before = {p.name: p.read_bytes() for p in spanish.glob("*.yaml")}
    (spanish / "dental.yaml").write_text("items: [\n  broken\n", encoding="utf-8")
    broken = run("check-content", "--checklists", str(changed), "--stamp", "es")
    assert broken.exit_code == 1 and "Traceback" not in broken.output
    assert "translations/es/dental.yaml: cannot be read as YAML" in broken.stderr
    assert "nothing stamped" in broken.stderr
    (spanish / "dental.yaml").write_bytes(before["dental.yaml"])
    (spanish / "facts.yaml").write_text("items:\n  ? [a, b]\n  : {text: x}\n", encoding="utf-8")
    complex_key = run("check-content", "--checklists", str(changed), "--stamp", "es")
    assert complex_key.exit_code == 1 and isinstance(complex_key.exception, SystemExit)
    assert "translations/es/facts.yaml: cannot be read as YAML" in complex_key.stderr
    kept = {"facts.yaml"}
    after = {p.name: p.read_bytes() for p in spanish.glob("*.yaml") if p.name not in kept}
    assert after == {n: b for n, b in before.items() if n not in kept}


def test_start_writes_a_new_language_to_translate(tmp_path, catalog):
    folder = tmp_path / "checklists"
    shutil.copytree(default_folder(), folder)
    result = run("check-content", "--checklists", str(folder), "--start", "fr")
    assert "wrote " in result.stdout
    red = (folder / "translations" / "fr" / "red-flags.yaml").read_text(encoding="utf-8")
    assert f"items:\n  {RED_FLAG}:\n    title:\n      # Signs of spinal cord compression" in red
    assert "      text: null" in red
    translations, problems = read_translations(folder, catalog)
    assert problems == []
    status = translations["fr"].status(english_texts(catalog))
    assert status.fresh == [] and len(status.missing) == len(english_texts(catalog))
    assert "fr (Français): advice translated, but no interface catalogue: not offered" in (
        run("check-content", "--checklists", str(folder)).stdout
    )


def test_a_clinician_s_review_is_recorded_and_lapses_when_a_text_changes(tmp_path, catalog):
    folder = tmp_path / "checklists"
    shutil.copytree(default_folder(), folder)
    translations, _ = read_translations(folder, catalog)
    review = folder / "translations" / "es" / "review.yaml"
    review.write_text(
        "reviewed_by: Dr Lucía Prieto\nreviewed_on: 2026-12-01\n"
        f"reviewed_texts: {translations['es'].texts_hash}\n",
        encoding="utf-8",
    )
    said = run("check-content", "--checklists", str(folder)).stdout
    assert "reviewed by Dr Lucía Prieto on 2026-12-01" in said
    app = _app(folder, tmp_path)
    assert 'class="translation-note"' not in app.test_client().get("/red-flags?lang=es").text

    def reword(data):
        data["items"][RED_FLAG]["why"]["text"] += " Llame ya."

    _edit_spanish(folder, reword)
    said = run("check-content", "--checklists", str(folder)).stdout
    assert "not yet reviewed by a clinician: changed since Dr Lucía Prieto reviewed it" in said
    app = _app(folder, tmp_path)
    page = app.test_client().get("/red-flags?lang=es").text
    assert 'class="translation-note"' in page


def test_the_shipped_spanish_says_it_is_not_yet_reviewed(client):
    page = client.get("/red-flags?lang=es").text
    note = i18n.translate(
        "es",
        "The advice in this language is a translation not yet reviewed by a clinician. Where a "
        "text is not translated yet, it is shown in English.",
    )
    assert f'<p class="translation-note">{note}</p>' in page
    assert 'class="translation-note"' not in client.get("/red-flags?lang=en").text


# --- The plan in Spanish out of the web pages ---------------------------------------------


def test_planner_plan_lang_es(spine_profile, catalog):
    args = ["plan", "--profile", str(spine_profile), "--today", "2026-11-22"]
    english = json.loads(run(*args).stdout)
    spanish = json.loads(run(*args, "--lang", "es").stdout)
    assert spanish["language"] == "es" and "language" not in english
    # The same plan: the same items in the same order, only the words differ.
    assert [i["id"] for i in spanish["items"]] == [i["id"] for i in english["items"]]
    es = spoken_catalogs(default_folder(), catalog, ("en", "es"))["es"]
    first = spanish["items"][0]
    assert first["title"] == es.item(first["id"]).title != english["items"][0]["title"]
    text = run(*args, "--lang", "es", "--format", "text").stdout
    assert "domingo 22 de noviembre" in text or "22 de noviembre" in text
    assert es.item(first["id"]).title in text
    bad = run(*args, "--lang", "xx")
    assert bad.exit_code == 2 and "--lang: 'xx' is not one of en, es" in bad.stderr


@pytest.fixture
def h(app, db, catalog):
    home = f.home(app, db, catalog)
    own_account.set_language(db, home["patient"], "es")
    return home


def test_exports_carry_the_reader_s_language(app, client, db, h, catalog):
    es = app.extensions["planner_spoken"]["es"]
    login(client, h["patient"])
    bundle = json.loads(client.get(f"/h/{h['id']}/export/fhir").text)
    assert bundle["language"] == "es"
    assert {e["resource"]["language"] for e in bundle["entry"]} == {"es"}
    login(client, h["caregiver"])
    english = json.loads(client.get(f"/h/{h['id']}/export/fhir").text)
    assert english["language"] == "en"

    def tasks(b):
        return {
            e["resource"]["id"]: e["resource"]["description"]
            for e in b["entry"]
            if e["resource"]["resourceType"] == "Task"
        }

    # The same resources, only the words differ.
    spanish, english_tasks = tasks(bundle), tasks(english)
    assert spanish.keys() == english_tasks.keys() and spanish
    assert not set(spanish.values()) & set(english_tasks.values())
    assert es.item("dental-checkup-now-on-treatment").title in spanish.values()
    # The CSV: its headers stay English (programs read them), its titles in the reader's words.
    login(client, h["patient"])
    tick = {"state": "done", "occurrence": f.DAY.isoformat(), **CSRF}
    assert client.post(f"/h/{h['id']}/tasks/{_daily(db, h)}/state", data=tick).status_code == 303
    text = client.get(f"/h/{h['id']}/export/csv").text
    assert text.startswith("day,task,state,who,for_whom,when\r\n")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["task"] == es.item(_daily(db, h)).title and row["state"] == "done"


def _daily(db, h) -> str:
    from planner.store import plans

    plan = plans.current_plan(db, h["id"])["plan"]
    return next(i["id"] for i in plan["items"] if i["schedule"]["kind"] == "daily")


def test_the_calendar_feed_speaks_its_owner_s_language(app, client, h):
    login(client, h["patient"])
    client.post(f"/h/{h['id']}/calendar", data={"full_titles": "1", "daily_summary": "1", **CSRF})
    page = client.get(f"/h/{h['id']}/calendar").text
    url = re.search(r'id="new-feed-url">([^<]+)<', page).group(1)
    feed = Calendar.from_ical(app.test_client().get(url.removeprefix("http://localhost")).data)
    assert str(feed["X-WR-CALNAME"]) == "Planificador: Anna's home"
    summaries = [str(e["SUMMARY"]) for e in feed.walk("VEVENT")]
    es = app.extensions["planner_spoken"]["es"]
    assert es.item("dental-checkup-now-on-treatment").title in summaries
    assert [s for s in summaries if re.fullmatch(r"Planificador: \d+ cosas hoy", s)]


def test_the_morning_digest_speaks_its_reader_s_language(app, db, h, smtp_sink):
    app.config.update(SMTP_URL=smtp_sink.url, MAIL_FROM="planner@clinic.example", PUSH=0)
    settings.save(
        db, h["id"], h["patient"], {"email": 1, "digest": 1, "digest_time": "08:00"}, at=f.NOW
    )
    tuesday = f.DAY + dt.timedelta(days=1)
    scheduler.run(app, dt.datetime.combine(tuesday, dt.time(8, 0), tzinfo=dt.UTC))
    [message] = smtp_sink.messages
    assert re.fullmatch(r"Su plan para el martes: \d+ cosas", message["Subject"])
    text = message.get_body(("plain",)).get_content()
    assert text.splitlines()[0] == "Esto es lo que su plan tiene para el martes 24 de noviembre."
