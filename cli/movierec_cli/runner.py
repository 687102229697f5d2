"""The CLI's one error boundary: run a coroutine against an open ``MovieRec``.

Every command goes through :func:`run`. A :class:`~movierec.MovieRecError` becomes one red
line on stderr and the error's ``exit_code``; anything unexpected becomes one line and
exit 1, unless ``MOVIEREC_DEBUG=1`` asks for the traceback.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

import typer

from movierec import MovieRec, MovieRecError, Settings, classify_error
from movierec_cli.render import error_console

T = TypeVar("T")

__all__ = ["fail", "load_settings", "run", "run_async"]


def debug_enabled() -> bool:
    """True when ``MOVIEREC_DEBUG`` asks for tracebacks."""
    return os.environ.get("MOVIEREC_DEBUG", "") not in ("", "0", "false", "no")


def fail(error: MovieRecError) -> NoReturn:
    """Print one red line for ``error`` and exit with its code."""
    error_console.print(f"[bold red]error:[/] {error.message}", highlight=False, markup=True)
    raise typer.Exit(error.exit_code)


def load_settings() -> Settings:
    """Settings from the config file and environment, errors reported as one line."""
    try:
        return Settings.load()
    except MovieRecError as exc:
        fail(exc)


def run_async(work: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine with the CLI's error mapping (no ``MovieRec`` opened)."""
    try:
        return asyncio.run(_call(work))
    except MovieRecError as exc:
        fail(exc)
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        translated = classify_error(exc)  # defence in depth: services translate their own
        if translated is not None:
            fail(translated)
        if debug_enabled():
            raise
        error_console.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {exc} "
            "(set MOVIEREC_DEBUG=1 for the traceback)",
            highlight=False,
        )
        raise typer.Exit(1) from None


async def _call(work: Callable[[], Awaitable[T]]) -> T:
    return await work()


def run(work: Callable[[MovieRec], Awaitable[T]], settings: Settings | None = None) -> T:
    """Open ``MovieRec`` with the loaded settings, run ``work`` on it, close it."""
    resolved = settings or load_settings()

    async def opened() -> T:
        async with MovieRec(resolved) as mr:
            return await work(mr)

    return run_async(opened)
