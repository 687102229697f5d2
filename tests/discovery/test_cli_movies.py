"""``movierec trending|search|movie|catalog|cache`` from the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from movierec_cli.app import app

runner = CliRunner()


@pytest.fixture
def imported(tmp_path: Path, movielens_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MOVIEREC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MOVIEREC_CONFIG_DIR", str(tmp_path / "config"))
    result = runner.invoke(app, ["catalog", "import", "movielens", str(movielens_dir), "--json"])
    assert result.exit_code == 0, result.output
    return movielens_dir


def test_catalog_import_prints_the_counts_as_json(imported: Path) -> None:
    result = runner.invoke(app, ["catalog", "import", "movielens", str(imported), "--json"])
    report = json.loads(result.stdout)
    assert (report["movies"], report["ratings"], report["skipped_movies"]) == (7, 28, 1)


def test_catalog_import_prints_counts_for_people(imported: Path) -> None:
    result = runner.invoke(app, ["catalog", "import", "movielens", str(imported)])
    assert result.exit_code == 0
    assert "imported 7 movies and 28 ratings" in result.stdout
    assert "skipped 1 movies without a TMDb id" in result.stdout


def test_trending_json_is_a_page_of_movies(imported: Path) -> None:
    result = runner.invoke(app, ["trending", "--window", "day", "--json"])
    assert result.exit_code == 0, result.output
    page = json.loads(result.stdout)
    assert [m["title"] for m in page["items"]] == ["Heat", "Amélie"]
    assert page["source"] == "catalog"


def test_trending_draws_a_table_with_the_window_note(imported: Path) -> None:
    result = runner.invoke(app, ["trending"])
    assert result.exit_code == 0
    assert "The Matrix" in result.stdout
    assert "MovieLens" in result.stdout


def test_search_finds_accented_titles(imported: Path) -> None:
    result = runner.invoke(app, ["search", "amelie", "--json"])
    assert [m["id"] for m in json.loads(result.stdout)["items"]] == [194]
    table = runner.invoke(app, ["search", "matrix", "--year", "2003"])
    assert "The Matrix Reloaded" in table.stdout


def test_movie_shows_details(imported: Path) -> None:
    result = runner.invoke(app, ["movie", "603", "--json"])
    assert json.loads(result.stdout)["imdb_id"] == "tt0133093"
    table = runner.invoke(app, ["movie", "603"])
    assert "Science Fiction" in table.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["trending", "--window", "month"],
        ["trending", "--page", "0"],
        ["search", "   "],
        ["search", "matrix", "--year", "1700"],
        ["movie", "0"],
    ],
)
def test_bad_input_is_one_red_line_and_exit_2(imported: Path, argv: list[str]) -> None:
    result = runner.invoke(app, argv)
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_an_unknown_movie_exits_3(imported: Path) -> None:
    assert runner.invoke(app, ["movie", "424242"]).exit_code == 3


def test_an_empty_catalog_tells_what_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOVIEREC_DATA_DIR", str(tmp_path / "empty"))
    result = runner.invoke(app, ["trending"])
    assert result.exit_code == 9
    assert "movierec catalog import movielens" in result.output


def test_catalog_import_of_a_missing_folder_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOVIEREC_DATA_DIR", str(tmp_path / "data"))
    folder = tmp_path / "nothing-here"
    folder.mkdir()
    result = runner.invoke(app, ["catalog", "import", "movielens", str(folder)])
    assert result.exit_code == 2
    assert "not a MovieLens folder" in result.output


def test_catalog_stats_counts_the_catalog(imported: Path) -> None:
    result = runner.invoke(app, ["catalog", "stats", "--json"])
    assert json.loads(result.stdout)["movies"] == 7


def test_cache_stats_and_clear_print_json(imported: Path) -> None:
    stats = json.loads(runner.invoke(app, ["cache", "stats", "--json"]).stdout)
    assert stats["backend"] == "memory"
    assert {"entries", "hits", "misses", "hit_ratio"} <= set(stats)
    cleared = json.loads(runner.invoke(app, ["cache", "clear", "--json"]).stdout)
    assert cleared == {"removed": 0}


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["trending", "--page", "501"], "must be an integer between 1 and 500"),
        (["search", "x", "--year", "1869"], "must be an integer between 1870 and 2100"),
        (["movie", "0"], "must be an integer between 1 and 2147483647"),
    ],
)
def test_out_of_range_arguments_get_the_librarys_message(args: list[str], problem: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert problem in " ".join(result.output.split())
