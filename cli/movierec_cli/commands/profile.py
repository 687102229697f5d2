"""``movierec profile show|set|password|delete``: your own account."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from movierec import (
        MovieRec,
        Principal,
        ProfileUpdate,
        TokenPair,
        UserView,
    )
from movierec_cli.commands.prompts import PasswordStdinOption, read_password
from movierec_cli.commands.user_output import print_user
from movierec_cli.options import JsonOption
from movierec_cli.render import print_json, print_message
from movierec_cli.runner import fail, load_settings
from movierec_cli.session import clear_login, run_authed, save_login

app = typer.Typer(help="Show and change your profile.", no_args_is_help=True)


@app.command("show")
def show(json: JsonOption = False) -> None:
    """Show your profile and preferences."""

    async def work(mr: MovieRec, principal: Principal) -> UserView:
        return await mr.profiles.get(principal)

    print_user(run_authed(work), json, title="Profile")


def _changes(
    email: str | None,
    display_name: str | None,
    genres: str | None,
    language: str | None,
    region: str | None,
) -> ProfileUpdate:
    from pydantic import ValidationError

    from movierec import InvalidInput, PreferencesUpdate, ProfileUpdate

    values: dict[str, Any] = {}
    if email is not None:
        values["email"] = email
    if display_name is not None:
        values["display_name"] = display_name
    preferences: dict[str, Any] = {}
    if genres is not None:
        try:
            preferences["genres"] = [int(g) for g in genres.split(",") if g.strip()]
        except ValueError:
            fail(InvalidInput.field("genres", "must be comma-separated genre ids, e.g. 28,12"))
    if language is not None:
        preferences["language"] = language or None
    if region is not None:
        preferences["region"] = region or None  # the library normalises the code
    if preferences:
        values["preferences"] = preferences
    if not values:
        fail(InvalidInput("nothing to change; see `movierec profile set --help`"))
    try:
        if "preferences" in values:
            values["preferences"] = PreferencesUpdate.model_validate(values["preferences"])
        return ProfileUpdate.model_validate(values)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = str(first["loc"][-1]) if first["loc"] else "profile"
        fail(InvalidInput.field(field, first["msg"]))


@app.command("set")
def set_(
    email: Annotated[str | None, typer.Option(help="New email address.")] = None,
    display_name: Annotated[str | None, typer.Option(help="Name shown to others.")] = None,
    genres: Annotated[
        str | None, typer.Option(help="Favourite TMDb genre ids, comma-separated (28,12).")
    ] = None,
    language: Annotated[str | None, typer.Option(help="Language, e.g. en-US.")] = None,
    region: Annotated[str | None, typer.Option(help="Country code, e.g. US.")] = None,
    json: JsonOption = False,
) -> None:
    """Change email, display name or preferences (only the options given)."""
    changes = _changes(email, display_name, genres, language, region)

    async def work(mr: MovieRec, principal: Principal) -> UserView:
        return await mr.profiles.update(principal, changes)

    print_user(run_authed(work), json, title="Profile updated")


@app.command("password")
def password(password_stdin: PasswordStdinOption = False, json: JsonOption = False) -> None:
    """Change your password (asks for the current one); other sessions are logged out.

    With ``--password-stdin`` the first line is the current password, the second the new one.
    """
    settings = load_settings()
    current = read_password(password_stdin, "Current password")
    new = read_password(password_stdin, "New password", confirm=True)

    async def work(mr: MovieRec, principal: Principal) -> TokenPair:
        return await mr.profiles.change_password(principal, current, new)

    pair = run_authed(work, settings)
    save_login(settings, pair)
    if json:
        print_json({"changed": True, "user": pair.user})
    else:
        print_message("password changed; other sessions were logged out")


@app.command("delete")
def delete(
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    password_stdin: PasswordStdinOption = False,
    json: JsonOption = False,
) -> None:
    """Delete your account with its favorites and recommendations (asks for your password)."""
    settings = load_settings()
    if not yes:
        typer.confirm("Delete your account and everything in it?", abort=True)
    secret = read_password(password_stdin)

    async def work(mr: MovieRec, principal: Principal) -> str:
        await mr.profiles.delete(principal, secret)
        return principal.username

    username = run_authed(work, settings)
    clear_login(settings)
    if json:
        print_json({"deleted": username})
    else:
        print_message(f"account {username} deleted")
