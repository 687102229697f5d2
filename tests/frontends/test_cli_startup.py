"""The CLI starts without the heavy half of the stack (checked in a fresh interpreter).

``movierec --help`` used to take seconds because importing the CLI imported Tortoise,
numpy, scipy, aiohttp and redis. The library's names now load on first use and the
commands import what they run inside the command, so those stay unloaded until a
command needs them. Times are benchmarked (docs/benchmarks.md), not tested.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
