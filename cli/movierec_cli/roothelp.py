"""``movierec --help``: the root group's page, in Typer's own look, without Typer's renderer.

Typer draws every help page with ``typer.rich_utils``, which imports ``rich.markdown``
(and with it markdown-it), ``rich.traceback`` and ``rich.pretty``; drawing the root page
with Rich's ``Console``, ``Table`` and ``Columns`` still costs a third of the start-up.
This module reads the page (:class:`RootPage`: the usage line, the root's one-paragraph
help, its options and the one-line help of each command of
:data:`movierec_cli.app.COMMANDS`) and prints it with :mod:`movierec_cli.plainhelp`, which
writes the same bytes Rich would for the terminal :mod:`movierec_cli.terminal` reads; when
either cannot vouch for a case (a narrow terminal, non-ASCII text, Windows...) the page
goes to :mod:`movierec_cli.richhelp`, the same page drawn with Rich. A command's own
``--help`` stays Typer's. ``tests/frontends/test_cli_help.py`` holds both to Typer's
rendering, byte for byte.
"""

from __future__ import annotations

import inspect
import os
import sys
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from typer._click import Context
    from typer.core import TyperGroup

__all__ = [
    "OPTION_PATTERNS",
    "STYLES",
    "OptionRow",
    "RootPage",
    "plain_enough",
    "print_root_help",
    "root_page",
]

STYLES = {  # typer.rich_utils' styles, by the names its highlighter uses
    "option": "bold cyan",
    "switch": "bold green",
    "negative_option": "bold magenta",
    "negative_switch": "bold red",
    "types": "bold yellow",
    "types_sep": "dim",
    "usage": "yellow",
}
OPTION_PATTERNS = (  # typer.rich_utils' highlighter: options, switches, <types>, "Usage: "
    r"(^|\W)(?P<switch>\-\w+)(?![a-zA-Z0-9])",
    r"(^|\W)(?P<option>\-\-[\w\-]+)(?![a-zA-Z0-9])",
    r"(?P<types>\<[^\>]+\>)",
    r"(?P<usage>Usage: )",
)


class OptionRow(NamedTuple):
    """One line of the Options panel, column by column, as Typer lays it out."""

    long: str
    short: str
    secondary_long: str
    secondary_short: str
    kind: str
    help: str


class RootPage(NamedTuple):
    """What the root help page shows."""

    usage: str
    description: str | None
    """The first paragraph of the root's help; ``None`` when it has none."""
    options: tuple[OptionRow, ...]
    commands: tuple[tuple[str, str], ...]
    """Each shown command's name and first help paragraph, in listing order."""


def _first_paragraph(text: str) -> str:
    return inspect.cleandoc(text).partition("\f")[0].split("\n\n")[0].replace("\n", " ").strip()


def _option_row(param: Any, ctx: Context) -> OptionRow:
    shown = param.display_type_rich(ctx=ctx) if hasattr(param, "display_type_rich") else None
    return OptionRow(
        long=",".join(opt for opt in param.opts if "--" in opt),
        short=",".join(opt for opt in param.opts if "--" not in opt),
        secondary_long=",".join(opt for opt in param.secondary_opts if "--" in opt),
        secondary_short=",".join(opt for opt in param.secondary_opts if "--" not in opt),
        kind=shown or "",
        help=(getattr(param, "help", None) or "").strip(),
    )


def root_page(group: TyperGroup, ctx: Context) -> RootPage:
    """Read ``group``'s page: its usage, help, visible options and visible commands."""
    commands = (group.get_command(ctx, name) for name in group.list_commands(ctx))
    return RootPage(
        usage=group.get_usage(ctx),
        description=_first_paragraph(group.help) if group.help else None,
        options=tuple(
            _option_row(param, ctx)
            for param in group.get_params(ctx)
            if not getattr(param, "hidden", False) and param.param_type_name == "option"
        ),
        commands=tuple(
            (command.name or "", _first_paragraph(command.short_help or command.help or ""))
            for command in commands
            if command is not None and not command.hidden
        ),
    )


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
    """Print ``group``'s help page: usage, its help, its options, its commands.

    Written as plain text with escape codes when :mod:`movierec_cli.plainhelp` handles
    the page on this terminal, else drawn with Rich (:mod:`movierec_cli.richhelp`).
    """
    from movierec_cli.plainhelp import draw_page
    from movierec_cli.terminal import typer_terminal

    page = root_page(group, ctx)
    terminal = typer_terminal(os.environ, sys.stdout)
    text = None if terminal is None else draw_page(page, terminal)
    if text is None:
        from movierec_cli.richhelp import print_page

        print_page(page)
        return
    sys.stdout.write(text)
    sys.stdout.flush()
