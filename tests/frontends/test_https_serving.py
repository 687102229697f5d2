"""``movierec serve --cert --key`` serves TLS, and HTTPS replies carry HSTS.

The HTTPS rules themselves run by default over ASGI (``test_http_security.py``); this
starts the real server process with a self-signed certificate.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.helpers.served import free_port

ROOT = Path(__file__).resolve().parents[2]


def trusting(cert: Path) -> ssl.SSLContext:
    """A client TLS context that trusts the test's self-signed certificate."""
    return ssl.create_default_context(cafile=str(cert))


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_server(tmp_path: Path, certificate: tuple[Path, Path]) -> Iterator[str]:
    cert, key = certificate
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "cli"), str(ROOT / "server")]),
        "MOVIEREC_DATA_DIR": str(tmp_path / "data"),
        "MOVIEREC_CONFIG_DIR": str(tmp_path / "config"),
        "MOVIEREC_FORCE_HTTPS": "true",
        "MOVIEREC_TMDB_BASE_URL": "http://127.0.0.1:9/3",
    }
    argv = [
        sys.executable,
        "-m",
        "movierec_server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--cert",
        str(cert),
        "--key",
        str(key),
    ]
    process = subprocess.Popen(
        argv,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the server and its workers, apart from the test run
    )
    url = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert process.poll() is None, "the server exited"
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/health", verify=trusting(cert), timeout=1).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("the TLS server never answered")
        yield url
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the session started above, nothing else


@pytest.mark.slow  # a real server process: ~15 s to start on a busy 2-core machine
def test_the_server_speaks_tls_with_hsts_and_security_headers(
    tls_server: str, certificate: tuple[Path, Path]
) -> None:
    reply = httpx.get(tls_server + "/openapi.json", verify=trusting(certificate[0]), timeout=5)
    assert reply.status_code == 200  # HTTPS is accepted under MOVIEREC_FORCE_HTTPS
    assert reply.headers["strict-transport-security"].startswith("max-age=31536000")
    assert reply.headers["x-content-type-options"] == "nosniff"
    login = httpx.post(
        tls_server + "/auth/login",
        json={"username": "nobody", "password": "wrong password!"},
        verify=trusting(certificate[0]),
        timeout=5,
    )
    assert login.status_code == 401
    assert login.headers["www-authenticate"].startswith("Bearer")
