"""The clinical reviewer signs a content version in the app (issue 25): only a reviewer sees
the page and signs; they see every safety outcome changed since the last signature; the
signature is kept, written where SIGNATURE_FILE says and offered to download; a refused or
forged POST stores nothing."""

from __future__ import annotations

import shutil

import pytest
import yaml
from click.testing import CliRunner

from planner import create_app
from planner.cli import cli
from planner.plans import signatures
from planner.plans.catalog import default_folder, load_catalog
from planner.store import reviewers
from planner.store.sql import close_thread_dbs
from planner.web.db import get_db
from tests import factories as f
from tests.conftest import CSRF, login
from tests.dbstate import dump


@pytest.fixture
def reviewer(app, db):
    user = f.user(db, "Meera")
    reviewers.grant(db, user["id"], at=f.NOW)
    return user


def _sign(client, catalog, **extra):
    data = {**CSRF, "content_hash": catalog.content_hash, "reviewed": "yes", **extra}
    return client.post("/review/sign", data=data)


def test_anonymous_goes_to_sign_in_and_others_are_refused(app, client, db):
    assert client.get("/review").headers["Location"].startswith("/login?next=")
    h = f.home(app, db, app.extensions["planner_catalog"])
    before = dump(app.config["DATABASE"])
    for who in ("patient", "physio", "outsider"):
        login(client, h[who])
        page = client.get("/review")
        assert page.status_code == 403 and "planner reviewer add EMAIL" in page.text
        assert _sign(client, app.extensions["planner_catalog"]).status_code == 403
        assert client.get("/review/signature.yaml").status_code == 403
    assert dump(app.config["DATABASE"]) == before
    assert "Review the planner's advice" not in client.get("/").text


def test_a_reviewer_sees_every_outcome_before_the_first_signature(client, catalog, reviewer):
    login(client, reviewer["id"])
    assert "Review the planner's advice" in client.get("/").text  # linked from the start page
    page = client.get("/review").text
    cells = len(signatures.outcome_changes(None, catalog))
    assert f"Safety outcomes that changed ({cells})" in page
    assert "No release has been signed yet" in page
    assert "Open clinical questions (1)" in page and "walking aid" in page


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"reviewed": ""}, "Tick the box to confirm you reviewed every change above."),
        ({"content_hash": "0" * 64}, "The advice changed since you opened this page."),
    ],
)
def test_signing_needs_the_box_and_the_version_seen(app, client, catalog, reviewer, extra, message):
    login(client, reviewer["id"])
    before = dump(app.config["DATABASE"])
    response = _sign(client, catalog, **extra)
    assert response.status_code == 422 and message in response.text
    assert dump(app.config["DATABASE"]) == before


def test_a_forged_post_without_the_csrf_token_is_refused(app, client, catalog, reviewer):
    login(client, reviewer["id"])
    before = dump(app.config["DATABASE"])
    response = client.post(
        "/review/sign", data={"content_hash": catalog.content_hash, "reviewed": "yes"}
    )
    assert response.status_code == 400
    assert dump(app.config["DATABASE"]) == before


def test_a_signature_is_kept_shown_and_downloaded(app, client, db, catalog, reviewer):
    login(client, reviewer["id"])
    response = _sign(client, catalog)
    assert response.status_code == 303
    page = client.get("/review").text
    assert "Signed: release 1.1 of the advice. Download signature.yaml below" in page
    assert "It is signed by Meera on 23 November 2026." in page
    stored = reviewers.latest_signature(db)
    assert stored.signed_by == "Meera" and stored.content_hash == catalog.content_hash
    download = client.get("/review/signature.yaml")
    assert download.headers["Content-Disposition"] == 'attachment; filename="signature.yaml"'
    assert signatures.from_data(yaml.safe_load(download.text)) == stored
    # The public pages now say who reviewed each item and when.
    item = client.get("/how-plans-are-made/dental").text
    assert "Last reviewed on 23 November 2026 by Meera (release 1.1)." in item


def test_a_replayed_signature_is_refused_and_stores_nothing(app, client, db, catalog, reviewer):
    login(client, reviewer["id"])
    assert _sign(client, catalog).status_code == 303
    before = dump(app.config["DATABASE"])
    again = _sign(client, catalog)
    assert again.status_code == 409
    assert "Release 1.1 is already signed by Meera on 23 November 2026" in again.text
    assert dump(app.config["DATABASE"]) == before
    assert len(reviewers.signatures(db)) == 1


