"""``movierec --help`` is drawn without Typer's renderer, and reads exactly as Typer's would.

The root page (:mod:`movierec_cli.roothelp`: written by :mod:`movierec_cli.plainhelp`
without Rich, or drawn by :mod:`movierec_cli.richhelp`) and the plain value conversion
(:class:`movierec_cli.helpshape.PlainValue`) replace Typer machinery on the start-up path;
these tests hold them to Typer's own output, byte for byte, so the shortcut cannot drift.
"""

from __future__ import annotations

import fcntl
import io
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
from rich.console import Console
from rich.theme import Theme
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param
from typer.testing import CliRunner

from movierec_cli import richhelp
from movierec_cli.app import COMMANDS, app, command_tree
from movierec_cli.helpshape import PlainValue
from movierec_cli.lazy import Entry, LazyRoot
from movierec_cli.plainhelp import draw_page
from movierec_cli.roothelp import STYLES, RootPage, root_page
from movierec_cli.terminal import Terminal, typer_terminal

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


_TERMINAL_ENV = (  # what Typer's and Rich's consoles read; each test sets its own
    "NO_COLOR",
    "FORCE_COLOR",
    "COLUMNS",
    "LINES",
    "TERM",
    "TERMINAL_WIDTH",
    "TTY_COMPATIBLE",
    "GITHUB_ACTIONS",
    "PY_COLORS",
    "_TYPER_FORCE_DISABLE_TERMINAL",
)
_RICH_DRAWING = {"rich.console", "rich.table", "rich.columns", "rich.panel"}


def _help_env(env: dict[str, str]) -> dict[str, str]:
    full_env = {k: v for k, v in os.environ.items() if k not in _TERMINAL_ENV}
    full_env.update(env)
    full_env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "cli")])
    return full_env


def _page_and_status(out: str) -> tuple[str, set[str]]:
    page, _, status = out.rpartition("\0")
    exit_code, *modules = status.split()
    return page + f"(exit {exit_code})", set(modules)


def _root_help(
    env: dict[str, str], *, typers_own: bool = False, args: tuple[str, ...] = ("--help",)
) -> tuple[str, set[str]]:
    """``movierec ARGS`` in a fresh interpreter, its output piped: its output, then its
    exit code and the modules it loaded."""
    code = _HELP.format(patch=_TYPERS_OWN if typers_own else "", args=list(args))
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=_help_env(env),
    ).stdout
    return _page_and_status(out)


def _root_help_on_a_terminal(
    env: dict[str, str], columns: int, *, typers_own: bool = False
) -> tuple[str, set[str]]:
    """``movierec --help`` writing to a pseudo-terminal ``columns`` wide (no ``COLUMNS``:
    the width is the terminal's)."""
    code = _HELP.format(patch=_TYPERS_OWN if typers_own else "", args=["--help"])
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    with subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=follower,
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env=_help_env(env),
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait() == 0
    os.close(leader)
    return _page_and_status(b"".join(chunks).decode().replace("\r\n", "\n"))


