"""A PostgreSQL cluster of a test's own, to stop and restart without touching the shared one.

``initdb`` in a temporary folder owned by the ``postgres`` OS user (PostgreSQL refuses to
run as root), ``pg_ctl`` to start, stop and restart it on a free loopback port, trust
authentication. Only the cluster this helper created is ever stopped.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.served import free_port


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else None


def available() -> str | None:
    """Why a private cluster cannot run here, or ``None`` when it can."""
    if _bin("initdb") is None or _bin("pg_ctl") is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "there is no postgres OS user"
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != "postgres":
        return "a private cluster needs root (runuser) or the postgres user"
    return None


@dataclass
class PrivateCluster:
    """One throwaway cluster; use as a context manager."""

    port: int = 0
    home: Path | None = None

    def _run(self, *argv: str, timeout: float = 60) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*prefix, *argv], check=True, timeout=timeout, capture_output=True, cwd="/tmp"
        )

    @property
    def data(self) -> str:
        assert self.home is not None
        return str(self.home / "data")

    @property
    def dsn(self) -> str:
        """Admin DSN of the ``postgres`` database."""
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def __enter__(self) -> PrivateCluster:
        self.port = free_port()
        self.home = Path(tempfile.mkdtemp(prefix="movierec-pg-"))
        user = pwd.getpwnam("postgres")
        os.chown(self.home, user.pw_uid, user.pw_gid)
        initdb, _ = _bin("initdb"), None
        assert initdb is not None
        self._run(initdb, "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()
        return self

    def _ctl(self, action: str, *extra: str) -> None:
        pg_ctl = _bin("pg_ctl")
        assert pg_ctl is not None
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.home} -c fsync=off"
        self._run(pg_ctl, action, "-D", self.data, "-w", "-o", options, *extra)

    def start(self) -> None:
        """Start (waits until it accepts connections)."""
        self._ctl("start", "-l", f"{self.home}/log")

    def stop(self, mode: str = "fast") -> None:
        """Shut down: ``fast`` cuts every connection cleanly, ``immediate`` is a crash."""
        self._ctl("stop", "-m", mode)

    def __exit__(self, *exc: object) -> None:
        try:
            self._ctl("stop", "-m", "immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped
        finally:
            if self.home is not None:
                shutil.rmtree(self.home, ignore_errors=True)
