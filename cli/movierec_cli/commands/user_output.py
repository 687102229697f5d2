"""How accounts look in the terminal (shared by the account, profile and admin commands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from movierec import UserPage, UserView
from movierec_cli.render import page_caption, print_json, print_message, print_table


def report_user(user: UserView, json: bool, message: str) -> None:
    """After a change: the account as JSON, or one line for people."""
    if json:
        print_json(user)
    else:
        print_message(message)


def print_user(user: UserView, json: bool, title: str = "Account") -> None:
    """One account as a two-column table, or JSON."""
    if json:
        print_json(user)
        return
    prefs = user.preferences
    rows = [
        ("id", user.id),
        ("username", user.username),
        ("email", user.email),
        ("display name", user.display_name),
        ("role", user.role),
        ("active", "yes" if user.is_active else "no"),
        ("genres", ", ".join(str(g) for g in prefs.genres) or None),
        ("language", prefs.language),
        ("region", prefs.region),
        ("created", user.created_at.strftime("%Y-%m-%d %H:%M UTC")),
    ]
    print_table(title, ["field", "value"], rows)


def print_users(page: UserPage, json: bool) -> None:
    """A page of accounts as a table, or JSON."""
    if json:
        print_json(page)
        return
    print_table(
        "Users",
        ["id", "username", "email", "role", "active", "created"],
        [
            (
                u.id,
                u.username,
                u.email,
                u.role,
                "yes" if u.is_active else "no",
                u.created_at.strftime("%Y-%m-%d"),
            )
            for u in page.items
        ],
        caption=page_caption(page, "users"),
    )
