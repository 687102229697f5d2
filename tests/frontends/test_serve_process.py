"""``movierec serve`` as an operator's process: start, stop, worker death, signals.

Every test runs the real ``python -m movierec_server`` (a supervisor and its worker
processes) in a session of its own, sends real signals and looks at real sockets.
Starting two workers costs several seconds on a busy machine, so each test starts as few
servers as it can; the long repetitions are marked ``slow``.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from movierec_server.middleware.headers import API_CSP
from tests.conftest import PG_ADMIN_DSN, RUN_ID, Services
from tests.helpers.served import (
    JWT_SECRET,
    ROOT,
    ServedApp,
    create_database,
    database_dsn,
    drop_database,
    free_port,
)

PYTHONPATH = os.pathsep.join([str(ROOT), str(ROOT / "cli"), str(ROOT / "server")])


def embedded_env(home: Path, **extra: str) -> dict[str, str]:
    """A server on the embedded default: SQLite in an (empty) data folder, no Redis."""
    return {
        "MOVIEREC_DATA_DIR": str(home / "data"),
        "MOVIEREC_CONFIG_DIR": str(home / "config"),
        "MOVIEREC_JWT_SECRET": JWT_SECRET,
        "MOVIEREC_TMDB_BASE_URL": "http://127.0.0.1:9/3",
        "MOVIEREC_SHUTDOWN_GRACE": "5",
        **extra,
    }


def wait_for(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if predicate():
                return True
        time.sleep(0.1)
    return False


def workers(app: ServedApp) -> dict[str, int]:
    body = httpx.get(app.url + "/ready", timeout=5).json()
    return dict(body.get("workers") or {})


def worker_pids(app: ServedApp) -> list[int]:
    """The supervisor's children (its workers)."""
    assert app.process is not None
    children = Path(f"/proc/{app.process.pid}/task/{app.process.pid}/children")
    return [int(pid) for pid in children.read_text().split()]


