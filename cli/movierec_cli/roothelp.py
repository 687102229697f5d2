"""``movierec --help``: the root group's help drawn with plain Rich, in Typer's own look.

Typer draws every help page with ``typer.rich_utils``, which imports ``rich.markdown``
(and with it markdown-it), ``rich.traceback`` and ``rich.pretty``: more than half of
``movierec --help``'s time, for a page whose text is the usage line, the root's options
and the one-line help of each command (:data:`movierec_cli.app.COMMANDS`). This module
draws that page with the same panels, tables, styles and environment switches
(``TERMINAL_WIDTH``, ``FORCE_COLOR``, ``NO_COLOR``...) and nothing else; the help lines
are plain text, never Markdown or Rich markup. A command's own ``--help`` stays Typer's.
``tests/frontends/test_cli_help.py`` checks the page matches Typer's rendering of it.
"""

from __future__ import annotations

import inspect
import os
from typing import TYPE_CHECKING, Any

from rich.columns import Columns
from rich.console import Console
from rich.highlighter import RegexHighlighter
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

if TYPE_CHECKING:
    from typer._click import Command, Context
    from typer.core import TyperGroup

__all__ = ["plain_enough", "print_root_help"]

_THEME = {  # typer.rich_utils' styles, by the names its highlighter uses
    "option": "bold cyan",
    "switch": "bold green",
    "negative_option": "bold magenta",
    "negative_switch": "bold red",
    "types": "bold yellow",
    "types_sep": "dim",
    "usage": "yellow",
}


class _OptionHighlighter(RegexHighlighter):
    """Options, switches, ``<types>`` and ``Usage:``, as Typer highlights them."""

    highlights = [
        r"(^|\W)(?P<switch>\-\w+)(?![a-zA-Z0-9])",
        r"(^|\W)(?P<option>\-\-[\w\-]+)(?![a-zA-Z0-9])",
        r"(?P<types>\<[^\>]+\>)",
        r"(?P<usage>Usage: )",
    ]


_highlight = _OptionHighlighter()


def _console() -> Console:
    """A console set up from the environment as Typer sets up its own."""
    width = os.environ.get("TERMINAL_WIDTH")
    force: bool | None = None
    if any(os.environ.get(name) for name in ("GITHUB_ACTIONS", "FORCE_COLOR", "PY_COLORS")):
        force = True
    if os.environ.get("_TYPER_FORCE_DISABLE_TERMINAL"):
        force = False
    return Console(
        theme=Theme(_THEME),
        highlighter=_highlight,
        color_system="auto",
        force_terminal=force,
        width=int(width) if width else None,
    )


def _first_paragraph(text: str) -> str:
    return inspect.cleandoc(text).partition("\f")[0].split("\n\n")[0].replace("\n", " ").strip()


def _options_panel(group: TyperGroup, ctx: Context) -> Panel | None:
    rows: list[list[Any]] = []
    for param in group.get_params(ctx):
        if getattr(param, "hidden", False) or param.param_type_name != "option":
            continue
        long = [opt for opt in param.opts if "--" in opt]
        short = [opt for opt in param.opts if "--" not in opt]
        secondary_long = [opt for opt in param.secondary_opts if "--" in opt]
        secondary_short = [opt for opt in param.secondary_opts if "--" not in opt]
        kind = Text(style="bold yellow", overflow="fold")
        shown = param.display_type_rich(ctx=ctx) if hasattr(param, "display_type_rich") else None
        if shown is not None:
            kind.append(shown)
        help_text = getattr(param, "help", None) or ""
        rows.append(
            [
                _highlight(",".join(long)),
                _highlight(",".join(short)),
                Text(",".join(secondary_long)),
                Text(",".join(secondary_short)),
                kind,
                Columns([Text(help_text.strip(), justify="left")] if help_text else []),
            ]
        )
    if not rows:
        return None
    table = Table(
        highlight=True, show_header=False, expand=True, box=None, pad_edge=False, padding=(0, 1)
    )
    for row in rows:
        table.add_row(*row)
    # the titles as Text: a str title is read as markup, which loads the emoji table
    return Panel(table, border_style="dim", title=Text("Options"), title_align="left")


def _commands_panel(commands: list[Command]) -> Panel | None:
    if not commands:
        return None
    table = Table(
        highlight=False, show_header=False, expand=True, box=None, pad_edge=False, padding=(0, 1)
    )
    width = max(len(command.name or "") for command in commands)
    table.add_column(style="bold cyan", no_wrap=True, width=width)
    table.add_column("Description", justify="left", no_wrap=False, ratio=10)
    for command in commands:
        line = _first_paragraph(command.short_help or command.help or "")
        table.add_row(Text(command.name or ""), Text(line, justify="left"))
    return Panel(table, border_style="dim", title=Text("Commands"), title_align="left")


def _default_shown(param: Any, ctx: Context) -> bool:
    """Whether Typer would print ``[default: ...]`` under this parameter."""
    if isinstance(param.show_default, str):
        return True
    extract = getattr(param, "_extract_default_help_str", None)
    if extract is None:
        return False
    value = extract(ctx=ctx)
    if value is None or not (param.show_default or ctx.show_default):
        return False
    return bool(param._get_default_string(ctx=ctx, show_default_is_str=False, default_value=value))


def plain_enough(group: TyperGroup, ctx: Context) -> bool:
    """True when this module draws ``group``'s page as Typer would.

    That is: flags with one-paragraph help (no argument, default, environment variable or
    required mark to show), a one-paragraph help, no epilog, no deprecated command and no
    help panels of its own. Anything else is left to Typer's renderer.
    """
    for param in group.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        if param.param_type_name != "option" or not getattr(param, "is_flag", False):
            return False
        if param.required or (param.envvar and getattr(param, "show_envvar", False)):
            return False
        if _default_shown(param, ctx):
            return False
        if "\n\n" in (getattr(param, "help", "") or "") or getattr(param, "rich_help_panel", None):
            return False
    if group.epilog or group.deprecated or "\n\n" in inspect.cleandoc(group.help or ""):
        return False
    commands = (group.get_command(ctx, name) for name in group.list_commands(ctx))
    return not any(
        command.deprecated or getattr(command, "rich_help_panel", None)
        for command in commands
        if command is not None
    )


def print_root_help(group: TyperGroup, ctx: Context) -> None:
    """Print ``group``'s help page: usage, its help, its options, its commands."""
    console = _console()
    console.print(Padding(_highlight(group.get_usage(ctx)), 1), style="bold")
    if group.help:
        console.print(Padding(Text(_first_paragraph(group.help), justify="left"), (0, 1, 1, 1)))
    commands = [
        command
        for command in (group.get_command(ctx, name) for name in group.list_commands(ctx))
        if command is not None and not command.hidden
    ]
    for panel in (_options_panel(group, ctx), _commands_panel(commands)):
        if panel is not None:
            console.print(panel)
