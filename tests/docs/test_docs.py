"""The documentation cannot drift: generated references are current and complete."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cogapp import Cog
from typer.testing import CliRunner

from movierec import Settings
from movierec_cli.app import app

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import docgen  # noqa: E402

PYTHONPATH = os.pathsep.join([str(ROOT), str(ROOT / "cli"), str(ROOT / "server")])


def test_every_setting_has_a_description() -> None:
    missing = [
        name
        for name, field in Settings.model_fields.items()
        if not docgen.describe_setting(name, field)
    ]
    assert missing == [], "describe these settings in tools/docgen.py SETTING_HELP"


def test_every_command_has_help() -> None:
    commands = docgen.cli_commands()
    assert len(commands) > 5
    missing = [" ".join(path) for path, command in commands if not (command.help or "").strip()]
    assert missing == []


def test_every_command_option_has_help() -> None:
    missing = [
        f"{' '.join(path)} {param.name}"
        for path, command in docgen.cli_commands()
        for param in command.params
        if getattr(param, "param_type_name", "") == "option" and not param.help
    ]
    assert missing == []


def test_the_generated_reference_pages_are_current() -> None:
    pages = [str(ROOT / page) for page in docgen.COGGED]
    status = Cog().main(["cog", "--check", "-I", str(ROOT / "tools"), *pages])
    assert status == 0, "run: python tools/docgen.py"


def test_the_checked_in_openapi_document_matches_the_code(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PYTHONPATH", PYTHONPATH)
    out = tmp_path / "openapi.json"
    result = CliRunner().invoke(app, ["openapi", "--output", str(out)])
    assert result.exit_code == 0, result.output
    exported = json.loads(out.read_text())
    assert exported["openapi"].startswith("3.")
    assert "/health" in exported["paths"]
    checked_in = json.loads((ROOT / "docs" / "openapi.json").read_text())
    assert exported == checked_in, "run: movierec openapi > docs/openapi.json"


def test_the_library_example_runs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOVIEREC_", "TMDB_"))}
    env["PYTHONPATH"] = PYTHONPATH
    env["MOVIEREC_CONFIG_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "examples" / "embed.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "health: ok sqlite" in result.stdout
    assert "prune removed:" in result.stdout


def test_every_page_in_the_docs_folder_is_in_the_nav() -> None:
    import yaml

    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    listed: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, str):
            listed.add(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    walk(config["nav"])
    pages = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md")}
    assert pages - listed == set()
    assert listed - pages == set()
