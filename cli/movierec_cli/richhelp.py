"""The root help page drawn with Rich, as ``typer.rich_utils`` draws it.

The fallback of :func:`movierec_cli.roothelp.print_root_help` for what
:mod:`movierec_cli.plainhelp` does not draw itself: the same panels, tables, styles and
environment switches (``TERMINAL_WIDTH``, ``FORCE_COLOR``, ``NO_COLOR``...) as Typer's
renderer, without its Markdown, traceback and pretty-printing imports.
"""

from __future__ import annotations

import os

from rich.columns import Columns
from rich.console import Console
from rich.highlighter import RegexHighlighter
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from movierec_cli.roothelp import OPTION_PATTERNS, STYLES, OptionRow, RootPage

__all__ = ["print_page", "typer_console"]


class _OptionHighlighter(RegexHighlighter):
    """Options, switches, ``<types>`` and ``Usage:``, as Typer highlights them."""

    highlights = list(OPTION_PATTERNS)


_highlight = _OptionHighlighter()


def typer_console() -> Console:
    """A console set up from the environment as Typer sets up its own."""
    width = os.environ.get("TERMINAL_WIDTH")
    force: bool | None = None
    if any(os.environ.get(name) for name in ("GITHUB_ACTIONS", "FORCE_COLOR", "PY_COLORS")):
        force = True
    if os.environ.get("_TYPER_FORCE_DISABLE_TERMINAL"):
        force = False
    return Console(
        theme=Theme(STYLES),
        highlighter=_highlight,
        color_system="auto",
        force_terminal=force,
        width=int(width) if width else None,
    )


def _options_panel(options: tuple[OptionRow, ...]) -> Panel | None:
    if not options:
        return None
    table = Table(
        highlight=True, show_header=False, expand=True, box=None, pad_edge=False, padding=(0, 1)
    )
    for row in options:
        kind = Text(style="bold yellow", overflow="fold")
        if row.kind:
            kind.append(row.kind)
        table.add_row(
            _highlight(row.long),
            _highlight(row.short),
            Text(row.secondary_long),
            Text(row.secondary_short),
            kind,
            Columns([Text(row.help, justify="left")] if row.help else []),
        )
    # the titles as Text: a str title is read as markup, which loads the emoji table
    return Panel(table, border_style="dim", title=Text("Options"), title_align="left")


def _commands_panel(commands: tuple[tuple[str, str], ...]) -> Panel | None:
    if not commands:
        return None
    table = Table(
        highlight=False, show_header=False, expand=True, box=None, pad_edge=False, padding=(0, 1)
    )
    width = max(len(name) for name, _ in commands)
    table.add_column(style="bold cyan", no_wrap=True, width=width)
    table.add_column("Description", justify="left", no_wrap=False, ratio=10)
    for name, line in commands:
        table.add_row(Text(name), Text(line, justify="left"))
    return Panel(table, border_style="dim", title=Text("Commands"), title_align="left")


def print_page(page: RootPage, console: Console | None = None) -> None:
    """Print ``page`` on ``console`` (by default one set up as Typer's)."""
    console = console or typer_console()
    console.print(Padding(_highlight(page.usage), 1), style="bold")
    if page.description is not None:
        console.print(Padding(Text(page.description, justify="left"), (0, 1, 1, 1)))
    for panel in (_options_panel(page.options), _commands_panel(page.commands)):
        if panel is not None:
            console.print(panel)
