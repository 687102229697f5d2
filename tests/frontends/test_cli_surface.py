"""What a terminal user reads: per-movie reports, JSON errors under ``--json``, help text."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from movierec import MovieRec, NotFound, Settings
from movierec.db.models import Dismissal
from movierec_cli.app import app, command_tree
from tests.helpers.cli_env import seeded_terminal
from tests.helpers.factories import PASSWORD, cli, cli_signed_in

MISSING = "99999999"
runner = CliRunner()


@pytest.fixture
def terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings, mr: MovieRec
) -> Path:
    """The CLI's environment on this test's backend, catalog seeded, one user logged in."""
    seeded_terminal(monkeypatch, tmp_path, settings)
    cli_signed_in("ada")
    return tmp_path


def test_adding_several_favorites_reports_each_one(terminal: Path) -> None:
    result = cli("fav", "add", "603", MISSING)
    assert result.exit_code == 3
    assert "added The Matrix (1999) [603]" in result.stdout
    assert MISSING in result.stderr
    listed = json.loads(cli("fav", "list", "--json").stdout)
    assert [item["movie_id"] for item in listed["items"]] == [603]


def test_adding_several_favorites_as_json_gives_one_entry_per_movie(terminal: Path) -> None:
    result = cli("fav", "add", "603", MISSING, "--json")
    assert result.exit_code == 3
    first, second = json.loads(result.stdout)
    assert first["movie"] == "603"
    assert first["favorite"]["movie_id"] == 603
    assert first["created"] is True
    assert second["movie"] == MISSING
    assert second["error"]["code"] == "not_found"


def test_an_error_under_json_is_the_http_error_body_on_stderr(terminal: Path) -> None:
    result = cli("movie", MISSING, "--json")
    assert result.exit_code == 3, (result.stdout, result.stderr)
    assert result.stdout == ""
    body = json.loads(result.stderr)
    assert body["error"]["code"] == "not_found"
    assert set(body["error"]) == {"code", "message", "details"}


def test_an_error_without_json_stays_one_readable_line(terminal: Path) -> None:
    result = cli("movie", MISSING)
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")


def test_dismissing_a_movie_that_does_not_exist_is_not_found(terminal: Path) -> None:
    result = cli("recommend", "dismiss", MISSING, "--json")
    assert result.exit_code == NotFound.exit_code
    assert json.loads(result.stderr)["error"]["code"] == "not_found"

    async def count() -> int:
        async with MovieRec(Settings.load()):
            return await Dismissal.filter(movie_id=int(MISSING)).count()

    assert asyncio.run(count()) == 0


def test_db_status_names_pending_migrations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOVIEREC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MOVIEREC_CONFIG_DIR", str(tmp_path / "config"))
    result = cli("db", "status", "--json")
    assert result.exit_code == 0, result.output
    pending = json.loads(result.stdout)["pending"]
    assert pending[0] == "0001_initial"
    assert all(isinstance(name, str) and "<" not in name for name in pending)
    text = cli("db", "status")
    assert "PlanStep" not in text.stdout
    assert "0001_initial" in text.stdout


def test_eval_on_a_missing_folder_is_a_usage_error_like_catalog_import(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere")
    evaluated = cli("eval", missing)
    imported = cli("catalog", "import", "movielens", missing)
    assert evaluated.exit_code == imported.exit_code == 2


def test_help_keeps_square_brackets_and_renders_literals(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    worker = cli("worker", "--help")
    assert "movierec[worker]" in worker.stdout
    role = cli("admin", "role", "--help")
    assert "``" not in role.stdout


def test_register_with_exist_ok_accepts_the_same_account_again(terminal: Path) -> None:
    again = cli(
        "register",
        "ada",
        "--email",
        "ada@example.org",
        "--password-stdin",
        "--exist-ok",
        input=PASSWORD,
    )
    assert again.exit_code == 0, again.output
    assert "already registered" in again.stdout
    plain = cli("register", "ada", "--email", "ada@example.org", "--password-stdin", input=PASSWORD)
    assert plain.exit_code == 4
    other = cli(
        "register",
        "ada",
        "--email",
        "ada@example.org",
        "--password-stdin",
        "--exist-ok",
        input="another passphrase entirely",
    )
    assert other.exit_code == 4
    assert "already taken" in other.stderr


def test_an_empty_search_names_the_query_not_an_internal_field(terminal: Path) -> None:
    result = cli("search", "   ")
    assert result.exit_code == 2
    assert "the search query must not be empty" in result.stderr
    assert "q:" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["trending"],
        ["search"],
        ["movie"],
        ["register"],
        ["login"],
        ["recommend"],
        ["recommend", "dismiss"],
        ["fav", "add"],
        ["fav", "list"],
        ["fav", "import"],
        ["fav", "export"],
        ["eval"],
        ["serve"],
    ],
)
def test_the_main_commands_show_an_example(command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.exit_code == 0, result.output
    example = result.stdout.split("Example:", 1)[1].splitlines()[0]
    assert "movierec " + " ".join(command) in example


def _all_command_paths() -> list[list[str]]:
    def walk(command: Any, path: list[str]) -> list[list[str]]:
        found = [path]
        for name, child in getattr(command, "commands", {}).items():
            found.extend(walk(child, [*path, name]))
        return found

    return walk(command_tree(), [])


def test_help_shows_no_type_on_flags_and_no_braces_in_usage() -> None:
    paths = _all_command_paths()
    assert len(paths) > 40
    for path in paths:
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, (path, result.output)
        assert "<bool>" not in result.output, path
        usage = next(line for line in result.output.splitlines() if "Usage:" in line)
        assert "{" not in usage, (path, usage)
    search = runner.invoke(app, ["search", "--help"], env={"COLUMNS": "200"}).output
    assert "Usage: movierec search [OPTIONS] QUERY" in search
    assert "<int>" in search  # options that take a value keep their type


def test_a_missing_argument_is_named_as_in_the_usage_line() -> None:
    result = runner.invoke(app, ["fav", "add"])
    assert result.exit_code == 2
    assert "MOVIES..." in result.output
    assert "Missing argument 'MOVIES'" in result.output
