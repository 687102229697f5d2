"""``movierec admin``: user administration.

``users``, ``role``, ``deactivate`` and ``reactivate`` act as the logged-in admin.
``create`` and ``promote`` need no login: they are how the operator, who has the
database, makes the first admin (no HTTP route can). Other areas may add admin
commands to :data:`app`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

import typer

if TYPE_CHECKING:
    from movierec import MovieRec, Principal, UserPage, UserView
from movierec_cli.commands import monitoring
from movierec_cli.commands.prompts import PasswordStdinOption, read_password
from movierec_cli.commands.user_output import print_users, report_user
from movierec_cli.options import JsonOption, PageOption, SizeOption
from movierec_cli.runner import run
from movierec_cli.session import run_authed

app = typer.Typer(help="Administer users (admins only).", no_args_is_help=True)

UserArgument = Annotated[str, typer.Argument(help="Username or email of the user.")]


@app.command("users")
def users(
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="Part of a username or email.")
    ] = None,
    page: PageOption = 1,
    size: SizeOption = 20,
    json: JsonOption = False,
) -> None:
    """List or search users."""

    async def work(mr: MovieRec, principal: Principal) -> UserPage:
        return await mr.admin.list_users(principal, query=query, page=page, size=size)

    print_users(run_authed(work), json)


def _change(
    username: str,
    json: bool,
    verb: str,
    role: Literal["user", "admin"] | None = None,
    active: bool | None = None,
) -> None:
    async def work(mr: MovieRec, principal: Principal) -> UserView:
        target = await mr.admin.find(principal, username)
        if role is not None:
            return await mr.admin.set_role(principal, target.id, role)
        if active:
            return await mr.admin.reactivate(principal, target.id)
        return await mr.admin.deactivate(principal, target.id)

    user = run_authed(work)
    report_user(user, json, f"{user.username} {verb} (role {user.role}, active: {user.is_active})")


@app.command("role")
def role(
    username: UserArgument,
    new_role: Annotated[Literal["user", "admin"], typer.Argument(help="user or admin.")],
    json: JsonOption = False,
) -> None:
    """Give a user the ``user`` or ``admin`` role."""
    _change(username, json, "updated", role=new_role)


@app.command("deactivate")
def deactivate(username: UserArgument, json: JsonOption = False) -> None:
    """Lock a user out; their sessions end at once."""
    _change(username, json, "deactivated", active=False)


@app.command("reactivate")
def reactivate(username: UserArgument, json: JsonOption = False) -> None:
    """Let a deactivated user log in again."""
    _change(username, json, "reactivated", active=True)


@app.command("create")
def create(
    username: Annotated[str, typer.Argument(help="Username of the new admin.")],
    email: Annotated[str, typer.Option(help="Email address.", prompt=True)],
    password_stdin: PasswordStdinOption = False,
    json: JsonOption = False,
) -> None:
    """Create an admin account (operator only: works on the database directly, no login)."""
    password = read_password(password_stdin, confirm=True)

    async def work(mr: MovieRec) -> UserView:
        return await mr.admin.create_admin(username, email, password)

    report_user(run(work), json, f"admin {username} created")


@app.command("promote")
def promote(username: UserArgument, json: JsonOption = False) -> None:
    """Make an existing user an admin (operator only: works on the database directly)."""

    async def work(mr: MovieRec) -> UserView:
        return await mr.admin.promote(username)

    user = run(work)
    report_user(user, json, f"{user.username} is now an admin")


monitoring.register(app)  # usage, audit, quality: admin commands kept in their own module
