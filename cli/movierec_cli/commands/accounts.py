"""``movierec register|login|logout|whoami``: your account from the terminal.

The CLI talks to the library directly (same database as the server), and keeps the
login in the config folder (mode 0600).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from movierec import (
        MovieRec,
        Principal,
        TokenPair,
        UserView,
    )
from movierec_cli.commands.prompts import PasswordStdinOption, read_password
from movierec_cli.commands.user_output import print_user, report_user
from movierec_cli.options import JsonOption
from movierec_cli.render import print_json, print_message
from movierec_cli.runner import load_settings, run
from movierec_cli.session import clear_login, load_login, run_authed, save_login

UsernameArgument = Annotated[str, typer.Argument(help="Your username or email.")]


def register(
    username: Annotated[str, typer.Argument(help="The username to create (3-32 characters).")],
    email: Annotated[str, typer.Option(help="Your email address.", prompt=True)],
    password_stdin: PasswordStdinOption = False,
    exist_ok: Annotated[
        bool,
        typer.Option(
            "--exist-ok",
            help="Succeed when this account already exists with this password (for scripts).",
        ),
    ] = False,
    json: JsonOption = False,
) -> None:
    """Create an account (the password is asked for, hidden, twice).

    Example: echo "$PASSWORD" | movierec register ada --email ada@example.com --password-stdin
    """
    from movierec import Conflict, Unauthenticated

    password = read_password(password_stdin, confirm=True)

    async def work(mr: MovieRec) -> tuple[UserView, bool]:
        try:
            return await mr.auth.register(username, email, password), True
        except Conflict:
            if not exist_ok:
                raise
            try:  # the same account only: its password must match
                pair = await mr.auth.login(username, password)
            except Unauthenticated:
                raise Conflict(
                    f"{username}: already taken by another account (or another password)"
                ) from None
            # a check, not a login: end the session it opened
            await mr.auth.logout(await mr.auth.authenticate(pair.access_token), pair.refresh_token)
            return pair.user, False

    user, created = run(work)
    if created:
        message = f"registered {user.username}; now run `movierec login`"
    else:
        message = f"{user.username} is already registered; run `movierec login`"
    report_user(user, json, message)


def login(
    username: UsernameArgument,
    password_stdin: PasswordStdinOption = False,
    json: JsonOption = False,
) -> None:
    """Log in and keep the session in the config folder (the password is asked for, hidden).

    Example: movierec login ada
    """
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
    from movierec import Unauthenticated

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
    """Show who is logged in.

    Example: movierec whoami --json
    """

    async def work(mr: MovieRec, principal: Principal) -> UserView:
        return await mr.profiles.get(principal)

    print_user(run_authed(work), json, title="Logged in as")


__all__ = ["login", "logout", "register", "whoami"]
