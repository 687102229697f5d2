"""The one place the CLI draws output: Rich tables for people, JSON for scripts."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import orjson
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from movierec import printable

if TYPE_CHECKING:
    from rich.progress import ProgressColumn

    import movierec
    from movierec import Page

__all__ = [
    "console",
    "error_console",
    "page_caption",
    "place_caption",
    "print_error",
    "print_json",
    "print_message",
    "print_raw",
    "print_table",
    "progress_bar",
    "safe",
    "styled",
    "to_jsonable",
]

console = Console()
error_console = Console(stderr=True, soft_wrap=True)


def to_jsonable(data: Any) -> Any:
    """Pydantic models, dataclasses and plain values to JSON-able data."""
    dump = getattr(data, "model_dump", None)  # a pydantic model (not imported: start-up)
    if callable(dump):
        return dump(mode="json")
    if isinstance(data, list | tuple):
        return [to_jsonable(item) for item in data]
    if isinstance(data, dict):
        return {str(key): to_jsonable(value) for key, value in data.items()}
    as_dict = getattr(data, "as_dict", None)
    if callable(as_dict):
        return to_jsonable(as_dict())
    return data


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON to stdout (no Rich markup, no wrapping)."""
    text = orjson.dumps(
        to_jsonable(data), option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
    ).decode()
    console.file.write(text + "\n")
    console.file.flush()


def safe(value: object) -> Text:
    """``value`` as inert text: control characters escaped, never read as Rich markup."""
    return value if isinstance(value, Text) else Text(printable(value))


def styled(value: object, style: str) -> Text:
    """``value`` as inert text in ``style`` (how a cell gets colour without markup)."""
    return Text(printable(value), style=style)


def print_table(
    title: str | None,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    caption: str | None = None,
) -> None:
    """Draw a table; ``None`` cells print as a dim dash.

    Cells are data, never markup: each goes through :func:`safe` (a :class:`Text` made
    with :func:`styled` keeps its style).
    """
    table = Table(title=title, caption=caption, header_style="bold cyan")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(styled("-", "dim") if cell is None else safe(cell) for cell in row))
    console.print(table)


def page_caption(page: Page[Any], noun: str, *notes: str) -> str:
    """The footer of every paged table: where this page sits, the total, then ``notes``."""
    return place_caption(page.page, page.total_pages, page.total, noun, *notes)


def place_caption(page: int | None, total_pages: int, total: int, noun: str, *notes: str) -> str:
    """:func:`page_caption` from the page's numbers (a page held as plain values)."""
    where = f"{total} {noun}"
    if page is not None:
        where = f"page {page} of {total_pages} - {where}"
    return " · ".join([where, *(note for note in notes if note)])


def print_raw(text: str) -> None:
    """Write ``text`` to stdout exactly as given (file contents: exports)."""
    console.file.write(text)
    console.file.flush()


def print_message(text: str | Text) -> None:
    """A one-line confirmation for people; plain text is shown as is, never as markup."""
    console.print(safe(text), highlight=False)


def print_error(text: str) -> None:
    """One red line on stderr for one failed item of a command that goes on."""
    error_console.print(f"[bold red]error:[/] {escape(printable(text))}", highlight=False)


def _rate_column() -> ProgressColumn:
    """Rows per second of a task (e.g. ratings stored by an import)."""
    from rich.progress import ProgressColumn, Task  # here: only a command with a bar needs it

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            """The task's current speed, or nothing before there is one."""
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:,.0f}/s", style="progress.data.speed")

    return RateColumn()


def _quiet(done: int, total: int | None, stage: str) -> None:
    """A progress callback that draws nothing."""


@contextlib.contextmanager
def progress_bar(enabled: bool = True) -> Iterator[movierec.Progress]:
    """The CLI's one adapter of the library's ``Progress``: a Rich bar per reported stage.

    Drawn on stderr, so ``--json`` output on stdout stays clean; ``enabled=False`` (or a
    non-terminal stderr) gives a callback that draws nothing.
    """
    if not enabled or not error_console.is_terminal:
        yield _quiet
        return
    from rich.progress import (  # here, not at the top: most commands draw no bar
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    tasks: dict[str, TaskID] = {}
    columns = (
        TextColumn("{task.description:<10}"),
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn(),
        _rate_column(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=error_console, transient=False) as progress:

        def report(done: int, total: int | None, stage: str) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total or None)
            progress.update(tasks[stage], completed=done, total=total or None)

        yield report
