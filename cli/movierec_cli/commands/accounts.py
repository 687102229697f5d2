"""``movierec register|login|logout|whoami``: your account from the terminal.

The CLI talks to the library directly (same database as the server), and keeps the
login in the config folder (mode 0600).
"""

from __future__ import annotations

from typing import Annotated

import typer

from movierec import MovieRec, Principal, TokenPair, Unauthenticated, UserView
from movierec_cli.commands.prompts import PasswordStdinOption, read_password
from movierec_cli.commands.user_output import print_user, report_user
from movierec_cli.options import JsonOption
from movierec_cli.render import print_json, print_message
from movierec_cli.runner import load_settings, run
from movierec_cli.session import clear_login, load_login, run_authed, save_login

UsernameArgument = Annotated[str, typer.Argument(help="Your username (or email, to log in).")]


def register(
    username: UsernameArgument,
    email: Annotated[str, typer.Option(help="Your email address.", prompt=True)],
    password_stdin: PasswordStdinOption = False,
    json: JsonOption = False,
) -> None:
    """Create an account (the password is asked for, hidden, twice)."""
    password = read_password(password_stdin, confirm=True)

    async def work(mr: MovieRec) -> UserView:
        return await mr.auth.register(username, email, password)

    user = run(work)
    report_user(user, json, f"registered [bold]{user.username}[/]; now run `movierec login`")


def login(
    username: UsernameArgument,
    password_stdin: PasswordStdinOption = False,
    json: JsonOption = False,
) -> None:
    """Log in and keep the session in the config folder (the password is asked for, hidden)."""
    settings = load_settings()
    password = read_password(password_stdin)

    async def work(mr: MovieRec) -> TokenPair:
        return await mr.auth.login(username, password)

    pair = run(work, settings)
    path = save_login(settings, pair)
    if json:
        print_json({"user": pair.user, "saved_to": str(path)})
    else:
        print_message(f"logged in as {pair.user.username} ({pair.user.role})")


def logout(json: JsonOption = False) -> None:
    """End the session and forget the saved login."""
    settings = load_settings()
    saved = load_login(settings)
    if saved is None:
        result = {"logged_out": False, "message": "not logged in"}
    else:

        async def work(mr: MovieRec) -> None:
            try:
                principal = await mr.auth.authenticate(saved.access_token)
            except Unauthenticated:  # access token expired: end the session by its refresh token
                await mr.auth.revoke_refresh_token(saved.refresh_token)
                return
            await mr.auth.logout(principal, saved.refresh_token)

        run(work, settings)
        clear_login(settings)
        result = {"logged_out": True, "message": f"logged out {saved.username}"}
    if json:
        print_json(result)
    else:
        print_message(str(result["message"]))


def whoami(json: JsonOption = False) -> None:
    """Show who is logged in."""

    async def work(mr: MovieRec, principal: Principal) -> UserView:
        return await mr.profiles.get(principal)

    print_user(run_authed(work), json, title="Logged in as")


__all__ = ["login", "logout", "register", "whoami"]
