"""How parameters read in ``--help`` and usage lines, fixed once for the whole tree.

Typer 0.29 shows a ``<bool>`` type on every flag (a flag takes no value) and writes a
required argument as ``{query}`` in usage lines. The root group's class
(:class:`MovieRecGroup`) walks the command tree once when the app is built and gives
every argument and flag the shape below, so no command has to ask for it.

Typer 0.29 also converts every value through a pydantic ``TypeAdapter`` built for the
parameter on first use (a flag left out included): importing pydantic's schema machinery
and building a schema per parameter, a large part of a command's start-up. A plain
``str``, ``int`` or ``bool`` parameter (no parser, bounds, choices or path checks) gets
:class:`PlainValue` instead, which returns what the adapter would for the ordinary
values (one of that type already; for ``int`` a string of ASCII digits) and hands any
other value to Typer's adapter, so its result and its error message stay Typer's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from typer._click import Context
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer.core import TyperArgument, TyperGroup, TyperOption

__all__ = ["MovieRecGroup", "PlainValue", "reshape"]

_DIGITS = re.compile(r"[+-]?[0-9]{1,18}")


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


@dataclass(frozen=True)
class PlainValue(RuntimeParam):
    """Typer's conversion of a plain ``str``, ``int`` or ``bool`` value, without its adapter."""

    descriptor: TypeDescriptor

    @staticmethod
    def fits(descriptor: TypeDescriptor) -> bool:
        """True for a plain ``str``, ``int`` or ``bool`` parameter (Typer: through pydantic)."""
        info = descriptor.parameter_info
        return (
            descriptor.annotation in (str, int, bool)
            and info.parser is None
            and info.min is None
            and info.max is None
            and not (descriptor.is_file or descriptor.is_path or descriptor.is_choice)
        )

    def _coerce_value(self, value: Any, param: Any, ctx: Context) -> Any:
        if type(value) is self.annotation:
            return value
        if self.annotation is int and type(value) is str and _DIGITS.fullmatch(value):
            return int(value)
        typer_own = build_runtime_param(self.descriptor)  # anything else: Typer's adapter
        return typer_own._coerce_value(value, param=param, ctx=ctx)


def _reshape_param(param: Any) -> None:
    if type(param) is TyperArgument:
        param.__class__ = _Argument
    elif type(param) is TyperOption and param.is_flag and param.metavar is None:
        param.__class__ = _Flag
    descriptor = getattr(param, "type_descriptor", None)
    unset = getattr(param, "_runtime_param", True) is None
    if unset and descriptor is not None and PlainValue.fits(descriptor):
        param._runtime_param = PlainValue(
            parameter_info=descriptor.parameter_info,
            annotation=descriptor.annotation,
            descriptor=descriptor,
        )


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
