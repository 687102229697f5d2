"""A real Celery worker process for the job tests, on a test's backend and a queue of its own."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import redis as sync_redis

from movierec import Settings

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def celery_worker(settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    """A real ``celery worker`` process on ``settings``' database and a private queue.

    Yields the settings with that queue; its log is ``tmp_path / "worker.log"``.
    """
    assert settings.redis_url is not None
    queue = f"mrt-jobs-{uuid.uuid4().hex[:8]}"
    worker_settings = settings.model_copy(update={"celery_queue": queue})
    env = {key: value for key, value in os.environ.items() if not key.startswith("MOVIEREC_")}
    env.update(
        {
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "cli"), str(ROOT / "server")]),
            "MOVIEREC_DATABASE_URL": str(settings.database_url),
            "MOVIEREC_REDIS_URL": settings.redis_url,
            "MOVIEREC_CACHE_PREFIX": settings.cache_prefix,
            "MOVIEREC_CELERY_QUEUE": queue,
            "MOVIEREC_DATA_DIR": str(tmp_path / "worker-data"),
            "MOVIEREC_CONFIG_DIR": str(tmp_path / "worker-config"),
            "MOVIEREC_JWT_SECRET": str(settings.jwt_secret),
        }
    )
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "movierec.operations.tasks",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "info",
        ],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield worker_settings
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        client = sync_redis.Redis.from_url(settings.redis_url)
        for key in client.scan_iter(match=f"*{queue}*", count=1000):
            client.delete(key)
        client.close()