def test_a_signature_file_that_cannot_be_written_is_said_not_a_500(tmp_path, database):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": database,
            "SECRET_KEY": "x",
            "TODAY": f.DAY.isoformat(),
            "SIGNATURE_FILE": str(tmp_path / "no-such-folder" / "signature.yaml"),
        }
    )
    with app.app_context():
        user = f.user(get_db(), "Meera")
        reviewers.grant(get_db(), user["id"], at=f.NOW)
    try:
        client = app.test_client()
        login(client, user["id"])
        response = _sign(client, app.extensions["planner_catalog"])
        assert response.status_code == 303
        page = client.get("/review").text
        assert "Signed: release 1.1 of the advice." in page
        assert "could not be written to" in page and "no-such-folder" in page
        assert "Download signature.yaml below" in page
    finally:
        close_thread_dbs()


def test_a_reviewer_is_no_member_of_any_household(app, db, catalog, reviewer):
    """The role is outside households: on every page or form of a household (each route of the
    authorization matrix that members use) a reviewer is an outsider, 404, and stores nothing."""
    from tests.test_authz_matrix import PUBLIC, ROUTES, SIGNED_IN, _request

    w = f.home(app, db, catalog)
    client = app.test_client()
    login(client, reviewer["id"])
    household_routes = [k for k, r in ROUTES.items() if r.access not in (PUBLIC, SIGNED_IN)]
    assert len(household_routes) > 50
    for key in household_routes:
        route = ROUTES[key]
        values, form = route.values(w, db), route.form(w, db)  # may add rows: made before
        before = dump(app.config["DATABASE"])
        response = _request(app, client, key, values, form)
        response.close()
        assert response.status_code == 404, f"{key[1]} {key[0]} as a reviewer"
        assert dump(app.config["DATABASE"]) == before, f"{key[1]} {key[0]} as a reviewer"
    # Their own start page lists no household and links to the review.
    start = client.get("/").text
    assert "Anna&#39;s home" not in start and "Review the planner's advice" in start


@pytest.mark.parametrize("key, kind", [("item:gone", "Elemento"), ("rule:gone", "Regla")])
def test_a_part_taken_out_is_named_in_the_reviewer_s_language(app, key, kind):
    """A removed part is no longer in the catalog: its kind is still said in Spanish."""
    from planner.i18n import speaking
    from planner.web.views.review import _label

    with app.app_context(), speaking("es"):
        said, title, domain = _label(key)
    assert said.startswith(kind) and title == "gone" and domain is None


@pytest.fixture
def changed(tmp_path, database):
    """A copy of checklists/ in which a neck lesion also rules out weights in the hands, the
    app on it with SIGNATURE_FILE in the copy, and a reviewer."""
    folder = tmp_path / "checklists"
    shutil.copytree(default_folder(), folder)
    path = folder / "exercise.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rule = next(r for r in data["avoid_rules"] if r["id"] == "spine-cervical")
    rule["avoid"] += ["arm-carry-left", "arm-carry-right"]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    changes = folder / "CHANGES.md"
    changes.write_text(
        changes.read_text().replace("## 1.1", "## 1.2\n\n- Neck: no weights.\n\n## 1.1", 1)
    )
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": database,
            "SECRET_KEY": "x",
            "TODAY": f.DAY.isoformat(),
            "CHECKLISTS_DIR": str(folder),
            "SIGNATURE_FILE": str(folder / "signature.yaml"),
        }
    )
    with app.app_context():
        user = f.user(get_db(), "Meera")
        reviewers.grant(get_db(), user["id"], at=f.NOW)
    yield app, folder, user
    close_thread_dbs()


def test_the_reviewer_sees_the_changed_outcome_and_signing_writes_the_file(changed):
    app, folder, user = changed
    # Signed before the change (as committed with the content).
    before = signatures.sign(load_catalog(default_folder()), "Dr Old", f.NOW)
    (folder / "signature.yaml").write_text(signatures.to_yaml(before), encoding="utf-8")
    failing = CliRunner().invoke(cli, ["check-content", "--checklists", str(folder)])
    assert failing.exit_code == 1 and "Lesion: spine-cervical: on the plan -> left out" in (
        failing.stderr
    )
    client = app.test_client()
    login(client, user["id"])
    page = client.get("/review").text
    assert "Safety outcomes that changed (1)" in page
    assert (
        '<tr><th scope="row">Bend your elbows with a light weight while sitting (biceps '
        "curls)</th><td>Lesion: spine-cervical</td><td>on the plan</td>"
    ) in page
    assert "No weights in the left hand" in page  # why, now
    assert "Movement rule: " in page  # the rule's wording changed too
    catalog = app.extensions["planner_catalog"]
    assert _sign(client, catalog).status_code == 303
    written = signatures.read(folder)
    assert written.signed_by == "Meera" and written.release == "1.2"
    passing = CliRunner().invoke(cli, ["check-content", "--checklists", str(folder)])
    assert passing.exit_code == 0 and "signed: release 1.2 signed by Meera" in passing.stdout
