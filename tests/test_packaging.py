"""`pip install .` works: the wheel carries the catalog and the templates, and finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    root = __import__("pathlib").Path(__file__).resolve().parents[1]
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(root)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("planner-*.whl"))


def test_wheel_carries_catalog_templates_and_htmx(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for domain in (
        "home-safety",
        "exercise",
        "dental",
        "hydration",
        "red-flags",
        "comfort",
        "sources",
    ):
        assert f"planner/_data/checklists/{domain}.yaml" in names
    assert "planner/_data/templates/base.html" in names
    assert "planner/static/htmx.min.js" in names
    # The languages (issue 24): each catalogue as its .po (compiled in memory when first used,
    # so there is no .mo to build), and the translations of the advice.
    assert "planner/translations/es/LC_MESSAGES/messages.po" in names
    assert "planner/_data/checklists/translations/es/red-flags.yaml" in names
    assert not [n for n in names if n.endswith(".mo")]


def test_installed_wheel_plans_and_serves_from_its_own_files(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    database = str(tmp_path / "db.sqlite")
    code = (
        "import planner, planner.plans.catalog as c;"
        f"assert planner.__file__.startswith({str(target)!r}), planner.__file__;"
        "print(c.default_folder());"
        f"app = planner.create_app({{'DATABASE': {database!r}, 'SECRET_KEY': 'x'}});"
        "page = app.test_client().get('/login', headers={'Accept-Language': 'es'}).text;"
        "assert '<html lang=\"es\">' in page and 'Iniciar sesión' in page, page[:300];"
        "print(app.template_folder)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    folder, templates = result.stdout.split()
    assert folder.endswith("planner/_data/checklists") and folder.startswith(str(target))
    assert templates.endswith("planner/_data/templates")
