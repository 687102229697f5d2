"""Accounts from the terminal: register, login, whoami, profile, logout, admin."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from tests.helpers.factories import PASSWORD, cli, cli_login, cli_registered


def test_a_newcomer_registers_logs_in_edits_the_profile_and_logs_out(config_dir: Path) -> None:
    cli_registered("alice")
    assert cli_login("alice").exit_code == 0
    saved = config_dir / "login.json"
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600
    assert PASSWORD not in saved.read_text()
    whoami = cli("whoami", "--json")
    assert whoami.exit_code == 0, whoami.output
    assert json.loads(whoami.stdout)["username"] == "alice"
    changed = cli(
        "profile",
        "set",
        "--display-name",
        "Alice A.",
        "--genres",
        "28,12",
        "--region",
        "fr",
        "--json",
    )
    assert changed.exit_code == 0, changed.output
    profile = json.loads(changed.stdout)
    assert profile["display_name"] == "Alice A."
    assert profile["preferences"]["genres"] == [12, 28]
    assert profile["preferences"]["region"] == "FR"
    shown = cli("profile", "show")
    assert "Alice A." in shown.stdout
    out = cli("logout")
    assert out.exit_code == 0
    assert not saved.exists()
    after = cli("whoami")
    assert after.exit_code == 5
    assert "run `movierec login`" in after.output


def test_the_password_prompt_is_hidden_and_confirmed(config_dir: Path) -> None:
    result = cli("register", "bob", "--email", "bob@example.org", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # typed, never echoed
    login = cli("login", "bob", input=PASSWORD + "\n")
    assert login.exit_code == 0, login.output
    assert PASSWORD not in login.output


def test_a_wrong_password_is_one_red_line_and_exit_5(config_dir: Path) -> None:
    cli_registered("alice")
    result = cli_login("alice", "not the password")
    assert result.exit_code == 5
    assert result.output.strip() == "error: invalid username or password"
    assert not (config_dir / "login.json").exists()


def test_a_weak_password_names_the_field_and_exits_2(config_dir: Path) -> None:
    result = cli(
        "register", "alice", "--email", "a@example.org", "--password-stdin", input="short\n"
    )
    assert result.exit_code == 2
    assert "password" in result.output


def test_an_expired_access_token_is_refreshed_and_saved(config_dir: Path) -> None:
    cli_registered("alice")
    cli_login("alice")
    saved = config_dir / "login.json"
    data = json.loads(saved.read_text())
    data["access_token"] = "expired.or.garbage"
    saved.write_text(json.dumps(data))
    result = cli("whoami", "--json")
    assert result.exit_code == 0, result.output
    renewed = json.loads(saved.read_text())
    assert renewed["access_token"] != "expired.or.garbage"
    assert renewed["refresh_token"] != data["refresh_token"]  # rotated and saved
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600


def test_a_revoked_login_asks_to_log_in_again(config_dir: Path) -> None:
    cli_registered("alice")
    cli_login("alice")
    saved = config_dir / "login.json"
    data = json.loads(saved.read_text())
    data["access_token"] = "garbage"
    data["refresh_token"] = "unknown"
    saved.write_text(json.dumps(data))
    result = cli("whoami")
    assert result.exit_code == 5
    assert "movierec login" in result.output
    assert not saved.exists()


def test_changing_the_password_from_the_cli(config_dir: Path) -> None:
    cli_registered("alice")
    cli_login("alice")
    new = "a brand new passphrase"
    result = cli("profile", "password", "--password-stdin", input=f"{PASSWORD}\n{new}\n")
    assert result.exit_code == 0, result.output
    assert cli("whoami").exit_code == 0  # the saved login was replaced
    assert cli_login("alice").exit_code == 5
    assert cli_login("alice", new).exit_code == 0


def test_deleting_the_account_from_the_cli(config_dir: Path) -> None:
    cli_registered("alice")
    cli_login("alice")
    result = cli("profile", "delete", "--yes", "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert not (config_dir / "login.json").exists()
    assert cli_login("alice").exit_code == 5


def test_admin_commands_refuse_plain_users(config_dir: Path) -> None:
    cli_registered("alice")
    cli_login("alice")
    result = cli("admin", "users")
    assert result.exit_code == 6
    assert "admins only" in result.output


def test_an_operator_promotes_an_admin_who_lists_and_deactivates_users(config_dir: Path) -> None:
    cli_registered("root")
    cli_registered("bob")
    promoted = cli("admin", "promote", "root")
    assert promoted.exit_code == 0, promoted.output
    cli_login("root")
    listing = cli("admin", "users", "--json")
    assert listing.exit_code == 0, listing.output
    page = json.loads(listing.stdout)
    assert [(u["username"], u["role"]) for u in page["items"]] == [
        ("root", "admin"),
        ("bob", "user"),
    ]
    search = cli("admin", "users", "--query", "bo", "--json")
    assert [u["username"] for u in json.loads(search.stdout)["items"]] == ["bob"]
    second = json.loads(cli("admin", "users", "--size", "1", "--page", "2", "--json").stdout)
    assert (second["size"], [u["username"] for u in second["items"]]) == (1, ["bob"])
    off = cli("admin", "deactivate", "bob")
    assert off.exit_code == 0, off.output
    assert cli_login("bob").exit_code == 6
    on = cli("admin", "reactivate", "bob", "--json")
    assert json.loads(on.stdout)["is_active"] is True
    role = cli("admin", "role", "bob", "admin", "--json")
    assert json.loads(role.stdout)["role"] == "admin"


def test_admin_create_makes_an_admin_without_a_login(config_dir: Path) -> None:
    result = cli(
        "admin",
        "create",
        "boss",
        "--email",
        "boss@example.org",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    cli_login("boss")
    assert json.loads(cli("whoami", "--json").stdout)["role"] == "admin"