@pytest.mark.parametrize(
    "env",
    [
        {"COLUMNS": "80"},
        {"COLUMNS": "200"},
        {"TERMINAL_WIDTH": "62"},
        {"TERMINAL_WIDTH": "90", "COLUMNS": "70"},
        {"FORCE_COLOR": "1", "COLUMNS": "100"},
        {"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "70"},
        {"NO_COLOR": "1", "COLUMNS": "75"},
        {"TTY_COMPATIBLE": "1", "COLUMNS": "90"},
        {"FORCE_COLOR": "1", "TERM": "dumb", "COLUMNS": "120"},
        {"FORCE_COLOR": "1", "TERM": "dumb", "COLUMNS": "120", "LINES": "30"},
        {"FORCE_COLOR": "1", "TERM": "xterm-256color", "COLORTERM": "truecolor"},
        {"FORCE_COLOR": "1", "_TYPER_FORCE_DISABLE_TERMINAL": "1", "COLUMNS": "88"},
    ],
    ids=[
        "80",
        "200",
        "terminal-width",
        "terminal-width-over-columns",
        "colour",
        "no-color",
        "no-color-piped",
        "tty-compatible",
        "dumb-terminal",
        "dumb-terminal-with-lines",
        "truecolor",
        "typer-disables-the-terminal",
    ],
)
def test_the_root_help_is_typers_page_without_rich_drawing_it(env: dict[str, str]) -> None:
    ours, loaded = _root_help(env)
    typers, typers_loaded = _root_help(env, typers_own=True)
    assert ours == typers
    assert "typer.rich_utils" in typers_loaded  # the comparison is against the renderer
    assert sorted(loaded & {"typer.rich_utils", "markdown_it", "rich.markdown"}) == []
    assert sorted(loaded & _RICH_DRAWING) == []  # written by movierec_cli.plainhelp


@pytest.mark.parametrize("env", [{}, {"NO_COLOR": "1"}, {"TERM": "dumb"}], ids=str)
def test_on_a_terminal_the_root_help_takes_its_width_and_colours(env: dict[str, str]) -> None:
    ours, loaded = _root_help_on_a_terminal(env, 97)
    typers, _ = _root_help_on_a_terminal(env, 97, typers_own=True)
    assert ours == typers
    assert ("\x1b[" in ours) is (env.get("TERM") != "dumb")  # a terminal gets escape codes
    widest = max(len(line) for line in ours.splitlines() if "\x1b" not in line)
    assert widest == (80 if env.get("TERM") == "dumb" else 97)
    assert sorted(loaded & _RICH_DRAWING) == []


@pytest.mark.parametrize(
    "env", [{"COLUMNS": "40"}, {"FORCE_COLOR": "1", "TERMINAL_WIDTH": "30"}], ids=["40", "30"]
)
def test_a_terminal_too_narrow_for_the_plain_page_gets_richs_drawing(
    env: dict[str, str],
) -> None:
    ours, loaded = _root_help(env)
    typers, _ = _root_help(env, typers_own=True)
    assert ours == typers
    assert loaded >= _RICH_DRAWING  # the fallback drew it
    assert "typer.rich_utils" not in loaded


def _the_root_page() -> RootPage:
    group = typer.main.get_command(app)
    assert isinstance(group, LazyRoot)
    return root_page(group, Context(group, info_name="movierec"))


def _drawn_by_rich(page: RootPage, terminal: Terminal) -> str:
    out = io.StringIO()
    console = Console(
        file=out,
        theme=Theme(STYLES),
        color_system="standard" if terminal.escape_codes else None,
        force_terminal=terminal.escape_codes,
        width=terminal.width,
        height=25,
        no_color=terminal.no_color,
    )
    richhelp.print_page(page, console)
    return out.getvalue()


def test_the_plain_page_is_richs_at_every_width_it_draws() -> None:
    page = _the_root_page()
    drawn: set[int] = set()
    for width in range(1, 321):
        for escape_codes, no_color in ((False, False), (True, False), (True, True)):
            terminal = Terminal(width=width, escape_codes=escape_codes, no_color=no_color)
            ours = draw_page(page, terminal)
            if ours is not None:
                assert ours == _drawn_by_rich(page, terminal), terminal
                drawn.add(width)
    assert drawn == set(range(56, 321))  # every ordinary terminal; Rich's below


@pytest.mark.parametrize(
    "change",
    [
        {"description": "Tabs\tand   spaces."},
        {"description": "Ünïcode."},
        {"commands": (("serve", "x" * 200),)},
        {"commands": (("two words", "Help."),)},
        {"usage": "Usage: " + "movierec " * 20},
    ],
    ids=["spacing", "non-ascii", "long-word", "spaced-name", "long-usage"],
)
def test_the_plain_page_leaves_what_it_does_not_draw_as_rich_would_to_rich(
    change: dict[str, Any],
) -> None:
    page = _the_root_page()._replace(**change)
    assert draw_page(page, Terminal(width=120, escape_codes=True, no_color=False)) is None


_ENVIRONMENTS: tuple[dict[str, str], ...] = (
    {},
    {"COLUMNS": "91"},
    {"COLUMNS": "91", "LINES": "20", "TERM": "dumb", "FORCE_COLOR": "1"},
    {"COLUMNS": "0"},
    {"COLUMNS": "abc"},
    {"TERMINAL_WIDTH": "77", "COLUMNS": "91"},
    {"TERM": "dumb"},
    {"TERM": "dumb", "FORCE_COLOR": "1"},
    {"TERM": "unknown", "TTY_COMPATIBLE": "1"},
    {"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"},
    {"TTY_COMPATIBLE": "0"},
    {"FORCE_COLOR": ""},
    {"FORCE_COLOR": "0"},
    {"PY_COLORS": "1", "NO_COLOR": "1"},
    {"GITHUB_ACTIONS": "true", "_TYPER_FORCE_DISABLE_TERMINAL": "1"},
    {"NO_COLOR": ""},
)


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("tty", [False, True], ids=["piped", "tty"])
@pytest.mark.parametrize("env", _ENVIRONMENTS, ids=str)
def test_the_terminal_read_is_what_typers_console_sees(
    env: dict[str, str], tty: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in _TERMINAL_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    stream = _Stream(tty)
    monkeypatch.setattr(sys, "stdout", stream)
    console = richhelp.typer_console()
    terminal = typer_terminal(os.environ, stream)
    assert terminal is not None
    assert terminal.width == console.width
    assert terminal.escape_codes is (console.color_system is not None)
    assert terminal.no_color is console.no_color


@pytest.mark.parametrize(
    "env", [{"TERMINAL_WIDTH": "wide"}, {"COLUMNS": "٩٠"}], ids=["typer-width", "digits"]
)
def test_widths_only_rich_or_typer_can_read_are_left_to_them(env: dict[str, str]) -> None:
    assert typer_terminal(env, _Stream(tty=False)) is None


def test_a_stream_that_is_not_utf8_is_left_to_rich() -> None:
    stream = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    assert typer_terminal({"COLUMNS": "80"}, stream) is None


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
