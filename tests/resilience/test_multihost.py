"""The multi-host shape as processes: two API servers, one Celery worker, PostgreSQL, Redis.

Neither server fits. Before the first fit both answer 503 ``model_unavailable``; the
worker runs the ``fit-model`` job once, and both servers serve recommendations from that
published version within their check interval, without a restart.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from movierec import MovieRec, Settings
from movierec.operations.tasks import TASK_NAME, create_celery_app
from tests.helpers.factories import bearer, signed_in
from tests.helpers.served import ROOT, ServedApp, Stack

pytestmark = [pytest.mark.services_only, pytest.mark.slow]


@pytest.fixture
def worker(stack: Stack, tmp_path: Path) -> Iterator[Settings]:
    """A real Celery worker process on the stack, on a private queue."""
    queue = f"mrt-fit-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOVIEREC_")}
    env.update(stack.env(MOVIEREC_CELERY_QUEUE=queue))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "cli"), str(ROOT / "server")])
    argv = [sys.executable, "-m", "celery", "-A", "movierec.operations.tasks", "worker"]
    argv += ["--pool", "solo", "--queues", queue, "--without-gossip", "--without-mingle"]
    with (tmp_path / "worker.log").open("w") as log:
        process = subprocess.Popen(
            argv,
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield stack.settings(celery_queue=queue)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def _status(app: ServedApp, token: str) -> tuple[int, Any]:
    reply = httpx.get(app.url + "/movies/recommendations?size=5", headers=bearer(token), timeout=30)
    return reply.status_code, reply.json()


def test_a_fit_on_the_worker_reaches_both_servers_without_a_restart(
    stack: Stack, worker: Settings, tmp_path: Path
) -> None:
    async def token() -> str:
        async with MovieRec(stack.settings()) as mr:
            return (await signed_in(mr)).access_token

    access = asyncio.run(token())
    env = stack.env(MOVIEREC_MODEL_CHECK_SECONDS="1")
    first = ServedApp(env, workers=1, log_path=tmp_path / "a.log").start(timeout=120)
    second = ServedApp(env, workers=1, log_path=tmp_path / "b.log").start(timeout=120)
    try:
        for app in (first, second):
            status, body = _status(app, access)
            assert status == 503, body
            assert body["error"]["code"] == "model_unavailable"
        celery = create_celery_app(worker)
        try:
            outcome = celery.send_task(
                TASK_NAME, args=("fit-model", None), queue=worker.celery_queue
            ).get(timeout=120)
        except Exception:
            pytest.fail("worker did not answer:\n" + (tmp_path / "worker.log").read_text()[-3000:])
        finally:
            celery.close()
        assert outcome["result"]["id"] == 1
        assert outcome["result"]["items"] > 0
        for app in (first, second):
            deadline = time.monotonic() + 30
            status, body = _status(app, access)
            while status != 200 and time.monotonic() < deadline:
                time.sleep(0.5)
                status, body = _status(app, access)
            assert status == 200, (body, app.log())
            assert body["items"]
        assert "fitting one in this process" not in first.log() + second.log()
    finally:
        first.stop()
        second.stop()
