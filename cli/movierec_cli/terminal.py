"""The terminal Typer's help console would draw on: its width and whether it gets colour.

:func:`typer_terminal` reads the environment and the output stream as Typer sets up its
Rich console (``TERMINAL_WIDTH``, ``FORCE_COLOR``, ``GITHUB_ACTIONS``, ``PY_COLORS``,
``_TYPER_FORCE_DISABLE_TERMINAL``) and as Rich's ``Console`` then reads them
(``COLUMNS``, ``LINES``, ``TERM``, ``TTY_COMPATIBLE``, ``NO_COLOR``, the size of the
standard streams' terminal), without importing Rich. It answers ``None`` where Rich
would look further (Windows consoles, Jupyter, IDLE, a non-UTF-8 stream, a stream Rich
proxies): the caller then lets Rich decide.
"""

from __future__ import annotations

import builtins
import os
import sys
from collections.abc import Mapping
from typing import NamedTuple, TextIO

__all__ = ["Terminal", "typer_terminal"]


class Terminal(NamedTuple):
    """How Typer's console would write: its width, escape codes or not, colours or not."""

    width: int
    escape_codes: bool
    """Styles are written as SGR escape codes (a terminal, or forced)."""
    no_color: bool
    """``NO_COLOR``: bold and dim stay, colours go."""


def _number(value: str | None) -> int | None:
    """``value`` as Rich reads ``COLUMNS`` and ``LINES``: digits only, else ``None``."""
    if value is None or not value.isascii() or not value.isdigit():
        return None
    return int(value)


def _odd_number(value: str | None) -> bool:
    """Digits Rich would read (``str.isdigit``) that are not ASCII: left to Rich."""
    return value is not None and value.isdigit() and not value.isascii()


def _is_terminal(force: bool | None, environ: Mapping[str, str], stream: TextIO) -> bool:
    """Rich's ``Console.is_terminal`` (Jupyter and IDLE are handled by the caller)."""
    if force is not None:
        return force
    tty_compatible = environ.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return tty_compatible == "1"
    force_color = environ.get("FORCE_COLOR")
    if force_color is not None:
        return force_color != ""
    isatty = getattr(stream, "isatty", None)
    try:
        return False if isatty is None else bool(isatty())
    except ValueError:
        return False


def _width(environ: Mapping[str, str], dumb: bool) -> int | None:
    """Rich's ``Console.size`` width, with Typer's ``TERMINAL_WIDTH`` as the console's."""
    typer_width = environ.get("TERMINAL_WIDTH")
    if typer_width and _number(typer_width) is None:
        return None  # Typer passes int(TERMINAL_WIDTH): leave odd values to it
    given = _number(typer_width) if typer_width else _number(environ.get("COLUMNS"))
    if given is not None and _number(environ.get("LINES")) is not None:
        return given
    if dumb:
        return 80
    measured: int | None = None
    for descriptor in (0, 1, 2):
        try:
            measured = os.get_terminal_size(descriptor).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    columns = _number(environ.get("COLUMNS"))
    if columns is not None:
        measured = columns
    if given is not None:
        return given
    return measured or 80


def typer_terminal(environ: Mapping[str, str], stream: TextIO | None) -> Terminal | None:
    """The terminal Typer's console would see writing to ``stream``; ``None`` where Rich
    would read more than this function does."""
    if sys.platform == "win32" or "get_ipython" in vars(builtins):
        return None
    if stream is None or hasattr(stream, "rich_proxied_file"):
        return None
    if getattr(sys.stdin, "__module__", "").startswith("idlelib"):
        return None
    if not (getattr(stream, "encoding", "utf-8") or "utf-8").lower().startswith("utf"):
        return None
    if any(_odd_number(environ.get(name)) for name in ("COLUMNS", "LINES")):
        return None
    force: bool | None = None
    if any(environ.get(name) for name in ("GITHUB_ACTIONS", "FORCE_COLOR", "PY_COLORS")):
        force = True
    if environ.get("_TYPER_FORCE_DISABLE_TERMINAL"):
        force = False
    terminal = _is_terminal(force, environ, stream)
    dumb = terminal and environ.get("TERM", "").lower() in ("dumb", "unknown")
    width = _width(environ, dumb)
    if width is None:
        return None
    return Terminal(
        width=width,
        escape_codes=terminal and not dumb,
        no_color=environ.get("NO_COLOR", "") != "",
    )
