"""Prometheus metrics of one app, in its own registry (never the process-global one).

Request counters and latency histograms are recorded by the observability middleware;
cache and TMDb figures are read from the library (``mr.monitoring.snapshot()``) at scrape
time, so they are exact for the moment of the scrape. HTTP figures are per worker process:
scrape each worker (one worker per container), see docs/operations.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from movierec import MonitoringSnapshot

__all__ = ["CONTENT_TYPE", "ServerMetrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _LibraryCollector(Collector):
    """Turns the latest library snapshot into metric families."""

    def __init__(self) -> None:
        self.snapshot: MonitoringSnapshot | None = None

    def collect(self) -> Iterator[Metric]:
        snapshot = self.snapshot
        if snapshot is None:
            return
        cache = snapshot.cache
        labels = ["backend"]
        hits = CounterMetricFamily("movierec_cache_hits", "Cache lookups that hit.", labels=labels)
        hits.add_metric([cache.backend], cache.hits)
        misses = CounterMetricFamily(
            "movierec_cache_misses", "Cache lookups that missed.", labels=labels
        )
        misses.add_metric([cache.backend], cache.misses)
        entries = GaugeMetricFamily("movierec_cache_entries", "Cached entries.", labels=labels)
        entries.add_metric([cache.backend], cache.entries)
        yield from (hits, misses, entries)
        tmdb_labels = ["endpoint", "status_class"]
        calls = GaugeMetricFamily(
            "movierec_tmdb_calls",
            "TMDb calls recorded in the retained usage window (all workers).",
            labels=tmdb_labels,
        )
        retries = GaugeMetricFamily(
            "movierec_tmdb_retries",
            "TMDb retries recorded in the retained usage window (all workers).",
            labels=tmdb_labels,
        )
        waits = GaugeMetricFamily(
            "movierec_tmdb_rate_limit_waits",
            "Waits for the shared outbound TMDb rate limit (retained usage window).",
            labels=tmdb_labels,
        )
        for row in snapshot.tmdb:
            key = [row.endpoint, row.status_class]
            calls.add_metric(key, row.calls)
            retries.add_metric(key, row.retries)
            waits.add_metric(key, row.rate_limit_waits)
        yield from (calls, retries, waits)


class ServerMetrics:
    """The metrics of one app: request counts, latencies, rate-limit rejections."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "movierec_http_requests",
            "HTTP requests answered, by route pattern and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "movierec_http_request_duration_seconds",
            "Time to answer an HTTP request, by route pattern.",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "movierec_rate_limit_rejections",
            "Requests refused with 429 by the API rate limit.",
            ["route"],
            registry=self.registry,
        )
        self._library = _LibraryCollector()
        self.registry.register(self._library)
        self._series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}
        """The labelled children per (method, route, status): finding one through
        ``labels()`` costs twice as much as counting (route patterns bound the keys)."""

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        key = (method, route, status)
        series = self._series.get(key)
        if series is None:
            series = (
                self.requests.labels(method, route, str(status)),
                self.latency.labels(method, route),
            )
            self._series[key] = series
        series[0].inc()
        series[1].observe(seconds)
        if status == 429:
            self.rate_limited.labels(route).inc()

    def render(self, snapshot: MonitoringSnapshot) -> bytes:
        """The Prometheus text exposition, with ``snapshot`` as the library figures."""
        self._library.snapshot = snapshot
        return generate_latest(self.registry)
