"""Request ids, access-log lines and Prometheus metrics on every request."""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sanic import Sanic

from movierec import MovieRec, Settings
from movierec.db.models import ApiUsage
from movierec_server import create_app
from movierec_server.metrics import ServerMetrics
from movierec_server.observability import JsonFormatter, configure_logging


@pytest.fixture(scope="module")
def app(module_app: Sanic[Any, Any]) -> Sanic[Any, Any]:
    """One app per backend for the tests that only read; they run in the module's loop."""
    return module_app


#: The tests on the shared ``app`` (built once per module and backend).
shared_app = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
async def public_app(make_mr: Any) -> Sanic[Any, Any]:
    return create_app(movierec=await make_mr(metrics_public=True))


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@shared_app
async def test_every_reply_carries_a_generated_request_id(app: Sanic[Any, Any]) -> None:
    _, first = await app.asgi_client.get("/health")
    _, second = await app.asgi_client.get("/no/such/route")
    ids = {first.headers["x-request-id"], second.headers["x-request-id"]}
    assert len(ids) == 2
    assert all(len(value) == 32 for value in ids)


@shared_app
async def test_a_safe_incoming_request_id_is_echoed(app: Sanic[Any, Any]) -> None:
    _, response = await app.asgi_client.get("/health", headers={"X-Request-ID": "abc-123.x"})
    assert response.headers["x-request-id"] == "abc-123.x"


@shared_app
@pytest.mark.parametrize("unsafe", ["a b", "x" * 200, "<script>", "id\\n"])
async def test_an_unsafe_incoming_request_id_is_replaced(app: Sanic[Any, Any], unsafe: str) -> None:
    _, response = await app.asgi_client.get("/health", headers={"X-Request-ID": unsafe})
    assert response.headers["x-request-id"] != unsafe
    assert len(response.headers["x-request-id"]) == 32


