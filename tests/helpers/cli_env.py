"""Point the CLI (which reads settings from the environment) at a test's backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from movierec import Settings


def point_cli_at(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings: Settings, *, redis: bool = True
) -> None:
    """Set ``MOVIEREC_*`` so CLI commands use this test's folders, database and cache prefix."""
    monkeypatch.setenv("MOVIEREC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MOVIEREC_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("MOVIEREC_BCRYPT_ROUNDS", "4")
    monkeypatch.setenv("MOVIEREC_CACHE_PREFIX", settings.cache_prefix)
    monkeypatch.setenv("MOVIEREC_MODEL_FIT_ON_DEMAND", settings.model_fit_on_demand)
    if settings.database_kind == "postgres":
        assert settings.database_url
        monkeypatch.setenv("MOVIEREC_DATABASE_URL", settings.database_url)
        if redis:
            assert settings.redis_url
            monkeypatch.setenv("MOVIEREC_REDIS_URL", settings.redis_url)


def seeded_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings: Settings) -> Path:
    """Point the CLI at this test's backend and seed the catalog movies the CLI tests use."""
    import asyncio

    from movierec import MovieRec
    from tests.helpers.factories import stored_movies

    async def seed() -> None:
        async with MovieRec(Settings.load()):
            await stored_movies()

    point_cli_at(monkeypatch, tmp_path, settings, redis=False)
    asyncio.run(seed())
    return tmp_path
