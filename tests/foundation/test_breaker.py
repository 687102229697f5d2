"""The one "one probe per interval" rule the cache and the rate limiter share."""

from __future__ import annotations

from movierec.cache.breaker import Breaker


class Ticks:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_closed_breaker_lets_every_call_through() -> None:
    breaker = Breaker(2.0, now=Ticks())
    assert [breaker.allow() for _ in range(3)] == [True, True, True]
    assert not breaker.open
    assert breaker.success() is None


def test_an_open_breaker_lets_one_probe_through_per_interval() -> None:
    ticks = Ticks()
    breaker = Breaker(2.0, now=ticks)
    assert breaker.failure() is True  # this one opened it
    assert breaker.failure() is False  # already open: log and count once
    assert breaker.open
    assert not breaker.allow()
    ticks.now += 1.9
    assert not breaker.allow()
    ticks.now += 0.1
    assert breaker.allow()  # the probe
    assert not breaker.allow()  # calls while the probe is pending use the fallback
    ticks.now += 1.0
    assert breaker.failure() is False  # the probe failed: next one 2 s from now
    ticks.now += 1.9
    assert not breaker.allow()
    ticks.now += 0.1
    assert breaker.allow()
    assert breaker.success() == 5.0  # down since t=100, closed at t=105
    assert not breaker.open
    assert breaker.allow()


def test_probe_now_lets_the_next_call_try_at_once() -> None:
    breaker = Breaker(60.0, now=Ticks())
    breaker.failure()
    assert not breaker.allow()
    breaker.probe_now()
    assert breaker.allow()
    assert not breaker.allow()
