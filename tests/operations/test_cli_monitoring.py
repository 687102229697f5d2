"""``movierec admin usage``, ``audit`` and ``quality`` from the terminal."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from movierec import MovieRec, Settings
from movierec.db.models import Favorite, Recommendation, User
from movierec_cli.commands.monitoring import sparkline
from tests.helpers.background_tmdb import BackgroundTMDb
from tests.helpers.factories import cli, cli_login, registered_user
from tests.operations.test_admin_monitoring import fake_counts


@pytest.fixture
def tmdb() -> Iterator[BackgroundTMDb]:
    fake = BackgroundTMDb()
    try:
        yield fake
    finally:
        fake.close()


@pytest.fixture
def cli_settings(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    mr: MovieRec,
    tmdb: BackgroundTMDb,
) -> Settings:
    """The CLI's environment on this test's backend, talking to the fake TMDb server."""
    database_url = settings.database_url
    if settings.database_kind == "sqlite":
        database_url = f"sqlite://{tmp_path / 'cli.sqlite3'}"
    env = {
        "MOVIEREC_DATA_DIR": str(tmp_path / "data"),
        "MOVIEREC_CONFIG_DIR": str(tmp_path / "config"),
        "MOVIEREC_BCRYPT_ROUNDS": "4",
        "MOVIEREC_CACHE_PREFIX": settings.cache_prefix,
        "MOVIEREC_DATABASE_URL": str(database_url),
        "MOVIEREC_JWT_SECRET": str(settings.jwt_secret),
        "COLUMNS": "160",
        **tmdb.env(),
    }
    if settings.redis_url:
        env["MOVIEREC_REDIS_URL"] = settings.redis_url
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings.load()


def _prepare(settings: Settings) -> None:
    """An admin account and some TMDb traffic, written by the library."""

    async def work() -> None:
        async with MovieRec(settings) as mr:
            await registered_user(mr, "root")
            await mr.admin.promote("root")
            assert mr.tmdb is not None
            await mr.tmdb.trending("week")
            await mr.tmdb.trending("day")
            await mr.tmdb.search("the")

    asyncio.run(work())
    login = cli_login("root")
    assert login.exit_code == 0, login.output


def test_admin_usage_counts_match_the_tmdb_servers_log(
    cli_settings: Settings, tmdb: BackgroundTMDb
) -> None:
    _prepare(cli_settings)
    result = cli("admin", "usage", "--since", "2h", "--json")
    assert result.exit_code == 0, result.output
    totals = {
        row["endpoint"]: row["calls"] + row["retries"]
        for row in json.loads(result.stdout)["endpoints"]
    }
    assert totals == dict(fake_counts(tmdb.fake))
    assert totals["/trending/movie/{window}"] == 2


def test_admin_usage_draws_a_table_with_a_sparkline(cli_settings: Settings) -> None:
    _prepare(cli_settings)
    result = cli("admin", "usage", "--bucket", "day")
    assert result.exit_code == 0, result.output
    assert "/search/movie" in result.stdout
    assert "█" in result.stdout


def test_admin_audit_lists_the_logins(cli_settings: Settings) -> None:
    _prepare(cli_settings)
    result = cli("admin", "audit", "--action", "login", "--actor", "root", "--json")
    assert result.exit_code == 0, result.output
    page = json.loads(result.stdout)
    assert page["total"] >= 1
    assert {item["actor"] for item in page["items"]} == {"root"}
    table = cli("admin", "audit", "--since", "1h")
    assert table.exit_code == 0, table.output
    assert "login" in table.stdout


def test_admin_audit_with_a_bad_since_is_one_red_line(cli_settings: Settings) -> None:
    _prepare(cli_settings)
    result = cli("admin", "audit", "--since", "whenever")
    assert result.exit_code == 2
    assert "since" in result.stderr


def test_admin_monitoring_needs_a_login(cli_settings: Settings) -> None:
    result = cli("admin", "usage")
    assert result.exit_code == 5


def test_a_sparkline_scales_to_the_largest_value() -> None:
    assert sparkline([0, 4, 8]) == "▁▅█"
    assert sparkline([0, 0]) == "▁▁"
    assert sparkline([]) == ""


def test_admin_quality_reports_the_share_favorited_with_a_chart(cli_settings: Settings) -> None:
    _prepare(cli_settings)

    async def log() -> None:
        async with MovieRec(cli_settings):
            shown = datetime.now(UTC) - timedelta(days=10)
            user = await User.get(username="root")
            await Recommendation.bulk_create(
                [
                    Recommendation(user=user, movie_id=m, score=1.0, reason="r", created_at=shown)
                    for m in (5, 6, 7, 8)
                ]
            )
            await Favorite.create(
                user=user, movie_id=6, movie_title="six", created_at=shown + timedelta(days=1)
            )

    asyncio.run(log())
    result = cli("admin", "quality", "--days", "14", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert len(report["days"]) == 14
    totals = report["totals"]
    assert (totals["served"], totals["favorited"], totals["share"]) == (4, 1, 0.25)
    table = cli("admin", "quality", "--days", "14")
    assert table.exit_code == 0, table.output
    assert "25.0%" in table.stdout
    assert "█" in table.stdout
    bad = cli("admin", "quality", "--days", "0")
    assert bad.exit_code == 2


def test_a_sparkline_of_shares_scales_to_a_given_top() -> None:
    assert sparkline([0.0, 0.25, 0.5], top=0.5) == "▁▅█"
    assert sparkline([0.25], top=1.0) == "▃"


HOSTILE = "\x1b]52;c;ZXZpbA==\x07\x1b[2J[red]marked[/red]\u202eevil"


def test_admin_audit_shows_hostile_details_inert(cli_settings: Settings) -> None:
    _prepare(cli_settings)

    async def record() -> None:
        async with MovieRec(cli_settings) as mr:
            await mr.audit.record("import", details={"note": HOSTILE})

    asyncio.run(record())
    result = cli("admin", "audit", "--action", "import")
    assert result.exit_code == 0, result.output
    for raw in ("\x1b", "\x07", "\u202e"):
        assert raw not in result.stdout
    flat = "".join(result.stdout.split())  # the table may fold long cells
    assert "\\x1b]52;c;ZXZpbA==\\x07" in flat
    assert "[red]marked[/red]" in flat  # markup shown, not applied
