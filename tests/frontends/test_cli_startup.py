"""The CLI starts without the heavy half of the stack (checked in a fresh interpreter).

``movierec --help`` used to take seconds because importing the CLI imported Tortoise,
numpy, scipy, aiohttp and redis. The library's names now load on first use and the
commands import what they run inside the command, so those stay unloaded until a
command needs them. Times are benchmarked (docs/benchmarks.md), not tested.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest

from movierec_cli import render
from movierec_cli.commands.movies import print_movies
from tests.conftest import MakeMovieRec
from tests.helpers.movielens_catalog import write_movielens

if TYPE_CHECKING:
    from movierec import CachedMoviePage

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "scipy", "tortoise", "aiohttp", "redis", "pydantic", "sanic", "asyncpg")


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "cli")])}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout
    return {name.split(".")[0] for name in out.split()} | set(out.split())


@pytest.mark.parametrize(
    "statement", ["import movierec_cli.app", "import movierec", "import movierec_cli"]
)
def test_starting_the_cli_loads_none_of_the_heavy_packages(statement: str) -> None:
    assert sorted(_loaded_after(statement) & set(HEAVY)) == []


def test_a_library_name_loads_its_area_on_first_use() -> None:
    loaded = _loaded_after("import movierec; movierec.MovieRec")
    assert {"tortoise", "pydantic"} <= loaded


def test_the_entry_point_loads_no_command_until_it_runs_one() -> None:
    loaded = _loaded_after("import movierec_cli.entry")
    assert "movierec_cli.app" not in loaded
    assert not {"typer", "rich"} & loaded


def test_version_answers_without_building_the_command_tree() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "cli")])}
    done = subprocess.run(
        [sys.executable, "-m", "movierec_cli", "--version"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert (done.returncode, done.stdout.strip()) == (0, f"movierec {_version()}")


def _version() -> str:
    namespace: dict[str, str] = {}
    exec((ROOT / "movierec" / "_version.py").read_text(), namespace)
    return namespace["__version__"]


def _running(argv: list[str], extra_env: dict[str, str] | None = None) -> tuple[set[str], str]:
    """Modules loaded after ``movierec ARGV`` ran in a fresh interpreter, and its output."""
    code = (
        "import contextlib, io, sys\n"
        "from movierec_cli.app import app\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try:\n"
        f"        app({argv!r})\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(out.getvalue())\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    env = {**os.environ, **(extra_env or {})}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "cli")])
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout
    printed, _, modules = out.rstrip("\n").rpartition("\n")
    return {name.split(".")[0] for name in modules.split()} | set(modules.split()), printed


def _loaded_running(argv: list[str]) -> set[str]:
    return _running(argv)[0]


def test_help_imports_no_command_module_and_none_of_the_heavy_packages() -> None:
    loaded = _loaded_running(["--help"])
    assert sorted(loaded & {*HEAVY, "celery", "pandas"}) == []
    assert sorted(m for m in loaded if m.startswith("movierec_cli.commands")) == []


def test_the_root_help_is_written_without_richs_console() -> None:
    loaded, printed = _running(["--help"], {"COLUMNS": "100"})
    assert "Commands" in printed
    drawing = {"rich.console", "rich.table", "rich.columns", "typer.rich_utils"}
    assert sorted(loaded & drawing) == []


def test_running_a_command_imports_its_own_module_only() -> None:
    loaded = {m for m in _loaded_running(["fav", "--help"]) if m.startswith("movierec_cli.")}
    assert "movierec_cli.commands.favorites" in loaded
    assert not {"movierec_cli.commands.admin", "movierec_cli.commands.jobs"} & loaded


def test_the_listed_help_lines_are_the_commands_own() -> None:
    from movierec_cli.app import COMMANDS, command_tree

    tree = command_tree()
    for entry in COMMANDS:
        own = (tree.commands[entry.name].help or "").strip().split("\n\n")[0]
        assert " ".join(own.split()) == entry.help, entry.name


@pytest.mark.services_only
async def test_a_warm_trending_opens_no_database_and_loads_no_recommender(
    make_mr: MakeMovieRec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the child's COLUMNS; "_width", not the "width" property, so undoing restores None
    # (auto-detect) instead of pinning the width read before the test
    monkeypatch.setattr(render.console, "_width", 100)
    mr = await make_mr()
    await mr.catalog.import_movielens(write_movielens(tmp_path / "ml-tiny"))
    settings = mr.settings
    assert settings.redis_url
    assert settings.database_url
    env = {
        "MOVIEREC_DATABASE_URL": settings.database_url,
        "MOVIEREC_REDIS_URL": settings.redis_url,
        "MOVIEREC_CACHE_PREFIX": settings.cache_prefix,
        "MOVIEREC_DATA_DIR": str(settings.data_dir),
        "MOVIEREC_CONFIG_DIR": str(settings.config_dir),
    }
    cold_modules, cold = _running(["trending", "--json"], env)
    assert "tortoise" in cold_modules  # the first run loads the page and caches it
    warm_modules, warm = _running(["trending", "--json"], env)
    assert sorted(warm_modules & {"tortoise", "asyncpg", "numpy", "scipy", "aiohttp"}) == []
    # nor redis-py (one GET: movierec.cache.oneshot), Typer's pydantic adapters
    # (movierec_cli.helpshape.PlainValue) or Rich's progress bars
    assert sorted(warm_modules & {"redis", "typer._adapters", "rich.progress"}) == []
    # nor pydantic: the settings it needs are read without it (movierec.config_sources)
    # and the page is printed as the plain values the library stored
    assert sorted(warm_modules & {"pydantic", "pydantic_core", "movierec.config"}) == []
    assert json.loads(warm)["items"] == json.loads(cold)["items"]
    assert (json.loads(cold)["cached"], json.loads(warm)["cached"]) == (False, True)
    # the same page through the full path (MovieRec, MoviePage validated), as JSON
    full = await mr.movies.trending()
    assert full.cached
    assert json.loads(warm) == full.model_dump(mode="json")
    table_modules, table = _running(["trending"], {**env, "COLUMNS": "100"})
    assert sorted(table_modules & {*HEAVY, "pydantic_core"}) == []
    assert json.loads(warm)["items"][0]["title"] in table
    # and as a table: the full path's page drawn by the CLI prints the same bytes
    with render.console.capture() as drawn:
        print_movies("Trending this week", cast("CachedMoviePage", full.model_dump(mode="json")))
    assert "cached" in drawn.get()
    assert drawn.get().rstrip("\n") == table.rstrip("\n")
