"""The access log's writer thread: batched writes of whole lines, the same bytes."""

from __future__ import annotations

import io
import logging
import select
import time
from collections.abc import Iterator

import pytest

from movierec import Settings
from movierec_server import observability
from movierec_server.accesslog import ACCESS_MESSAGE, AccessWriter
from movierec_server.metrics import ServerMetrics
from movierec_server.observability import access_logger, configure_logging, record_request


class Writes(io.StringIO):
    """A stream that keeps each write apart."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []

    def write(self, text: str) -> int:
        self.writes.append(text)
        return super().write(text)


@pytest.fixture
def configured() -> Iterator[logging.Logger]:
    """``movierec``'s logger as ``configure_logging`` leaves it, restored afterwards."""
    root = logging.getLogger("movierec")
    saved = (root.handlers[:], root.level, root.propagate)
    saved_access = (access_logger.handlers[:], access_logger.propagate)
    yield root
    root.handlers[:], root.level, root.propagate = saved
    access_logger.handlers[:], access_logger.propagate = saved_access


def writer_into(stream: io.StringIO, formatter: logging.Formatter | None) -> AccessWriter:
    """An access-log writer whose one handler writes to ``stream``."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    return AccessWriter(access_logger, handler)


def test_lines_queued_quickly_come_out_complete_in_order_once(
    configured: logging.Logger,
) -> None:
    configure_logging(Settings(log_format="text"))
    stream = Writes()
    writer = writer_into(stream, configured.handlers[0].formatter)
    count = 3000
    for n in range(count):  # all queued before the thread runs: it drains them in batches
        writer.put(time.time(), ("GET", f"/movies/{n}", 200, 1.0, f"id{n}", ""), {})
    writer.start()
    writer.stop()
    lines = stream.getvalue().splitlines()
    assert [line.split(" GET ")[1] for line in lines] == [
        f"/movies/{n} -> 200 in 1.0 ms [id{n}]" for n in range(count)
    ]
    assert len(stream.writes) < count / 10  # batched
    for text in stream.writes:  # whole lines, each write small enough to stay whole
        assert text.endswith("\n")
        assert len(text.encode()) <= select.PIPE_BUF


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_writer_writes_the_bytes_logger_info_writes(
    configured: logging.Logger, monkeypatch: pytest.MonkeyPatch, log_format: str
) -> None:
    configure_logging(Settings(log_format=log_format))
    formatter = configured.handlers[0].formatter
    monkeypatch.setattr(time, "time", lambda: 1_780_000_000.987654)
    requests = [
        ("abc", "/movies/trending", "/movies/trending", 200, 0.00123, None),
        ("def", "/x\n2026 INFO forged\x1b[2J", "<unmatched>", 404, 0.0456, 7),
    ]

    def log_all() -> None:
        for request_id, path, route, status, seconds, user_id in requests:
            record_request(
                ServerMetrics(),
                request_id=request_id,
                method="GET",
                route=route,
                path=path,
                status=status,
                seconds=seconds,
                user_id=user_id,
            )

    direct = io.StringIO()
    configured.handlers[0] = logging.StreamHandler(direct)
    configured.handlers[0].setFormatter(formatter)
    log_all()  # no writer: Logger.info, the record made on this thread

    queued = io.StringIO()
    writer = writer_into(queued, formatter)
    access_logger.handlers, access_logger.propagate = [], False
    monkeypatch.setattr(observability, "_writer", writer)
    writer.start()
    log_all()
    writer.stop()
    assert direct.getvalue().count("\n") == len(requests)
    assert queued.getvalue() == direct.getvalue()


def test_records_logged_to_the_access_logger_still_reach_the_handlers(
    configured: logging.Logger,
) -> None:
    stream = Writes()
    writer = writer_into(stream, None)
    writer.entries.put(
        access_logger.makeRecord("movierec.access", logging.INFO, "f", 1, "hi", (), None)
    )
    writer.put(time.time(), ("GET", "/health", 200, 1.0, "r1", ""), {})
    writer.start()
    writer.stop()
    assert stream.getvalue() == f"hi\n{ACCESS_MESSAGE % ('GET', '/health', 200, 1.0, 'r1', '')}\n"
