"""Steady background traffic against a served app, recording every outcome.

A drill starts :class:`Traffic`, breaks something, repairs it, stops the traffic and
then inspects what every request got: a status code, or the transport error that a
client would have seen (connection reset, timeout).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx


@dataclass(frozen=True)
class Outcome:
    """One request: what was asked, what came back, and how long it took."""

    path: str
    status: int | None
    error: str | None
    seconds: float
    code: str | None = None


@dataclass
class Traffic:
    """``threads`` clients looping over ``paths`` until :meth:`stop`."""

    base_url: str
    paths: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    threads: int = 4
    timeout: float = 15.0
    outcomes: list[Outcome] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _workers: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> Traffic:
        """Start the client threads."""
        for n in range(self.threads):
            worker = threading.Thread(target=self._loop, args=(n,), daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def stop(self) -> list[Outcome]:
        """Stop and return every outcome."""
        self._stop.set()
        for worker in self._workers:
            worker.join(self.timeout + 5)
        return self.outcomes

    def _loop(self, n: int) -> None:
        paths = itertools.cycle(self.paths[n % len(self.paths) :] + self.paths)
        with httpx.Client(base_url=self.base_url, timeout=self.timeout) as client:
            while not self._stop.is_set():
                path = next(paths)
                started = time.monotonic()
                outcome = _request(client, path, self.headers, started)
                with self._lock:
                    self.outcomes.append(outcome)

    def since(self, index: int) -> list[Outcome]:
        """Outcomes recorded after the first ``index``."""
        with self._lock:
            return list(self.outcomes[index:])

    def mark(self) -> int:
        """The number of outcomes so far (for :meth:`since`)."""
        with self._lock:
            return len(self.outcomes)


def _request(client: httpx.Client, path: str, headers: dict[str, str], started: float) -> Outcome:
    try:
        response = client.get(path, headers=headers)
    except httpx.HTTPError as exc:
        return Outcome(path, None, type(exc).__name__, time.monotonic() - started)
    code = None
    if response.status_code >= 400:
        try:
            code = response.json()["error"]["code"]
        except Exception:
            code = "<no error body>"
    return Outcome(path, response.status_code, None, time.monotonic() - started, code)


def summary(outcomes: list[Outcome]) -> Counter[str]:
    """``{"200": n, "503 service_unavailable": n, "ReadError": n, ...}``."""
    return Counter(
        o.error if o.error else f"{o.status}" + (f" {o.code}" if o.code else "") for o in outcomes
    )


def failures(outcomes: list[Outcome]) -> list[Outcome]:
    """Transport errors and 5xx answers."""
    return [o for o in outcomes if o.error or (o.status is not None and o.status >= 500)]
