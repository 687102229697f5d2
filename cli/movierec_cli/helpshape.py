"""How parameters read in ``--help`` and usage lines, fixed once for the whole tree.

Typer 0.29 shows a ``<bool>`` type on every flag (a flag takes no value) and writes a
required argument as ``{query}`` in usage lines. The root group's class
(:class:`MovieRecGroup`) walks the command tree once when the app is built and gives
every argument and flag the shape below, so no command has to ask for it.
"""

from __future__ import annotations

from typing import Any

from typer._click import Context
from typer.core import TyperArgument, TyperGroup, TyperOption

__all__ = ["MovieRecGroup", "reshape"]


class _Argument(TyperArgument):
    """An argument named like click does in usage: ``QUERY``, ``[PATH]``, ``MOVIES...``."""

    def _usage_display_name(self) -> str:
        name = self.display_name_raw.upper()
        name = name if self.required else f"[{name}]"
        return name + "..." if self.nargs != 1 else name

    def get_error_hint(self) -> str:
        return f"'{self.display_name_raw.upper()}'"


class _Flag(TyperOption):
    """A boolean flag: nothing in the type column (it takes no value)."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def _reshape_param(param: Any) -> None:
    if type(param) is TyperArgument:
        param.__class__ = _Argument
    elif type(param) is TyperOption and param.is_flag and param.metavar is None:
        param.__class__ = _Flag


class MovieRecGroup(TyperGroup):
    """The root ``movierec`` group: reshapes every command's parameters once, at build."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reshape(self, self.context_settings.get("help_option_names", ["--help"]))

    def get_params(self, ctx: Any) -> list[Any]:
        """The root's own, with the completion flags Typer adds after building it."""
        params: list[Any] = super().get_params(ctx)
        for param in params:
            _reshape_param(param)
        return params


def reshape(command: Any, help_names: list[str]) -> None:
    """Every parameter below ``command``, its ``--help`` flag included.

    Click makes a command's help flag on first use and keeps it; making it here (with
    the names every context inherits from the root) lets it take the flag's shape too.
    """
    for param in command.params:
        _reshape_param(param)
    _reshape_param(command.get_help_option(Context(command, help_option_names=help_names)))
    for child in getattr(command, "commands", {}).values():
        reshape(child, help_names)
