"""The layout shows the layers, and imports only go downward: the pure planning part
(planner/plans/) imports neither the store nor the web; the store (planner/store/) never imports
the web; the planning pipeline sits between them; the CLI is on top. Checked on every import
statement of every module, function-level ones included."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "planner"
# What each part may import from the planner (its own part is always allowed).
# planner.i18n (the languages and their words) sits at the bottom with the clock: it imports
# nothing of the planner, and everything that says words may use it.
ALLOWED = {
    "planner.i18n": set(),
    "planner.clock": {"planner.i18n"},
    "planner.permissions": {"planner.i18n"},
    "planner.plans": {"planner.clock", "planner.i18n"},
    "planner.exports": {"planner.clock", "planner.plans", "planner.i18n"},
    "planner.store": {"planner.clock", "planner.plans", "planner.permissions", "planner.i18n"},
    "planner.mail": {"planner.clock", "planner.i18n"},
    "planner.planning": {"planner.clock", "planner.plans", "planner.store", "planner.i18n"},
}
NO_FLASK = (
    "planner.i18n",
    "planner.clock",
    "planner.permissions",
    "planner.plans",
    "planner.exports",
    "planner.store",
    "planner.planning",
    "planner.mail",
)


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names if node.module == "planner"}
    return found


def _part(name: str) -> str | None:
    return next((p for p in ALLOWED if name == p or name.startswith(p + ".")), None)


@pytest.mark.parametrize(("name", "path"), list(_modules()), ids=lambda v: str(v))
def test_imports_only_go_downward(name, path):
    part = _part(name)
    imports = _imports(path)
    if part is not None:
        allowed = ALLOWED[part] | {part}
        inner = {i for i in imports if i.startswith("planner.") and i != "planner"}
        wrong = {i for i in inner if not any(i == a or i.startswith(a + ".") for a in allowed)}
        assert not wrong, f"{name} imports {sorted(wrong)}"
    if name.startswith(NO_FLASK):
        assert not {i for i in imports if i.split(".")[0] in ("flask", "flask_htmx")}
    assert not name.startswith("planner.store") or "planner.web" not in str(imports)
    if name not in ("planner.cli", "planner.__main__"):
        assert "planner.cli" not in imports, f"{name} imports the CLI"


def test_the_folders_say_what_they_hold():
    for folder in ("plans", "store", "web"):
        assert (PACKAGE / folder / "__init__.py").exists()
    flat = [p.name for p in PACKAGE.glob("*.py")]
    assert "engine.py" not in flat and "sqlite.py" not in flat and "security.py" not in flat
