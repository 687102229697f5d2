"""The root help page as text and SGR escape codes: the bytes Rich writes, without Rich.

Importing ``rich.console``, ``rich.table`` and ``rich.columns`` costs about as much as
the rest of ``movierec --help``. The page has a fixed layout (a bold usage line with
highlighted options, the root's help, an Options and a Commands panel with rounded
``dim`` borders), so :func:`draw_page` lays it out with Rich's own rules for exactly
that layout: column widths as ``rich.table`` computes them for these two tables, words
wrapped as ``rich._wrap.divide_line`` wraps them, one escape sequence per segment Rich
would emit. It returns ``None`` for any page it cannot vouch for (text that is not
single-spaced printable ASCII, a word longer than its column, a terminal too narrow for
the columns to keep their natural widths, a type column to show), and the caller draws
that page with Rich. ``tests/frontends/test_cli_help.py`` compares the two at every width.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import NamedTuple

from movierec_cli.roothelp import OPTION_PATTERNS, STYLES, OptionRow, RootPage
from movierec_cli.terminal import Terminal

__all__ = ["draw_page"]

_COLOURS = {"black": 30, "red": 31, "green": 32, "yellow": 33}
_COLOURS |= {"blue": 34, "magenta": 35, "cyan": 36, "white": 37}


class _Style(NamedTuple):
    bold: bool = False
    dim: bool = False
    colour: int | None = None

    @classmethod
    def parse(cls, definition: str) -> _Style:
        words = definition.split()
        colours = [_COLOURS[word] for word in words if word in _COLOURS]
        return cls("bold" in words, "dim" in words, colours[-1] if colours else None)

    def over(self, other: _Style) -> _Style:
        """This style with ``other`` applied over it (Rich's ``Style.__add__``)."""
        colour = self.colour if other.colour is None else other.colour
        return _Style(self.bold or other.bold, self.dim or other.dim, colour)


_PLAIN = _Style()
_BOLD = _Style(bold=True)
_BORDER = _Style(dim=True)
_COMMAND = _Style.parse("bold cyan")
_HIGHLIGHTS = tuple(re.compile(pattern) for pattern in OPTION_PATTERNS)
_NAMED = {name: _Style.parse(definition) for name, definition in STYLES.items()}

_Segment = tuple[str, _Style]


class _Unsupported(Exception):
    """The page holds something this module does not draw as Rich would."""


def _require(condition: bool) -> None:
    if not condition:
        raise _Unsupported


def _words(text: str) -> list[str]:
    _require(text.isascii() and text.isprintable() and " ".join(text.split()) == text)
    return text.split(" ") if text else []


def _wrap(text: str, width: int) -> list[str]:
    """``text`` wrapped as Rich wraps single-spaced words, each no wider than ``width``."""
    lines: list[str] = []
    line: list[str] = []
    offset = 0
    for word in _words(text):
        _require(len(word) <= width)
        if line and width - offset < len(word):
            lines.append(" ".join(line))
            line, offset = [], 0
        line.append(word)
        offset += len(word) + 1
    lines.append(" ".join(line))
    return lines


def _highlighted(text: str, base: _Style) -> list[_Segment]:
    """``text`` cut at the highlighter's spans, each piece in its combined style (as
    ``rich.text.Text.render`` does: later spans over earlier ones)."""
    _words(text)
    spans = [
        (start, end, _NAMED[name])
        for pattern in _HIGHLIGHTS
        for match in pattern.finditer(text)
        for name in match.groupdict()
        for start, end in [match.span(name)]
        if start != -1 and end > start
    ]
    events = sorted(
        [(0, False, 0), (len(text), True, 0)]
        + [(start, False, index) for index, (start, _, _) in enumerate(spans, 1)]
        + [(end, True, index) for index, (_, end, _) in enumerate(spans, 1)],
        key=lambda event: (event[0], event[1]),
    )
    styles = [base, *(style for _, _, style in spans)]
    active: list[int] = []
    segments: list[_Segment] = []
    for (offset, leaving, index), (next_offset, _, _) in pairwise(events):
        if leaving:
            active.remove(index)
        else:
            active.append(index)
        if next_offset > offset:
            style = _PLAIN
            for active_index in sorted(active):
                style = style.over(styles[active_index])
            segments.append((text[offset:next_offset], style))
    return segments


def _usage(page: RootPage, width: int) -> list[list[_Segment]]:
    _require(len(page.usage) <= width - 2)
    pad = width - 2 - len(page.usage)
    line = [(" ", _BOLD), *_highlighted(page.usage, _BOLD)]
    blank = [(" " * width, _BOLD)]
    return [blank, [*line, *([(" " * pad, _BOLD)] if pad else []), (" ", _BOLD)], blank]


def _description(text: str, width: int) -> list[list[_Segment]]:
    _require(bool(text))
    lines = [[(f" {line.ljust(width - 2)} ", _PLAIN)] for line in _wrap(text, width - 2)]
    return [*lines, [(" " * width, _PLAIN)]]


def _panel(title: str, rows: list[list[_Segment]], width: int) -> list[list[_Segment]]:
    """``rows`` (each ``width - 4`` wide) in a rounded ``dim`` box titled ``title``."""
    heading = f" {title} "
    _require(len(heading) + 2 <= width - 4)
    top = [
        ("╭─", _BORDER),
        (heading, _BORDER),
        ("─" * (width - 4 - len(heading)), _BORDER),
        ("─╮", _BORDER),
    ]
    side = ("│", _BORDER)
    body = [[side, (" ", _PLAIN), *row, (" ", _PLAIN), side] for row in rows]
    return [top, *body, [("╰" + "─" * (width - 2) + "╯", _BORDER)]]


def _options(options: tuple[OptionRow, ...], width: int) -> list[list[_Segment]]:
    """The Options table: five text columns at their natural widths (plus padding), the
    help column taking the rest, as Rich's collapse of the help column's ``Columns``
    (measured as wide as the table) works out when the rest is at least as wide."""
    table_width = width - 4
    cells = [
        (row.long, row.short, row.secondary_long, row.secondary_short, row.kind) for row in options
    ]
    _require(all(row.help and not row.kind for row in options))
    _require(all(len(_words(text)) <= 1 for cell in cells for text in cell))
    paddings = (1, 2, 2, 2, 2)
    widths = [max(len(cell[column]) for cell in cells) + paddings[column] for column in range(5)]
    help_width = table_width - sum(widths)
    _require(help_width >= max(widths) and help_width >= 2)
    rows: list[list[_Segment]] = []
    for cell, row in zip(cells, options, strict=True):
        first: list[_Segment] = [
            *_highlighted(cell[0], _PLAIN),
            (" " * (widths[0] - len(cell[0])), _PLAIN),
        ]
        first += [(" ", _PLAIN), *_highlighted(cell[1], _PLAIN)]
        first.append((" " * (widths[1] - 1 - len(cell[1])), _PLAIN))
        for column in (2, 3, 4):
            first.append((" " + cell[column].ljust(widths[column] - 1), _PLAIN))
        blank = [(" " * sum(widths), _PLAIN)]
        for index, line in enumerate(_wrap(row.help, help_width - 1)):
            rows.append(
                [*(first if index == 0 else blank), (" " + line.ljust(help_width - 1), _PLAIN)]
            )
    return _panel("Options", rows, width)


def _commands(commands: tuple[tuple[str, str], ...], width: int) -> list[list[_Segment]]:
    """The Commands table: the names' column as wide as the longest name (plus its
    padding), the help column the rest (its ``ratio`` takes all that is left)."""
    names = max(len(name) for name, _ in commands)
    help_width = width - 4 - names - 1
    _require(names >= 1 and help_width >= 2)
    rows: list[list[_Segment]] = []
    for name, text in commands:
        _require(len(_words(name)) == 1)
        for index, line in enumerate(_wrap(text, help_width - 1)):
            named: list[_Segment] = (
                [(name.ljust(names), _COMMAND), (" ", _COMMAND)]
                if index == 0
                else [(" " * (names + 1), _COMMAND)]
            )
            rows.append([*named, (" " + line.ljust(help_width - 1), _PLAIN)])
    return _panel("Commands", rows, width)


def _sgr(style: _Style, no_color: bool) -> str:
    codes = [code for code, on in (("1", style.bold), ("2", style.dim)) if on]
    if style.colour is not None and not no_color:
        codes.append(str(style.colour))
    return ";".join(codes)


def _text(lines: list[list[_Segment]], terminal: Terminal) -> str:
    out: list[str] = []
    for line in lines:
        for text, style in line:
            codes = _sgr(style, terminal.no_color) if terminal.escape_codes else ""
            out.append(f"\x1b[{codes}m{text}\x1b[0m" if codes and text else text)
        out.append("\n")
    return "".join(out)


def draw_page(page: RootPage, terminal: Terminal) -> str | None:
    """``page`` as Rich would write it on ``terminal``; ``None`` if this module cannot
    vouch for that (the caller then draws it with Rich)."""
    width = terminal.width
    try:
        lines = _usage(page, width)
        if page.description is not None:
            lines += _description(page.description, width)
        if page.options:
            lines += _options(page.options, width)
        if page.commands:
            lines += _commands(page.commands, width)
    except _Unsupported:
        return None
    return _text(lines, terminal)
