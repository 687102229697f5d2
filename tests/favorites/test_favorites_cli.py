"""``movierec fav`` from the terminal, as a logged-in user, on both backends."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from movierec import MovieRec, Settings
from movierec_cli.commands import favorites as fav_command
from tests.helpers.cli_env import seeded_terminal
from tests.helpers.factories import cli, cli_signed_in


@pytest.fixture
def terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings, mr: MovieRec
) -> Path:
    """The CLI's environment on this test's backend, catalog seeded (``mr`` cleans up)."""
    seeded_terminal(monkeypatch, tmp_path, settings)
    return tmp_path


def listed(*options: str) -> dict[str, object]:
    result = cli("fav", "list", "--json", *options)
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def ids(page: dict[str, object]) -> list[int]:
    return [item["movie_id"] for item in page["items"]]  # type: ignore[attr-defined]


def test_adding_by_id_and_title_listing_and_removing(terminal: Path) -> None:
    cli_signed_in("alice")
    added = cli("fav", "add", "603", "fight club")
    assert added.exit_code == 0, added.output
    assert "added The Matrix (1999) [603]" in added.output
    assert "added Fight Club (1999) [550]" in added.output
    again = cli("fav", "add", "603")
    assert "already a favorite: The Matrix" in again.output
    assert ids(listed()) == [550, 603]
    assert ids(listed("--genre", "18")) == [550]
    table = cli("fav", "list")
    assert "The Matrix" in table.output
    assert "2 favorites" in table.output
    removed = cli("fav", "rm", "603")
    assert removed.exit_code == 0
    missing = cli("fav", "rm", "603")
    assert missing.exit_code == 3
    assert "not among your favorites" in missing.output
    assert ids(listed()) == [550]


def test_an_ambiguous_title_fails_listing_the_candidates(terminal: Path) -> None:
    cli_signed_in("alice")
    result = cli("fav", "add", "Crash")
    assert result.exit_code == 2
    assert "1640 Crash (2004)" in result.output
    assert "20382 Crash (1996)" in result.output
    assert ids(listed()) == []
    dated = cli("fav", "add", "Crash (1996)")
    assert dated.exit_code == 0, dated.output
    assert ids(listed()) == [20382]


def test_an_ambiguous_title_asks_when_someone_can_answer(
    terminal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli_signed_in("alice")
    monkeypatch.setattr(fav_command, "_interactive", lambda: True)
    result = cli("fav", "add", "Crash", input="2\n")
    assert result.exit_code == 0, result.output
    assert len(ids(listed())) == 1


def test_bad_ids_are_refused_without_storing(terminal: Path) -> None:
    cli_signed_in("alice")
    for bad in ("0", "-1", str(2**31)):
        result = cli("fav", "add", "--", bad)
        assert result.exit_code == 2, result.output
        assert "movie_id" in result.output
    assert cli("fav", "add", "999999").exit_code == 3
    assert ids(listed()) == []


def test_commands_need_a_login(terminal: Path) -> None:
    result = cli("fav", "list")
    assert result.exit_code == 5
    assert "movierec login" in result.output


def test_an_import_is_all_or_nothing_unless_skip_errors(terminal: Path) -> None:
    cli_signed_in("alice")
    source = terminal / "watched.csv"
    source.write_text("Date,Name,Year,Letterboxd URI\n1,The Matrix,1999,x\n2,Crash,,y\n")
    refused = cli("fav", "import", str(source))
    assert refused.exit_code == 2
    assert "Crash" in refused.output
    assert "nothing was imported" in refused.output
    assert "--skip-errors" in refused.output  # the terminal's name, not the library's
    assert ids(listed()) == []
    done = cli("fav", "import", str(source), "--skip-errors")
    assert done.exit_code == 0, done.output
    assert "imported 1 new favorites" in done.output
    assert ids(listed()) == [603]


def test_export_to_a_file_then_import_it_as_another_user(terminal: Path) -> None:
    cli_signed_in("alice")
    cli("fav", "add", "603", "550", "13")
    target = terminal / "mine.csv"
    exported = cli("fav", "export", str(target))
    assert exported.exit_code == 0, exported.output
    assert target.read_text().startswith("movie_id,title")
    printed = cli("fav", "export", "--format", "json")
    assert [i["movie_id"] for i in json.loads(printed.stdout)["items"]] == [13, 550, 603]
    cli_signed_in("bob")
    report = cli("fav", "import", str(target), "--json")
    assert report.exit_code == 0, report.output
    assert json.loads(report.stdout)["added"] == 3
    assert ids(listed()) == [13, 550, 603]


async def _rename_table(old: str, new: str) -> None:
    async with MovieRec(Settings.load()) as mr:
        await mr.db.connection().execute_script(f"ALTER TABLE {old} RENAME TO {new}")


def test_a_broken_favorites_table_is_exit_9_in_the_terminal_as_it_is_503_over_http(
    terminal: Path,
) -> None:
    cli_signed_in("dora")
    asyncio.run(_rename_table("favorites", "favorites_away"))
    try:
        result = cli("fav", "list")
    finally:
        asyncio.run(_rename_table("favorites_away", "favorites"))
    assert result.exit_code == 9, result.output
    assert "unavailable" in result.output
    assert "internal error" not in result.output
