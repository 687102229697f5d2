"""Text from outside made safe to show: in a terminal, a log line or an admin's table.

Anything a request or a file supplied (names, audit details, titles, paths, error
messages quoting input) may carry control characters: an escape sequence can write the
clipboard (OSC 52), clear the screen or recolour what follows; a bidi override can make
text read differently from what it is. :func:`printable` shows each such character as
its Python escape (``\\x1b``, ``\\u202e``), so it is visible and inert.
"""

from __future__ import annotations

import re

__all__ = ["printable"]

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f"  # C0 and C1 controls, DEL (ESC, BEL, CSI, OSC, ...)
    "\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"  # invisible and bidi controls
    "\ud800-\udfff]"  # lone surrogates (undecodable bytes, read with surrogateescape)
)


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape", "backslashreplace").decode("ascii")


def printable(value: object) -> str:
    """``str(value)`` with every control, invisible or bidi character escaped."""
    return _UNSAFE.sub(_escape, str(value))
