"""The state folder a supervisor shares with its workers (``movierec_server.workers``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from movierec_server.workers import WorkerPool


def gone_pid() -> int:
    """The PID of a process that has exited and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_nothing_is_reported_before_the_supervisor_first_counts(tmp_path: Path) -> None:
    pool = WorkerPool(tmp_path)
    pool.mark_ready(123)
    assert pool.status() is None


def test_a_worker_that_serves_is_counted_before_the_supervisor_publishes_again(
    tmp_path: Path,
) -> None:
    """The supervisor's last count said none serve; a worker marking itself ready is live
    at once (``/ready`` must not call a started server degraded for a supervisor tick)."""
    pool = WorkerPool(tmp_path)
    pool.publish(configured=2, live=0, restarts=1)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        pool.mark_ready(sleeper.pid)
        status = pool.status()
        assert status is not None
        assert status.as_dict() == {"configured": 2, "live": 1, "restarts": 1}
    finally:
        sleeper.kill()
        sleeper.wait()


def test_the_ready_file_of_a_process_that_is_gone_does_not_count(tmp_path: Path) -> None:
    pool = WorkerPool(tmp_path)
    pool.publish(configured=1, live=1, restarts=0)
    pool.mark_ready(gone_pid())
    (tmp_path / "ready-not-a-pid").touch()
    status = pool.status()
    assert status is not None
    assert status.live == 0


def test_a_forgotten_worker_no_longer_counts(tmp_path: Path) -> None:
    pool = WorkerPool(tmp_path)
    pool.publish(configured=1, live=1, restarts=0)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        pool.mark_ready(sleeper.pid)
        assert pool.is_ready(sleeper.pid)
        pool.forget(sleeper.pid)
        status = pool.status()
        assert status is not None
        assert status.live == 0
    finally:
        sleeper.kill()
        sleeper.wait()
