"""Every package the shipped code imports is a declared dependency.

The test venv holds the dev extra too (click comes with mkdocs, for one), so an undeclared
import works here and fails only after ``pip install .`` on a fresh machine. This reads the
imports statically and checks each against ``[project].dependencies`` (or the ``worker``
extra, for the modules that say they need it).
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions, requires
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = [ROOT / "movierec", ROOT / "cli" / "movierec_cli", ROOT / "server" / "movierec_server"]
FIRST_PARTY = {"movierec", "movierec_cli", "movierec_server"}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _names(specs: list[str]) -> set[str]:
    unconditional = [spec for spec in specs if "extra ==" not in spec]
    return {_normalise(re.split(r"[\s<>=!~\[;(]", spec, maxsplit=1)[0]) for spec in unconditional}


def _declared() -> set[str]:
    """Declared distributions, and what they always install (pydantic brings pydantic-core)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    direct = _names(list(project["dependencies"]))
    installed = direct | _names(list(project["optional-dependencies"]["worker"]))
    for name in direct:
        installed |= _names(requires(name) or [])
    return installed


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_every_third_party_import_of_the_shipped_code_is_declared() -> None:
    declared = _declared()
    owners = packages_distributions()
    undeclared: dict[str, set[str]] = {}
    for package in SHIPPED:
        for path in package.rglob("*.py"):
            for root in _imported_roots(path) - FIRST_PARTY - set(sys.stdlib_module_names):
                distributions = {_normalise(d) for d in owners.get(root, [root])}
                if not distributions & declared:
                    undeclared.setdefault(root, set()).add(str(path.relative_to(ROOT)))
    assert not undeclared, f"imported but not in [project].dependencies: {undeclared}"


def test_the_check_sees_an_undeclared_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import click\nfrom typer._click import Context\nfrom . import x\n")
    assert _imported_roots(module) == {"click", "typer"}
    assert "click" not in _declared()
