"""Layers point down (STYLE): core and the event layer know no domain app; the apps register."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "govbrief"
DOMAIN_APPS = ("reports", "orgs", "notifications", "bulletins", "instructions", "emergencies", "commissions",
               "library", "scoring")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


@pytest.mark.parametrize("layer", ["core", "events", "audit"])
def test_shared_layers_import_no_domain_app(layer):
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(m for m in _imports(path)
                                               if any(m.startswith(f"govbrief.{app}") for app in DOMAIN_APPS))
        for path in (PACKAGE / layer).rglob("*.py") if "migrations" not in path.parts
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_reports_never_imports_the_apps_that_react_to_its_events():
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(m for m in _imports(path) if m.startswith("govbrief.notifications"))
        for path in (PACKAGE / "reports").rglob("*.py") if "migrations" not in path.parts
    }
    assert {k: v for k, v in offenders.items() if v} == {}
