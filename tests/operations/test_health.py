"""Liveness and readiness: the library's rule; ``/health``, ``/ready`` and ``status`` render it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from movierec import MovieRec, Settings, WorkerCount
from movierec.cache import MemoryCache
from movierec.operations import Health
from movierec_cli.app import app
from tests.helpers.cli_env import point_cli_at


class CountedCache(MemoryCache):
    """The in-process cache, counting PINGs and answering as told."""

    def __init__(self) -> None:
        super().__init__()
        self.pings = 0
        self.answers = True

    async def ping(self) -> bool:
        self.pings += 1
        return self.answers


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def health_of(cache: CountedCache, ticks: Ticks, database: list[bool]) -> Health:
    async def database_ping() -> bool:
        return database[0]

    return Health(database_ping, "sqlite", cache, now=ticks)


async def test_liveness_asks_the_cache_at_most_once_a_second() -> None:
    cache, ticks = CountedCache(), Ticks()
    health = health_of(cache, ticks, [True])
    assert (await health.liveness()).status == "ok"
    cache.answers = False
    ticks.now = 0.9
    assert (await health.liveness()).status == "ok"  # the answer of a moment ago
    assert cache.pings == 1
    ticks.now = 1.0
    live = await health.liveness()
    assert (live.status, live.cache, cache.pings) == ("degraded", False, 2)
    assert live.as_dict()["cache"] == {"backend": "memory", "ok": False}


async def test_readiness_asks_afresh_and_decides_ok_degraded_down() -> None:
    cache, ticks = CountedCache(), Ticks()
    database = [True]
    health = health_of(cache, ticks, database)
    assert (await health.readiness()).status == "ok"
    cache.answers = False
    assert (await health.readiness()).status == "degraded"
    database[0] = False
    down = await health.readiness()
    assert (down.status, down.database, cache.pings) == ("down", False, 3)
    assert down.as_dict()["database"] == {"ok": False, "kind": "sqlite"}


async def test_a_missing_worker_degrades_an_ok_report_only() -> None:
    cache, ticks = CountedCache(), Ticks()
    database = [True]
    health = health_of(cache, ticks, database)
    ok = await health.readiness()
    short = ok.with_workers(WorkerCount(configured=4, live=3, restarts=1))
    assert short.status == "degraded"
    assert short.as_dict()["workers"] == {"configured": 4, "live": 3, "restarts": 1}
    assert ok.with_workers(WorkerCount(4, 4, 0)).status == "ok"
    database[0] = False
    down = await health.readiness()
    assert down.with_workers(WorkerCount(4, 3, 1)).status == "down"


async def test_movierec_reports_liveness_with_its_version(mr: MovieRec) -> None:
    from movierec import __version__

    live = await mr.liveness()
    assert (live.status, live.version, live.cache_backend) == ("ok", __version__, mr.cache.backend)


def test_the_status_command_prints_the_readiness_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings, mr: MovieRec
) -> None:
    point_cli_at(monkeypatch, tmp_path, settings)
    result = CliRunner().invoke(app, ["status", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "kind": settings.database_kind}
    table = CliRunner().invoke(app, ["status"])
    assert table.exit_code == 0, table.output
    assert "movierec is ok" in table.output
