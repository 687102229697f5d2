"""A private redis-server a test may stop, restart and flush (never the shared one)."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import redis as sync_redis

__all__ = ["PrivateRedis"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateRedis:
    """One redis-server process without persistence, on a free port, owned by the test."""

    def __init__(
        self, workdir: Path, *, password: str | None = None, unix_socket: Path | None = None
    ) -> None:
        self.port = _free_port()
        auth = f":{quote(password, safe='')}@" if password else ""
        self.url = f"redis://{auth}127.0.0.1:{self.port}/0"
        self._workdir = workdir
        self._extra = [
            *(["--requirepass", password] if password else []),
            *(["--unixsocket", str(unix_socket)] if unix_socket else []),
        ]
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start (again) on the same port and wait until it answers."""
        self._process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self._workdir),
                *self._extra,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = sync_redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        try:
            for _ in range(100):
                try:
                    if client.ping():
                        return
                except sync_redis.ConnectionError:
                    time.sleep(0.05)
        finally:
            client.close()
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        """Stop the process this helper started (by its PID), losing every key."""
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None

    def restart(self) -> None:
        """Stop and start: an empty Redis on the same address, as after a crash."""
        self.stop()
        self.start()
