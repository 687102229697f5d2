"""The CLI's one error boundary: run a coroutine against an open ``MovieRec``.

Every command goes through :func:`run`. A :class:`~movierec.MovieRecError` becomes one red
line on stderr and the error's ``exit_code``; anything unexpected becomes one line and
exit 1, unless ``MOVIEREC_DEBUG=1`` asks for the traceback. Under ``--json`` the line is
the JSON body the HTTP API answers with (``{"error": {"code", "message", "details"}}``),
still on stderr and with the same exit code, so scripts read one shape everywhere.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, NoReturn, TypeVar

import orjson
import typer
from rich.markup import escape

if TYPE_CHECKING:
    from movierec import MovieRec, MovieRecError, Settings

from movierec import printable
from movierec_cli.render import error_console

T = TypeVar("T")

__all__ = ["fail", "json_errors", "load_settings", "run", "run_async"]


def debug_enabled() -> bool:
    """True when ``MOVIEREC_DEBUG`` asks for tracebacks."""
    return os.environ.get("MOVIEREC_DEBUG", "") not in ("", "0", "false", "no")


_json_errors: ContextVar[bool] = ContextVar("movierec_json_errors", default=False)


def json_errors(enabled: bool) -> None:
    """Report errors as JSON from now on (``--json``) or as red lines (the default)."""
    _json_errors.set(enabled)


def json_requested() -> bool:
    """True when the running command was given ``--json``."""
    return _json_errors.get()


def _report(body: dict[str, object], line: str) -> None:
    if json_requested():
        error_console.file.write(orjson.dumps(body, default=str).decode() + "\n")
        error_console.file.flush()
    else:
        error_console.print(line, highlight=False, markup=True)


def fail(error: MovieRecError) -> NoReturn:
    """Report ``error`` (one red line, or its JSON body under ``--json``); exit with its code."""
    _report(error.to_dict(), f"[bold red]error:[/] {escape(printable(error.message))}")
    raise typer.Exit(error.exit_code)


def load_settings() -> Settings:
    """Settings from the config file and environment, errors reported as one line."""
    from movierec import MovieRecError, Settings

    try:
        return Settings.load()
    except MovieRecError as exc:
        fail(exc)


def run_async(work: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine with the CLI's error mapping (no ``MovieRec`` opened)."""
    from movierec import MovieRecError

    try:
        import asyncio  # here, not at the top: the CLI starts without it

        return asyncio.run(_call(work))
    except MovieRecError as exc:
        fail(exc)
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        from movierec import classify_error  # loads every driver: only when needed

        translated = classify_error(exc)  # defence in depth: services translate their own
        if translated is not None:
            fail(translated)
        if debug_enabled():
            raise
        message = f"{type(exc).__name__}: {exc}"
        _report(
            {"error": {"code": "internal_error", "message": message, "details": None}},
            f"[bold red]internal error:[/] {escape(printable(message))} "
            "(set MOVIEREC_DEBUG=1 for the traceback)",
        )
        raise typer.Exit(1) from None


async def _call(work: Callable[[], Awaitable[T]]) -> T:
    return await work()


def run(work: Callable[[MovieRec], Awaitable[T]], settings: Settings | None = None) -> T:
    """Open ``MovieRec`` with the loaded settings, run ``work`` on it, close it."""
    from movierec import MovieRec

    resolved = settings or load_settings()

    async def opened() -> T:
        async with MovieRec(resolved) as mr:
            return await work(mr)

    return run_async(opened)