@shared_app
async def test_one_access_line_per_request_with_route_pattern_and_status(
    app: Sanic[Any, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="movierec.access"):
        _, response = await app.asgi_client.get("/ready", headers={"X-Request-ID": "rid-1"})
    records = [r for r in caplog.records if r.name == "movierec.access"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["request_id"] == "rid-1"
    assert line["method"] == "GET"
    assert line["route"] == "/ready"
    assert line["status"] == response.status == 200
    assert line["latency_ms"] >= 0
    assert line["user_id"] is None
    assert line["level"] == "info"
    assert "GET /ready -> 200" in records[0].getMessage()


@shared_app
async def test_unmatched_paths_share_one_route_label(
    app: Sanic[Any, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="movierec.access"):
        await app.asgi_client.get("/wp-admin/secret")
    (record,) = [r for r in caplog.records if r.name == "movierec.access"]
    assert record.fields["route"] == "<unmatched>"  # type: ignore[attr-defined]
    assert record.fields["status"] == 404  # type: ignore[attr-defined]


async def test_metrics_count_requests_by_route_and_status(public_app: Sanic[Any, Any]) -> None:
    for _ in range(3):
        await public_app.asgi_client.get("/health")
    await public_app.asgi_client.get("/nothing/here")
    _, response = await public_app.asgi_client.get("/metrics")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = _samples(response.text)
    health = (("method", "GET"), ("route", "/health"), ("status", "200"))
    assert samples[("movierec_http_requests_total", health)] == 3
    unmatched = (("method", "GET"), ("route", "<unmatched>"), ("status", "404"))
    assert samples[("movierec_http_requests_total", unmatched)] == 1
    count = ("movierec_http_request_duration_seconds_count", health[:2])
    assert samples[count] == 3


async def test_metrics_report_cache_counters(public_app: Sanic[Any, Any]) -> None:
    await public_app.asgi_client.get("/health")  # starts the app, opening its MovieRec
    mr: MovieRec = public_app.ctx.movierec
    await mr.cache.set("k", 1)
    await mr.cache.get("k")
    await mr.cache.get("missing")
    stats = await mr.cache.stats()
    _, response = await public_app.asgi_client.get("/metrics")
    samples = _samples(response.text)
    backend = (("backend", stats.backend),)
    assert samples[("movierec_cache_hits_total", backend)] == stats.hits >= 1
    assert samples[("movierec_cache_misses_total", backend)] == stats.misses >= 1


async def test_two_apps_in_one_process_keep_separate_metrics(make_mr: Any) -> None:
    mr = await make_mr(metrics_public=True)
    first, second = create_app(movierec=mr), create_app(movierec=mr)
    await first.asgi_client.get("/health")
    _, response = await second.asgi_client.get("/metrics")
    health = (("method", "GET"), ("route", "/health"), ("status", "200"))
    assert ("movierec_http_requests_total", health) not in _samples(response.text)


@shared_app
async def test_metrics_are_not_public_by_default(app: Sanic[Any, Any]) -> None:
    _, response = await app.asgi_client.get("/metrics")
    assert response.status in (401, 403)
    assert response.json["error"]["code"] in ("unauthenticated", "forbidden")


async def test_metrics_report_tmdb_calls_from_the_usage_table(public_app: Sanic[Any, Any]) -> None:
    await public_app.asgi_client.get("/health")
    mr: MovieRec = public_app.ctx.movierec
    bucket = datetime(2026, 1, 1, 10, tzinfo=UTC)
    await ApiUsage.create(bucket=bucket, endpoint="trending", status_class="2xx", calls=4)
    await ApiUsage.create(
        bucket=bucket + timedelta(hours=1),
        endpoint="trending",
        status_class="2xx",
        calls=3,
        retries=2,
    )
    await ApiUsage.create(bucket=bucket, endpoint="search", status_class="5xx", calls=1)
    snapshot = await mr.monitoring.snapshot()
    assert [(t.endpoint, t.calls) for t in snapshot.tmdb] == [("search", 1), ("trending", 7)]
    _, response = await public_app.asgi_client.get("/metrics")
    samples = _samples(response.text)
    trending = (("endpoint", "trending"), ("status_class", "2xx"))
    assert samples[("movierec_tmdb_calls", trending)] == 7
    assert samples[("movierec_tmdb_retries", trending)] == 2


def test_a_429_reply_counts_as_a_rate_limit_rejection() -> None:
    metrics = ServerMetrics()
    metrics.observe("GET", "/movies/trending", 429, 0.001)
    metrics.observe("GET", "/movies/trending", 200, 0.001)
    text = generate_latest(metrics.registry).decode()
    assert (
        _samples(text)[("movierec_rate_limit_rejections_total", (("route", "/movies/trending"),))]
        == 1
    )


def test_json_log_format_writes_one_json_object_per_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(Settings(log_format="json"))
    try:
        logging.getLogger("movierec.access").info("hello", extra={"fields": {"status": 200}})
        line = capsys.readouterr().err.strip().splitlines()[-1]
        assert json.loads(line)["status"] == 200
        assert json.loads(line)["message"] == "hello"
    finally:
        logging.getLogger("movierec").handlers.clear()
        logging.getLogger("movierec").propagate = True


def test_text_log_format_is_readable(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(Settings(log_format="text"))
    try:
        logging.getLogger("movierec.access").info("GET /x -> 200", extra={"fields": {}})
        line = capsys.readouterr().err.strip().splitlines()[-1]
        assert line.endswith("INFO movierec.access: GET /x -> 200")
    finally:
        logging.getLogger("movierec").handlers.clear()
        logging.getLogger("movierec").propagate = True


def test_text_logs_escape_request_values(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(Settings(log_format="text"))
    try:
        logging.getLogger("movierec.access").info(
            "GET %s -> 404", "/x\n2026-01-01 INFO forged\x1b[2J", extra={"fields": {}}
        )
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert "\x1b" not in err
        assert err.rstrip().endswith("GET /x\\n2026-01-01 INFO forged\\x1b[2J -> 404")
    finally:
        logging.getLogger("movierec").handlers.clear()
        logging.getLogger("movierec").propagate = True


async def test_metrics_count_tmdb_calls_the_client_made(make_mr: Any, fake_tmdb: Any) -> None:
    mr = await make_mr(metrics_public=True, **fake_tmdb.settings_overrides())
    await mr.tmdb.trending("week")
    await mr.tmdb.trending("day")
    await mr.tmdb.search("the")
    app = create_app(movierec=mr)
    _, response = await app.asgi_client.get("/metrics")
    samples = _samples(response.text)
    trending = (("endpoint", "/trending/movie/{window}"), ("status_class", "2xx"))
    search = (("endpoint", "/search/movie"), ("status_class", "2xx"))
    assert samples[("movierec_tmdb_calls", trending)] == fake_tmdb.calls(
        "/trending/movie/week"
    ) + fake_tmdb.calls("/trending/movie/day")
    assert samples[("movierec_tmdb_calls", search)] == 1
    assert not any(labels and ("status_class", "cache") in labels for _, labels in samples)


@pytest.fixture
def configured_logging(tmp_path: Any) -> Any:
    """``configure_logging`` as the server runs it, restored afterwards."""
    root = logging.getLogger("movierec")
    saved = (root.handlers[:], root.level, root.propagate)
    configure_logging(Settings(data_dir=tmp_path))
    yield root
    root.handlers[:], root.level, root.propagate = saved


async def test_access_lines_are_written_by_a_listener_thread_not_the_event_loop(
    mr: MovieRec, configured_logging: logging.Logger
) -> None:
    written: list[tuple[str, str]] = []

    class Spy(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            written.append((threading.current_thread().name, record.getMessage()))

    configured_logging.addHandler(Spy())
    app = create_app(movierec=mr)
    _, reply = await app.asgi_client.get("/health")
    assert reply.status == 200
    lines = [message for _, message in written if "GET /health -> 200" in message]
    assert len(lines) == 1  # the listener flushed on server stop
    assert threading.main_thread().name not in {thread for thread, _ in written}
    assert logging.getLogger("movierec.access").handlers == []  # restored on stop
