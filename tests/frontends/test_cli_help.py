"""``movierec --help`` is drawn without Typer's renderer, and reads exactly as Typer's would.

The root page (:mod:`movierec_cli.roothelp`) and the plain value conversion
(:class:`movierec_cli.helpshape.PlainValue`) replace Typer machinery on the start-up path;
these tests hold them to Typer's own output, byte for byte, so the shortcut cannot drift.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param
from typer.testing import CliRunner

from movierec_cli.app import COMMANDS, command_tree
from movierec_cli.helpshape import PlainValue
from movierec_cli.lazy import Entry, LazyRoot

ROOT = Path(__file__).resolve().parents[2]

_HELP = """
import sys
sys.argv = ["movierec", *{args!r}]
from movierec_cli.app import Root, app
{patch}
code = 0
try:
    app()
except SystemExit as exc:
    code = exc.code
print("\\0" + str(code) + " " + " ".join(sorted(sys.modules)))
"""
_TYPERS_OWN = """from typer.core import TyperGroup
Root.format_help = TyperGroup.format_help
Root.parse_args = TyperGroup.parse_args"""


def _root_help(
    env: dict[str, str], *, typers_own: bool = False, args: tuple[str, ...] = ("--help",)
) -> tuple[str, set[str]]:
    """``movierec ARGS`` in a fresh interpreter: its output, then its exit code and the
    modules it loaded."""
    code = _HELP.format(patch=_TYPERS_OWN if typers_own else "", args=list(args))
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update(env)
    full_env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "cli")])
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=full_env
    ).stdout
    page, _, status = out.rpartition("\0")
    exit_code, *modules = status.split()
    return page + f"(exit {exit_code})", set(modules)


@pytest.mark.parametrize(
    "env",
    [
        {"COLUMNS": "80"},
        {"COLUMNS": "200"},
        {"TERMINAL_WIDTH": "52"},
        {"FORCE_COLOR": "1", "COLUMNS": "100"},
        {"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "70"},
    ],
    ids=["80", "200", "terminal-width", "colour", "no-color"],
)
def test_the_root_help_is_typers_page_without_typers_renderer(env: dict[str, str]) -> None:
    ours, loaded = _root_help(env)
    typers, typers_loaded = _root_help(env, typers_own=True)
    assert ours == typers
    assert "typer.rich_utils" in typers_loaded  # the comparison is against the renderer
    assert sorted(loaded & {"typer.rich_utils", "markdown_it", "rich.markdown"}) == []


def test_a_bare_movierec_prints_the_same_page_and_exits_2_as_typer_does() -> None:
    ours, loaded = _root_help({"COLUMNS": "90"}, args=())
    typers, _ = _root_help({"COLUMNS": "90"}, typers_own=True, args=())
    assert ours == typers
    assert ours.endswith("(exit 2)")
    assert "Commands" in ours
    assert "typer.rich_utils" not in loaded


def test_the_root_help_lists_every_command_and_the_options() -> None:
    page, _ = _root_help({"COLUMNS": "250"})
    lines = [" ".join(line.strip("│ ").split()) for line in page.splitlines()]
    for entry in COMMANDS:
        assert f"{entry.name} {entry.help}" in lines, entry.name
    for option in ("--version", "--install-completion", "--show-completion", "--help -h"):
        assert any(line.startswith(option + " ") for line in lines), option
    assert "Usage: movierec [OPTIONS] COMMAND [ARGS]..." in lines
    assert page.endswith("(exit 0)")


def test_a_root_page_the_plain_renderer_does_not_draw_is_left_to_typer() -> None:
    class Other(LazyRoot):
        entries = (Entry("serve", "movierec_cli.commands.serve:serve", "Serve it."),)

    other = typer.Typer(cls=Other, rich_markup_mode="markdown")

    @other.callback()
    def root(level: int = typer.Option(3, help="A level.")) -> None:
        """Something."""

    result = CliRunner().invoke(other, ["--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    assert "[default: 3]" in result.output  # Typer's renderer: this module shows no defaults
    assert "Serve it." in result.output


_SAMPLES: tuple[Any, ...] = (
    "1",
    "007",
    "-3",
    "+5",
    "1_0",
    " 3",
    "",
    "x",
    "1.0",
    "٣",
    "9" * 30,
    "week",
    "é\udcff",
    7,
    True,
    False,
    "true",
    "no",
)


def _converted(runtime: Any, value: Any, param: Any, ctx: Context) -> tuple[str, Any]:
    try:
        return "ok", runtime._coerce_value(value, param=param, ctx=ctx)
    except BadParameter as exc:
        return "error", exc.format_message()


def test_plain_values_convert_as_typers_adapters_do() -> None:
    tree = command_tree()
    checked = 0
    stack: list[Any] = [tree]
    while stack:
        command = stack.pop()
        stack.extend(getattr(command, "commands", {}).values())
        ctx = Context(command, info_name=command.name)
        for param in command.params:
            runtime = param.get_runtime_param() if hasattr(param, "get_runtime_param") else None
            if not isinstance(runtime, PlainValue):
                continue
            typers = build_runtime_param(param.type_descriptor)
            for value in _SAMPLES:
                ours = _converted(runtime, value, param, ctx)
                assert ours == _converted(typers, value, param, ctx), (param.name, value)
                assert ours[0] == "error" or type(ours[1]) is runtime.annotation
            checked += 1
    assert checked > 20  # the tree's plain parameters went through it, not a handful
