"""The root group lists its commands from a table and imports one only to run it.

Building the whole Typer tree imports every command module and evaluates every
command's annotations: most of ``movierec --help``'s time, and all of it wasted on a
command that runs one of them. :class:`LazyRoot` lists the commands of
:data:`movierec_cli.app.COMMANDS` (name, where it lives, its one-line help) without
importing them, and builds a command (Typer's own build, then the help shape of
:mod:`movierec_cli.helpshape`) when it is invoked, or when its own ``--help`` is asked
for. ``tests/frontends/test_cli_startup.py`` checks that the table's help lines are
the commands' own, so the listing cannot drift from what the commands say.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from difflib import get_close_matches
from typing import ClassVar, Self

import typer
import typer.main
from typer._click import Command, Context, HelpFormatter
from typer._click.exceptions import UsageError
from typer.core import TyperCommand

from movierec_cli.helpshape import MovieRecGroup, reshape

__all__ = ["Entry", "LazyRoot"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One command of the root group, before it is imported."""

    name: str
    target: str
    """``module:attribute``: a Typer app (a group) or a command function."""
    help: str
    """What ``movierec --help`` lists for it (the first paragraph of its help)."""

    def build(self) -> Command:
        """Import the command and build it as the full tree would."""
        module, _, attribute = self.target.partition(":")
        target = getattr(importlib.import_module(module), attribute)
        holder = typer.Typer(rich_markup_mode="markdown", pretty_exceptions_enable=False)
        holder.callback()(_nothing)  # a group, so a single command keeps its name
        if isinstance(target, typer.Typer):
            holder.add_typer(target, name=self.name)
        else:
            holder.command(self.name)(target)
        built: Command = typer.main.get_command(holder).commands[self.name]  # type: ignore[attr-defined]
        return built


def _nothing() -> None:
    """(holder)"""


class LazyRoot(MovieRecGroup):
    """A root group over :attr:`entries`; a command is built on first use."""

    entries: ClassVar[tuple[Entry, ...]] = ()

    def _entry(self, name: str) -> Entry | None:
        return next((e for e in self.entries if e.name == name), None)

    def list_commands(self, ctx: Context) -> list[str]:
        """The table's names, in its order."""
        return [entry.name for entry in self.entries]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        """The built command if it was used, else a stand-in that only lists it."""
        built: Command | None = self.commands.get(cmd_name)
        if built is not None:
            return built
        entry = self._entry(cmd_name)
        return None if entry is None else TyperCommand(entry.name, help=entry.help)

    def load(self, name: str) -> Command | None:
        """Build the command called ``name`` (once); ``None`` for an unknown name."""
        built: Command | None = self.commands.get(name)
        entry = self._entry(name)
        if built is None and entry is not None:
            built = entry.build()
            reshape(built, self.context_settings.get("help_option_names", ["--help"]))
            self.commands[name] = built
        return built

    def load_all(self) -> Self:
        """Build every command (the generated CLI reference walks the whole tree)."""
        for entry in self.entries:
            self.load(entry.name)
        return self

    def _draws_own_help(self, ctx: Context) -> bool:
        from typer.core import HAS_RICH

        from movierec_cli.roothelp import plain_enough

        return HAS_RICH and self.rich_markup_mode is not None and plain_enough(self, ctx)

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        """The root's page in Typer's look (:mod:`movierec_cli.roothelp`), without Typer's
        renderer and its imports; Typer's when the page holds more than that module draws."""
        if self._draws_own_help(ctx):
            from movierec_cli.roothelp import print_root_help

            print_root_help(self, ctx)
        else:
            super().format_help(ctx, formatter)

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        """A bare ``movierec``: the help page and exit 2, as Typer's ``no_args_is_help``
        does, without its error path (which imports Typer's renderer to print nothing)."""
        bare = not args and self.no_args_is_help and not ctx.resilient_parsing
        if bare and self._draws_own_help(ctx):
            from movierec_cli.roothelp import print_root_help

            print_root_help(self, ctx)
            ctx.exit(2)
        parsed: list[str] = super().parse_args(ctx, args)
        return parsed

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        """Build the command about to run, then resolve as Typer does."""
        if args:
            self.load(args[0])
        try:
            resolved: tuple[str | None, Command | None, list[str]] = super().resolve_command(
                ctx, args
            )
        except UsageError as exc:
            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if matches and "Did you mean" not in exc.message:
                suggestions = ", ".join(f"{m!r}" for m in matches)
                exc.message = f"{exc.message.rstrip('.')}. Did you mean {suggestions}?"
            raise
        return resolved
