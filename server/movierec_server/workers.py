"""What the master and its workers tell each other, through a private state folder.

The supervisor creates the folder and passes it to every worker. A worker touches
``ready-<pid>`` once it serves (and removes it when it stops); the supervisor counts the
ready files of the workers it knows are alive and writes ``workers.json``
(``{"configured": N, "live": K, "restarts": R}``), which ``/ready`` reports. Plain files:
no extra service, and a worker never needs to know its siblings.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import orjson

from movierec import WorkerCount

__all__ = ["WorkerPool"]


@dataclass(frozen=True)
class WorkerPool:
    """The state folder shared by one supervisor and its workers."""

    state_dir: Path

    def _ready_file(self, pid: int) -> Path:
        return self.state_dir / f"ready-{pid}"

    # --- worker side

    def mark_ready(self, pid: int) -> None:
        """Called by a worker once it accepts requests."""
        self._ready_file(pid).touch()

    def status(self) -> WorkerCount | None:
        """The supervisor's last count, or ``None`` before the first one."""
        try:
            raw = orjson.loads((self.state_dir / "workers.json").read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        return WorkerCount(int(raw["configured"]), int(raw["live"]), int(raw["restarts"]))

    # --- supervisor side

    def forget(self, pid: int) -> None:
        """A worker is gone (its ready file with it)."""
        with contextlib.suppress(FileNotFoundError):
            self._ready_file(pid).unlink()

    def is_ready(self, pid: int) -> bool:
        """True once worker ``pid`` said it serves (until it stops)."""
        return self._ready_file(pid).exists()

    def publish(self, configured: int, live: int, restarts: int) -> None:
        """Write the count atomically (a reader never sees half a file)."""
        body = orjson.dumps({"configured": configured, "live": live, "restarts": restarts})
        partial = self.state_dir / f"workers.json.{os.getpid()}"
        partial.write_bytes(body)
        partial.replace(self.state_dir / "workers.json")
