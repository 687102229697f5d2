"""Text from outside is shown inert through ``movierec.printable``."""

from __future__ import annotations

import pytest

from movierec import printable


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b]52;c;ZXZpbA==\x07", "\\x1b]52;c;ZXZpbA==\\x07"),
        ("line\nforged 200", "line\\nforged 200"),
        ("\u202etxt.exe", "\\u202etxt.exe"),
        ("\udcff", "\\udcff"),
        ("Amélie 日本 [bold]", "Amélie 日本 [bold]"),
    ],
)
def test_printable_escapes_controls_and_keeps_ordinary_text(raw: str, shown: str) -> None:
    assert printable(raw) == shown
