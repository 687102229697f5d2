"""Reading passwords: a hidden prompt for people, ``--password-stdin`` for scripts.

A password is never a command-line argument (it would land in shell history and in
``ps`` output).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

__all__ = ["PasswordStdinOption", "read_password"]

PasswordStdinOption = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input."
    ),
]


def read_password(from_stdin: bool, prompt: str = "Password", *, confirm: bool = False) -> str:
    """The password from stdin's first line, or a hidden prompt (asked twice if ``confirm``)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)
    return value
