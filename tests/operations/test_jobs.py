"""Background jobs from the CLI (no worker) and through a real Celery worker on Redis."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from movierec import Settings
from movierec.db.models import RefreshToken
from movierec.operations.tasks import TASK_NAME, beat_schedule, create_celery_app
from movierec_cli.app import app
from tests.helpers.factories import stored_user

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MOVIEREC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MOVIEREC_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path


def test_jobs_list_names_every_job_with_its_schedule(cli_env: Path) -> None:
    result = runner.invoke(app, ["jobs", "list", "--json"])
    assert result.exit_code == 0, result.output
    jobs = {job["name"]: job for job in json.loads(result.stdout)}
    assert jobs["prune"]["schedule"] == "every 24 h"


def test_jobs_run_runs_a_job_in_process(cli_env: Path) -> None:
    result = runner.invoke(app, ["jobs", "run", "prune", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["job"] == "prune"
    assert report["result"] == {
        "refresh_tokens": 0,
        "usage_buckets": 0,
        "audit_events": 0,
        "sessions": 0,
        "login_locks": 0,
        "serving_log": 0,
    }


def test_an_unknown_job_is_one_red_line_and_exit_2(cli_env: Path) -> None:
    result = runner.invoke(app, ["jobs", "run", "dance"])
    assert result.exit_code == 2
    assert "unknown job 'dance'" in result.stderr


def test_the_worker_needs_a_broker(cli_env: Path) -> None:
    result = runner.invoke(app, ["worker"])
    assert result.exit_code == 78
    assert "MOVIEREC_CELERY_BROKER_URL" in result.stderr


def test_the_beat_schedule_runs_each_periodic_job_on_the_configured_queue() -> None:
    schedule = beat_schedule(Settings(celery_queue="q1"))
    assert schedule["prune"]["task"] == TASK_NAME
    assert schedule["prune"]["args"] == ("prune",)
    assert schedule["prune"]["options"]["queue"] == "q1"
    assert schedule["prune"]["schedule"].total_seconds() == 24 * 3600


def _log_tail(tmp_path: Path) -> str:
    return (tmp_path / "worker.log").read_text()[-3000:]


@pytest.mark.services_only
async def test_a_real_worker_runs_an_enqueued_prune(
    worker: Settings, make_mr: Any, tmp_path: Path
) -> None:
    await make_mr()
    user = await stored_user("carol")
    past = datetime.now(UTC) - timedelta(days=1)
    await RefreshToken.create(user=user, token_hash="a" * 64, family_id="f", expires_at=past)
    celery = create_celery_app(worker)
    sent = celery.send_task(TASK_NAME, args=("prune", None), queue=worker.celery_queue)
    try:
        outcome = sent.get(timeout=60)
    except Exception:
        pytest.fail("worker did not answer:\n" + _log_tail(tmp_path))
    finally:
        celery.close()
    assert outcome["job"] == "prune"
    assert outcome["result"]["refresh_tokens"] == 1
    assert await RefreshToken.all().count() == 0
