"""What the master and its workers tell each other, through a private state folder.

The supervisor creates the folder and passes it to every worker. A worker touches
``ready-<pid>`` before it answers its first request; the supervisor removes the file when
it buries the worker, and writes ``workers.json`` (``{"configured": N, "live": K,
"restarts": R}``). ``/ready`` reports the configured and restart counts from that file and
counts the live workers itself, from the ready files of processes that still exist: a
worker that serves is counted at once, not a supervisor tick later (under load a tick can
be late, and ``/ready`` would call a fully started server degraded). Plain files: no extra
service, and a worker never needs to know its siblings.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import orjson

from movierec import WorkerCount

__all__ = ["WorkerPool"]


def _exists(pid: int) -> bool:
    """True while process ``pid`` exists (a dead worker not yet buried still counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
        """Configured and restarts as the supervisor last wrote them, with the live workers
        counted now; ``None`` before the supervisor's first count."""
        try:
            raw = orjson.loads((self.state_dir / "workers.json").read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        return WorkerCount(int(raw["configured"]), self.live(), int(raw["restarts"]))

    def live(self) -> int:
        """Workers that said they serve and whose process still exists."""
        count = 0
        for ready in self.state_dir.glob("ready-*"):
            pid = ready.name.removeprefix("ready-")
            if pid.isdigit() and _exists(int(pid)):
                count += 1
        return count

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