def group_is_empty(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def port_is_closed(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
    except httpx.ConnectError:
        return True
    except httpx.HTTPError:
        return False
    return False


# --- 1 and 4: stopping never reaches the caller; a stop during start-up exits

WRAPPER = """
"$PYTHON" -m movierec_server --port "$PORT" --workers 2 $EXTRA &
server=$!
echo "server $server"
read -r go
for signal in $SIGNALS; do kill -s "$signal" "$server"; sleep 0.3; done
wait "$server"
echo "server exited $?"
echo "wrapper alive"
"""


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (a supervisor's workers)."""
    try:
        listed = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in listed.split()]


def run_wrapper(
    home: Path,
    *,
    signals: str,
    go: Callable[[int, int], None],
    extra: str = "",
    timeout: float = 60,
) -> tuple[int, str, int]:
    """Run the wrapper shell in a session of its own; returns (its code, output, port)."""
    port = free_port()
    env = {
        **os.environ,
        **embedded_env(home),
        "PYTHONPATH": PYTHONPATH,
        "PYTHON": sys.executable,
        "PORT": str(port),
        "SIGNALS": signals,
        "EXTRA": extra,
    }
    shell = subprocess.Popen(
        ["bash", "-c", WRAPPER],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        text=True,
    )
    try:
        assert shell.stdout is not None
        assert shell.stdin is not None
        first = shell.stdout.readline()  # "server <pid>"
        go(port, int(first.split()[1]))
        shell.stdin.write("go\n")
        shell.stdin.flush()
        output, _ = shell.communicate(timeout=timeout)
        return shell.returncode, first + output, port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(shell.pid, signal.SIGKILL)  # our session only, whatever is left
        shell.wait(5)


def test_a_wrapper_shell_survives_two_sigterms_and_nothing_is_left_running(
    tmp_path: Path,
) -> None:
    def when_serving(port: int, _: int) -> None:
        assert wait_for(
            lambda: httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200,
            timeout=60,
        ), "the server never answered"

    code, output, port = run_wrapper(tmp_path, signals="TERM TERM", go=when_serving)
    assert code == 0, output
    assert "wrapper alive" in output
    assert "server exited" in output
    assert port_is_closed(port)


def while_workers_start(port: int, server: int) -> None:
    """Until the port listens: the workers are still starting (they take seconds)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.02)


@pytest.mark.parametrize(
    "moment",
    [lambda port, server: time.sleep(0.3), while_workers_start],
    ids=["before-python-is-up", "while-workers-start"],
)
def test_sigterm_during_start_up_exits_promptly_with_nothing_left(
    tmp_path: Path, moment: Callable[[int, int], None]
) -> None:
    code, output, port = run_wrapper(tmp_path, signals="TERM", go=moment)
    assert code == 0, output
    assert "wrapper alive" in output
    exit_line = next(line for line in output.splitlines() if line.startswith("server exited"))
    # 0: stopped by the supervisor; 143: killed by SIGTERM before Python set its handler
    assert exit_line.split()[-1] in {"0", "143"}, output
    assert port_is_closed(port)


@pytest.mark.slow  # three failed worker starts in a row: 20 s each on a loaded machine
def test_workers_that_cannot_start_end_the_server_with_1_and_spare_the_caller(
    tmp_path: Path,
) -> None:
    bogus = tmp_path / "bogus.pem"
    bogus.write_text("not a certificate\n")
    code, output, port = run_wrapper(
        tmp_path,
        signals="",
        go=lambda port, server: None,
        extra=f"--cert {bogus} --key {bogus}",
        timeout=240,
    )
    assert code == 0, output
    assert "server exited 1" in output
    assert "wrapper alive" in output
    assert port_is_closed(port)


# --- 2 and 3: migrations once; dead workers are replaced


def check_start_and_stop(app: ServedApp) -> None:
    app.start()
    try:
        assert wait_for(lambda: workers(app).get("live") == 2, timeout=60), app.log()
        assert httpx.get(app.url + "/ready", timeout=5).json()["status"] == "ok"
        app.terminate()
        assert app.wait(30) == 0, app.log()
        assert app.process is not None
        assert group_is_empty(app.process.pid)
    finally:
        app.stop()


def test_two_workers_start_on_an_empty_data_folder(tmp_path: Path) -> None:
    # (The worker-replacement test below is a second start on an empty folder.)
    check_start_and_stop(ServedApp(embedded_env(tmp_path), workers=2, log_path=tmp_path / "log"))


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(5))
def test_two_workers_start_on_an_empty_data_folder_five_times(tmp_path: Path, round_: int) -> None:
    check_start_and_stop(ServedApp(embedded_env(tmp_path), workers=2, log_path=tmp_path / "log"))


@pytest.fixture
def empty_postgres(services: Services) -> Iterator[str]:
    name = create_database(PG_ADMIN_DSN, f"movierec_srv_{RUN_ID}")
    try:
        yield database_dsn(PG_ADMIN_DSN, name)
    finally:
        drop_database(PG_ADMIN_DSN, name)


def test_two_workers_start_on_an_empty_postgres_database(
    tmp_path: Path, empty_postgres: str
) -> None:
    env = embedded_env(tmp_path, MOVIEREC_DATABASE_URL=empty_postgres)
    check_start_and_stop(ServedApp(env, workers=2, log_path=tmp_path / "log"))


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(5))  # a fresh empty database each round
def test_two_workers_start_on_an_empty_postgres_database_five_times(
    tmp_path: Path, empty_postgres: str, round_: int
) -> None:
    env = embedded_env(tmp_path, MOVIEREC_DATABASE_URL=empty_postgres)
    check_start_and_stop(ServedApp(env, workers=2, log_path=tmp_path / "log"))


def test_a_killed_worker_is_replaced_and_the_port_keeps_answering(tmp_path: Path) -> None:
    app = ServedApp(embedded_env(tmp_path), workers=2, log_path=tmp_path / "log")
    app.start()
    try:
        assert wait_for(lambda: workers(app).get("live") == 2, timeout=60), app.log()
        first, _ = worker_pids(app)
        os.kill(first, signal.SIGKILL)
        # The other worker answers meanwhile; /ready says one is missing.
        answers = [httpx.get(app.url + "/health", timeout=10).status_code for _ in range(10)]
        assert answers == [200] * 10
        assert wait_for(lambda: workers(app) == {"configured": 2, "live": 2, "restarts": 1}, 60)
        assert first not in worker_pids(app)

        # Every worker dead: the socket stays open and the replacements answer.
        for pid in worker_pids(app):
            os.kill(pid, signal.SIGKILL)
        late = httpx.get(app.url + "/health", timeout=60)
        assert late.status_code == 200
        assert wait_for(lambda: workers(app).get("restarts") == 3, 30), app.log()
    finally:
        app.stop()
    assert app.process is not None
    assert app.process.returncode == 0, app.log()


# --- 5: a stop under load answers every request it accepted


def reset_by_peer(exc: httpx.HTTPError) -> bool:
    """True when the server's kernel reset the connection (ECONNRESET or EPIPE)."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionResetError | BrokenPipeError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def worker_tallies(log: str) -> list[str]:
    """The tally each worker logs as it stops (movierec_server.draining)."""
    return [
        line.split("worker stopped: ")[1] for line in log.splitlines() if "worker stopped: " in line
    ]


def test_a_connection_accepted_before_sigterm_gets_its_request_answered(tmp_path: Path) -> None:
    """The race CI met, made certain: a client connects, SIGTERM comes, then its request.

    A worker keeps a connection it accepted whose request has not arrived (it answers it
    with ``Connection: close``) while it closes a keep-alive connection between requests at
    once; its listener is closed meanwhile, and it exits 0.
    """
    app = ServedApp(embedded_env(tmp_path), workers=1, log_path=tmp_path / "log")
    app.start()
    fresh = http.client.HTTPConnection("127.0.0.1", app.port, timeout=10)
    reused = http.client.HTTPConnection("127.0.0.1", app.port, timeout=10)
    try:
        fresh.connect()
        reused.request("GET", "/health")
        first = reused.getresponse()
        first.read()
        assert first.getheader("connection") == "keep-alive"
        time.sleep(0.5)  # the worker has taken the fresh connection from the listener
        app.terminate()
        assert wait_for(lambda: port_is_closed(app.port), timeout=10), app.log()

        # Closed between requests (a clean FIN), not held until the grace period (5 s)
        # runs out and then aborted (a reset).
        assert reused.sock is not None
        reused.sock.settimeout(4)
        assert reused.sock.recv(1) == b""
        fresh.request("GET", "/movies/genres")
        late = fresh.getresponse()
        assert late.status == 200
        assert late.getheader("connection") == "close"
        assert late.read()
        assert app.wait(30) == 0, app.log()
    finally:
        fresh.close()
        reused.close()
        app.stop()
    [tally] = worker_tallies(app.log())
    accepted, responses, unanswered = map(int, re.findall(r"\d+", tally))
    assert (unanswered, responses) == (0, accepted), tally


def test_sigterm_under_load_answers_every_accepted_request(tmp_path: Path) -> None:
    """The guarantee (docs/operations.md): every connection a worker accepted is answered.

    A client sees 200, or "refused" (the port is closed), or "reset": the connection was
    still in the kernel's accept queue, never taken by a worker, when the last worker
    closed the listener, so the kernel reset it before the server read a byte. The workers'
    own tallies tell the last two apart from a dropped request: each counts every
    connection it accepted and every one it closed unanswered, which must be none.
    """
    log_path = tmp_path / "log"
    app = ServedApp(embedded_env(tmp_path), workers=2, log_path=log_path)
    app.start()
    outcomes: list[str] = []
    stop = threading.Event()

    def client() -> None:
        while not stop.is_set():
            try:
                # A new connection per request: a refused connect is the only clean "no".
                reply = httpx.get(app.url + "/movies/genres", headers={"Connection": "close"})
                outcomes.append(str(reply.status_code))
            except httpx.ConnectError:
                outcomes.append("refused")
                time.sleep(0.05)
            except httpx.HTTPError as exc:
                outcomes.append("reset" if reset_by_peer(exc) else repr(exc))

    threads = [threading.Thread(target=client, daemon=True) for _ in range(6)]
    try:
        assert wait_for(lambda: workers(app).get("live") == 2, timeout=60), app.log()
        for thread in threads:
            thread.start()
        # Under load: both workers busy (a loaded machine serves a few requests a second).
        assert wait_for(lambda: outcomes.count("200") > 10, timeout=60), outcomes
        started = time.monotonic()
        app.terminate()
        code = app.wait(30)
        took = time.monotonic() - started
        time.sleep(0.3)
        stop.set()
        for thread in threads:
            thread.join(15)
    finally:
        stop.set()
        app.stop()
    log = log_path.read_text(errors="replace")
    unanswered = [o for o in outcomes if o not in ("200", "refused", "reset")]
    assert not unanswered, unanswered
    tallies = worker_tallies(log)
    assert len(tallies) == 2, log[-4000:]  # both workers stopped on their own
    assert all(tally.endswith(" 0 closed unanswered") for tally in tallies), tallies
    assert code == 0, app.log()
    assert took < 10, took


def test_the_served_security_headers_go_out_once_per_reply_on_a_kept_alive_connection(
    tmp_path: Path,
) -> None:
    # The server writes its constant security headers as one encoded block after the
    # status line (movierec_server.draining); each reply of a kept-alive connection has
    # them exactly once, and what the reply set itself is still there.
    app = ServedApp(embedded_env(tmp_path), workers=1, log_path=tmp_path / "log")
    app.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", app.port, timeout=10)
        for path in ("/health", "/movies/genres/unknown", "/health"):
            conn.request("GET", path)
            reply = conn.getresponse()
            reply.read()
            assert reply.version == 11
            for name, value in [
                ("X-Content-Type-Options", "nosniff"),
                ("X-Frame-Options", "DENY"),
                ("Referrer-Policy", "no-referrer"),
                ("Cross-Origin-Opener-Policy", "same-origin"),
                ("Content-Security-Policy", API_CSP),
            ]:
                assert reply.msg.get_all(name) == [value], (path, reply.msg.items())
            assert reply.msg.get_all("X-Request-ID"), reply.msg.items()
            assert reply.msg.get_all("Content-Type") == ["application/json"]
            assert reply.getheader("Connection") == "keep-alive"
        conn.close()
    finally:
        app.stop()
