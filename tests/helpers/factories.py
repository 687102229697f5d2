"""Test data, made one way: users, favorites and catalog movies.

A user exists at the level a test works at, and each level has its own name:

- ``stored_user`` / ``stored_principal``: a row written straight into the database (no
  password, no auth flow), for tests of a service that only needs the account to exist (the
  row, or the ``Principal`` the services act for);
- ``registered_user`` / ``signed_in`` / ``signed_in_admin``: through the library's account
  services (``mr.auth``, ``mr.admin``): a real password hash and real tokens;
- ``cli_registered`` / ``cli_login`` / ``cli_signed_in``: through the ``movierec`` CLI
  (``register``, ``login``), for terminal tests (the CLI pointed at the test's backend first,
  see :mod:`tests.helpers.cli_env`);
- ``http_account``: through a served app's HTTP API (``POST /auth/register`` and
  ``/auth/login``), for tests that talk to a server in another process.

Catalog rows are ``stored_movies`` (the ``SEED_MOVIES`` the favorites and CLI tests know by
heart); favorites are added through the service (``add_favorites``). Fixtures stay in the
area ``conftest.py`` files; this module holds the plain functions they and the tests call.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import httpx
from sanic import Sanic
from sanic_testing.testing import SanicASGITestClient

from movierec import MovieRec
from movierec.accounts import TokenPair, UserView
from movierec.catalog.genres import genre_key
from movierec.catalog.titles import fold
from movierec.db.models import Movie as MovieRow
from movierec.db.models import User
from movierec.types import Principal

if TYPE_CHECKING:
    from typer.testing import Result

#: The password of every account the library-level factories create.
PASSWORD = "correct horse battery staple"


# --- users as rows ---------------------------------------------------------------------


async def stored_user(
    username: str = "alice", *, role: Literal["user", "admin"] = "user", active: bool = True
) -> User:
    """A user row with an unusable password hash, email ``<username>@example.org``.

    Needs an open ``MovieRec`` (its database is the active one).
    """
    return await User.create(
        username=username,
        username_key=username.lower(),
        email=f"{username.lower()}@example.org",
        password_hash="!",
        role=role,
        is_active=active,
    )


async def stored_principal(username: str = "alice") -> Principal:
    """A ``stored_user`` as the services see their caller: its ``Principal``."""
    return Principal.of(await stored_user(username))


# --- users through the library --------------------------------------------------------


async def registered_user(
    mr: MovieRec, username: str = "alice", password: str = PASSWORD
) -> UserView:
    """Register ``username`` through ``mr.auth``, email ``<username>@example.org``."""
    return await mr.auth.register(username, f"{username}@example.org", password)


async def signed_in(mr: MovieRec, username: str = "alice", password: str = PASSWORD) -> TokenPair:
    """Log ``username`` in through ``mr.auth``, registering the account first if it is new."""
    if await mr.auth.find_user(username) is None:
        await registered_user(mr, username, password)
    return await mr.auth.login(username, password)


async def signed_in_admin(mr: MovieRec, username: str = "root") -> tuple[TokenPair, Principal]:
    """An admin logged in (registered and promoted first if new); tokens and ``Principal``."""
    if await mr.auth.find_user(username) is None:
        await registered_user(mr, username)
        await mr.admin.promote(username)
    pair = await mr.auth.login(username, PASSWORD)
    return pair, await mr.auth.authenticate(pair.access_token)


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for ``token``."""
    return {"Authorization": f"Bearer {token}"}


def client_from(app: Sanic[Any, Any], ip: str) -> SanicASGITestClient:
    """An ASGI test client of ``app`` whose requests come from the TCP peer ``ip``."""
    client = SanicASGITestClient(app)
    client._transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    return client


# --- users through the CLI --------------------------------------------------------------


def cli(*args: str, input: str | None = None) -> Result:
    """Run ``movierec <args>`` in-process (Typer's runner), ``input`` on stdin."""
    from typer.testing import CliRunner

    from movierec_cli.app import app

    return CliRunner().invoke(app, list(args), input=input)


