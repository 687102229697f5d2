"""The master process of ``movierec serve``: migrate once, fork workers, keep them alive.

Sanic's own worker manager was not dependable for an operator (see docs/operations.md):
it SIGKILLs its whole process group (the caller's shell, a test runner) when a worker
fails to start, never replaces a dead worker, spins forever on a SIGTERM during start-up,
and lets every worker migrate the schema at once. This supervisor replaces it:

1. it applies pending migrations itself, before any worker exists (and the migration
   lock in :mod:`movierec.db.locks` keeps other hosts out meanwhile);
2. it binds the listening socket and starts ``workers`` child processes that inherit it
   (``python -m movierec_server --worker-fd N``), each a single-process Sanic server;
3. it replaces a worker that dies, with a back-off, and exits 1 when workers keep dying;
4. on SIGTERM or SIGINT it stops accepting, sends SIGTERM to its own workers (which finish
   their requests within ``shutdown_grace``), SIGKILLs only its own workers that overrun,
   and exits. A second signal stops at once. It never signals a process group.

It writes ``workers.json`` (configured and live workers) into a private state folder that
the workers read for ``/ready``. Exit codes: 0 stopped on request, 1 workers could not be
kept alive or were killed after the grace period, 78 bad settings, 9 the database did not
answer during start-up.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from movierec import MovieRecError, Settings, migrate_database
from movierec_server.workers import WorkerPool

__all__ = ["ServeOptions", "Supervisor"]

logger = logging.getLogger("movierec.server")

TICK = 0.1
"""Seconds between two looks at the workers."""
DEATH_WINDOW = 60.0
"""Worker deaths are counted over this many seconds to detect a crash loop."""
FAILED_STARTS = 3
"""A worker position whose process dies this many times in a row before serving ends it all."""
MAX_BACKOFF = 10.0
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class _StopNow(Exception):
    """Raised by the signal handler to abandon start-up work (a migration) at once."""


@dataclass(frozen=True)
class ServeOptions:
    """What ``movierec serve`` was asked for."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    ssl: dict[str, str] | None = None
    access_log: bool = False

    def worker_argv(self, listen_fd: int, state_dir: Path) -> list[str]:
        """The command line of one worker process."""
        argv = [sys.executable, "-m", "movierec_server", "--worker-fd", str(listen_fd)]
        argv += ["--state-dir", str(state_dir)]
        if self.ssl:
            argv += ["--cert", self.ssl["cert"], "--key", self.ssl["key"]]
        if self.access_log:
            argv.append("--access-log")
        return argv


@dataclass
class _Slot:
    """One worker position: the process filling it and when it may be refilled."""

    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    not_before: float = 0.0
    quick_deaths: int = 0
    failed_starts: int = 0
    served: bool = False


