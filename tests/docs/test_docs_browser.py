"""The API docs render in a real browser with no network: headless Chromium against ``serve``.

Slow (one server process, one Chromium page load per docs page); ``.ci/run`` runs it
explicitly and keeps the screenshots in ``.ci/artifacts/``. In CI a missing Chromium is
a failure, not a skip.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.helpers.embedded_env import embedded_server_env
from tests.helpers.served import free_port

pytestmark = pytest.mark.slow


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs Debian's chromium)")
        pytest.skip("chromium is not installed")
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One ``python -m movierec_server`` on loopback, embedded backends, no TMDb."""
    tmp_path = tmp_path_factory.mktemp("served")
    port = free_port()
    env = embedded_server_env(tmp_path)
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "movierec_server", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _render(chromium: str, url: str, screenshot: Path, profile: Path) -> str:
    """Load ``url`` once, save a screenshot, return the DOM after scripts ran."""
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            f"--user-data-dir={profile}",
            # No network but loopback: a CDN asset would fail to load, as offline.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--virtual-time-budget=10000",
            "--window-size=1280,1600",
            f"--screenshot={screenshot}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert screenshot.stat().st_size > 10_000
    return result.stdout


def _artifacts(tmp_path: Path) -> Path:
    folder = os.environ.get("CI_ARTIFACTS")
    return Path(folder) if folder else tmp_path / "artifacts"


def test_swagger_ui_renders_the_operation_list_offline(server: str, tmp_path: Path) -> None:
    dom = _render(
        _chromium(), f"{server}/docs", _artifacts(tmp_path) / "docs-swagger.png", tmp_path / "p1"
    )
    paths = set(re.findall(r'class="opblock-summary-path" data-path="([^"]+)"', dom))
    assert {"/auth/login", "/movies/trending", "/favorites"} <= paths, sorted(paths)
    assert len(paths) >= 15
    assert "errors-wrapper" not in dom  # Swagger UI's resolver error box


def test_redoc_renders_the_operation_list_offline(server: str, tmp_path: Path) -> None:
    dom = _render(
        _chromium(),
        f"{server}/docs/redoc",
        _artifacts(tmp_path) / "docs-redoc.png",
        tmp_path / "p2",
    )
    operations = set(re.findall(r'data-section-id="operation/([^"]+)"', dom))
    assert len(operations) >= 20, dom[:2000]
    assert "Log in: get an access and a refresh token" in dom
    assert "Something went wrong" not in dom
