"""``movierec serve`` says where it answers, with the port it really bound."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.helpers.embedded_env import embedded_server_env


def test_serve_prints_the_address_it_listens_on(tmp_path: Path) -> None:
    env = embedded_server_env(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "movierec_server", "--port", "0"],  # the OS picks the port
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stderr is not None
        pattern = re.compile(r"on (http://127\.0\.0\.1:(\d+)) \(docs at \1/docs\)")
        seen = [process.stderr.readline() for _ in range(1)]
        while (found := pattern.search(seen[-1])) is None and seen[-1] and len(seen) < 50:
            seen.append(process.stderr.readline())
        assert found, seen
        assert found.group(2) != "0"
        deadline = time.monotonic() + 60
        while True:
            try:
                reply = httpx.get(f"{found.group(1)}/health", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the printed address never answered"
                time.sleep(0.2)
        assert reply.status_code == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