@dataclass
class Supervisor:
    """Runs the workers of one server; :meth:`run` returns the exit code."""

    settings: Settings
    options: ServeOptions
    max_deaths: int = 0
    """Worker deaths within ``DEATH_WINDOW`` seconds that end the server (0: 3 per worker + 2)."""
    _signals: int = 0
    _in_startup: bool = True
    _sock: socket.socket | None = None
    _pool: WorkerPool | None = None
    _slots: list[_Slot] = field(default_factory=list)
    _deaths: collections.deque[float] = field(default_factory=collections.deque)
    _restarts: int = 0

    def run(self) -> int:
        """Serve until stopped; returns the exit code (see the module docstring)."""
        handlers = {sig: signal.signal(sig, self._on_signal) for sig in _STOP_SIGNALS}
        state_dir = Path(tempfile.mkdtemp(prefix="movierec-serve-"))
        try:
            code = self._serve(state_dir)
            if self._stop_workers():
                logger.error("workers were killed: a second signal, or the grace period ran out")
                code = code or 1
            return code
        finally:
            self._kill_workers()
            if self._sock is not None:
                self._sock.close()
            shutil.rmtree(state_dir, ignore_errors=True)
            for sig, handler in handlers.items():
                signal.signal(sig, handler)

    def _serve(self, state_dir: Path) -> int:
        try:
            if self.settings.auto_migrate:
                asyncio.run(_migrate(self.settings))
            self._sock = _listen(self.options.host, self.options.port)
            self._in_startup = False
            _announce(self._sock, self.options)
        except _StopNow:
            return 0
        except MovieRecError as exc:
            logger.error("cannot start: %s", exc.message)
            return exc.exit_code
        except OSError as exc:
            logger.error("cannot listen on %s:%s: %s", self.options.host, self.options.port, exc)
            return 1
        if self._signals:
            return 0
        self._pool = WorkerPool(state_dir)
        self._slots = [_Slot() for _ in range(self.options.workers)]
        return self._supervise()

    # --- signals

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._signals += 1
        if self._in_startup:
            raise _StopNow
        if self._signals > 1:
            self._kill_workers()

    # --- the loop

    def _supervise(self) -> int:
        assert self._pool is not None
        limit = self.max_deaths or 3 * self.options.workers + 2
        last_report: tuple[int, int] | None = None
        while not self._signals:
            now = time.monotonic()
            for slot in self._slots:
                if slot.process is not None and slot.process.poll() is not None:
                    self._buried(slot, now)
                if slot.failed_starts >= FAILED_STARTS:
                    logger.error(
                        "workers fail to start (%d times in a row); giving up", FAILED_STARTS
                    )
                    return 1
                if slot.process is None and now >= slot.not_before:
                    self._start(slot, now)
            while self._deaths and self._deaths[0] < now - DEATH_WINDOW:
                self._deaths.popleft()
            if len(self._deaths) > limit:
                logger.error(
                    "%d workers died within %.0f s; giving up", len(self._deaths), DEATH_WINDOW
                )
                return 1
            live = 0
            for slot in self._slots:
                if slot.process is not None and self._pool.is_ready(slot.process.pid):
                    slot.served = True
                    live += 1
            report = (live, self._restarts)
            if report != last_report:
                self._pool.publish(self.options.workers, live, self._restarts)
                last_report = report
            time.sleep(TICK)
        return 0

    def _start(self, slot: _Slot, now: float) -> None:
        assert self._sock is not None
        assert self._pool is not None
        fd = self._sock.fileno()
        argv = self.options.worker_argv(fd, self._pool.state_dir)
        slot.process = subprocess.Popen(argv, pass_fds=(fd,))  # noqa: S603
        slot.started_at = now
        slot.served = False
        logger.info("worker %d started", slot.process.pid)

    def _buried(self, slot: _Slot, now: float) -> None:
        assert slot.process is not None
        assert self._pool is not None
        pid, code = slot.process.pid, slot.process.returncode
        served = slot.served or self._pool.is_ready(pid)
        slot.failed_starts = 0 if served else slot.failed_starts + 1
        self._pool.forget(pid)
        logger.warning("worker %d exited with %s; starting a new one", pid, code)
        self._deaths.append(now)
        self._restarts += 1
        # A worker that dies young is restarted with a growing delay (a crash loop
        # should not burn the CPU); one that served a while is replaced at once.
        slot.quick_deaths = slot.quick_deaths + 1 if now - slot.started_at < 10 else 0
        quick = slot.quick_deaths
        slot.not_before = now + (min(0.5 * 2 ** (quick - 1), MAX_BACKOFF) if quick else 0.0)
        slot.process = None

    # --- stopping

    def _children(self) -> list[subprocess.Popen[bytes]]:
        running = [slot.process for slot in self._slots if slot.process is not None]
        return [process for process in running if process.poll() is None]

    def _kill_workers(self) -> None:
        for child in self._children():
            with contextlib.suppress(ProcessLookupError):
                child.kill()

    def _stop_workers(self) -> bool:
        """Stop every worker; True when one had to be killed."""
        if self._sock is not None:
            # Stop accepting first: the workers close their copies as they stop.
            self._sock.close()
            self._sock = None
        for child in self._children():
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.settings.shutdown_grace + 5.0
        while self._children() and time.monotonic() < deadline:
            time.sleep(TICK)
        overran = self._children()
        for child in overran:
            with contextlib.suppress(ProcessLookupError):
                child.kill()
        for slot in self._slots:
            if slot.process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    slot.process.wait(5)
        return bool(overran) or self._signals > 1


async def _migrate(settings: Settings) -> None:
    """Bring the schema up to date once, before any worker opens the database."""
    await migrate_database(settings.resolved_database_url)


def _announce(sock: socket.socket, options: ServeOptions) -> None:
    """Tell the person who ran ``movierec serve`` where the API answers (the bound port)."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    base = f"{'https' if options.ssl else 'http'}://{shown}:{port}"
    sys.stderr.write(f"movierec API on {base} (docs at {base}/docs); Ctrl+C stops it\n")
    sys.stderr.flush()


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def supervise(settings: Settings, options: ServeOptions) -> int:
    """Run the master process; returns its exit code."""
    return Supervisor(settings, options).run()
