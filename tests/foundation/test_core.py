"""``MovieRec`` opens and closes everything, reports health, keeps secrets safe."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from movierec import MovieRec, ServiceUnavailable, Settings


async def test_health_reports_both_backends(mr: MovieRec) -> None:
    report = await mr.health()
    assert report.status == "ok"
    assert report.database_kind in {"sqlite", "postgres"}
    assert report.as_dict()["cache"] == {"ok": True, "backend": mr.cache.backend}


async def test_close_is_idempotent(settings: Settings) -> None:
    mr = MovieRec(settings)
    await mr.open()
    await mr.close()
    await mr.close()
    assert not mr.is_open


async def test_an_unreachable_database_is_service_unavailable(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, database_url="postgres://nobody@127.0.0.1:1/none", jwt_secret="s" * 40
    )
    with pytest.raises(ServiceUnavailable, match="database"):
        await MovieRec(settings).open()


def test_the_generated_jwt_secret_is_stored_0600_and_reused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = MovieRec(settings).jwt_secret
    path = tmp_path / "data" / "jwt_secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert MovieRec(settings).jwt_secret == first
    assert len(first) >= 32


def test_a_configured_secret_wins(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, jwt_secret="k" * 40)
    assert MovieRec(settings).jwt_secret == "k" * 40
    assert not (tmp_path / "jwt_secret").exists()