def cli_registered(username: str, password: str = PASSWORD) -> None:
    """``movierec register <username> --password-stdin``, email ``<username>@example.org``."""
    result = cli(
        "register",
        username,
        "--email",
        f"{username}@example.org",
        "--password-stdin",
        input=password + "\n",
    )
    assert result.exit_code == 0, result.output


def cli_login(username: str, password: str = PASSWORD) -> Result:
    """``movierec login <username> --password-stdin``; the result, whatever the exit code."""
    return cli("login", username, "--password-stdin", input=password + "\n")


def cli_signed_in(username: str, password: str = PASSWORD) -> None:
    """Register ``username`` and log in from the terminal; the CLI's session is theirs."""
    cli_registered(username, password)
    logged = cli_login(username, password)
    assert logged.exit_code == 0, logged.output


# --- users through a served app's HTTP API --------------------------------------------


@dataclass(frozen=True)
class HttpAccount:
    """A user registered over HTTP, and a bearer token for them."""

    username: str
    password: str
    access_token: str
    refresh_token: str | None

    @property
    def headers(self) -> dict[str, str]:
        """The Authorization header."""
        return bearer(self.access_token)


def http_account(base_url: str, username: str | None = None) -> HttpAccount:
    """Register and log in a user (a fresh name unless given) through the HTTP API."""
    username = username or f"u{uuid.uuid4().hex[:10]}"
    password = "Correct-Horse-" + uuid.uuid4().hex[:12]
    with httpx.Client(base_url=base_url, timeout=30) as client:
        body = {"username": username, "email": f"{username}@example.com", "password": password}
        created = client.post("/auth/register", json=body)
        assert created.status_code in (200, 201), created.text
        login = client.post("/auth/login", json={"username": username, "password": password})
        assert login.status_code == 200, login.text
        tokens = login.json()
    return HttpAccount(username, password, tokens["access_token"], tokens.get("refresh_token"))


# --- catalog movies and favorites -------------------------------------------------------


@dataclass(frozen=True)
class SeedMovie:
    """A catalog movie the tests know by heart."""

    id: int
    title: str
    year: int
    genre_ids: tuple[int, ...]
    imdb_id: str | None = None


SEED_MOVIES = (
    SeedMovie(603, "The Matrix", 1999, (28, 878), "tt0133093"),
    SeedMovie(604, "The Matrix Reloaded", 2003, (28, 878), "tt0234215"),
    SeedMovie(550, "Fight Club", 1999, (18,), "tt0137523"),
    SeedMovie(13, "Forrest Gump", 1994, (35, 18, 10749), "tt0109830"),
    SeedMovie(680, "Pulp Fiction", 1994, (53, 80), "tt0110912"),
    SeedMovie(1640, "Crash", 2004, (18,), "tt0375679"),
    SeedMovie(20382, "Crash", 1996, (18, 53), "tt0115964"),
    SeedMovie(129, "Spirited Away", 2001, (16, 10751, 14), "tt0245429"),
)


async def stored_movies(movies: tuple[SeedMovie, ...] = SEED_MOVIES) -> None:
    """Insert catalog rows (``in_catalog``), as the offline catalog stores them."""
    for movie in movies:
        await MovieRow.create(
            id=movie.id,
            title=movie.title,
            search_title=fold(movie.title),
            release_year=movie.year,  # as the offline catalog stores it: no date
            genre_ids=list(movie.genre_ids),
            genre_key=genre_key(movie.genre_ids),
            poster_path=f"/poster{movie.id}.jpg",
            imdb_id=movie.imdb_id,
            in_catalog=True,
            popularity=float(movie.id % 97),
        )


async def add_favorites(mr: MovieRec, user: Principal, ids: list[int]) -> None:
    """Add favorites through ``mr.favorites``, one after another (oldest first)."""
    for ident in ids:
        await mr.favorites.add(user, ident)
