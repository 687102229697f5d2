"""The sliding window counter, once in Lua (Redis) and once in Python (in-process).

Both follow the same steps, so a limit behaves the same whichever store counts it:

1. ``index = now // period``; ``elapsed = now - index * period``;
2. if the stored window is not ``index``, the stored current count becomes the previous
   one (or 0 when the stored window is older than ``index - 1``), and current is 0;
3. ``used = previous * (period - elapsed) / period + current``; the hit is allowed when
   ``used + cost <= limit``, and then ``current += cost`` is stored;
4. a refused hit learns when the same hit would fit (``retry_ms``): later in this window
   if the previous window's share alone is in the way, else in the next window.

Times are milliseconds; Redis uses its own ``TIME`` so hosts with skewed clocks agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "SLIDING_WINDOW_LUA",
    "SLIDING_WINDOW_READ_LUA",
    "Companion",
    "Window",
    "WindowCounts",
    "retry_ms",
]

_WINDOW_STEPS = """
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local index = math.floor(now / period)
local elapsed = now - index * period
local state = redis.call('HMGET', key, 'w', 'c', 'p')
local w = tonumber(state[1])
local cur = tonumber(state[2]) or 0
local prev = tonumber(state[3]) or 0
if w ~= index then
  if w == index - 1 then prev = cur else prev = 0 end
  cur = 0
end
local weighted = prev * (period - elapsed) / period
local allowed = 0
local retry = 0
if weighted + cur + cost <= limit then
  allowed = 1
  cur = cur + cost
  redis.call('HSET', key, 'w', index, 'c', cur, 'p', prev)
  redis.call('PEXPIRE', key, 2 * period - elapsed)
elseif cost > limit then
  retry = period
else
  local budget = limit - cur - cost
  if budget >= 0 then
    retry = period * (1 - budget / prev) - elapsed
  else
    local later = 0
    if cur > limit - cost then later = period * (1 - (limit - cost) / cur) end
    retry = period - elapsed + later
  end
end
local remaining = math.floor(limit - weighted - cur)
if remaining < 0 then remaining = 0 end
"""
SLIDING_WINDOW_LUA = (
    _WINDOW_STEPS + "return {allowed, remaining, period - elapsed, math.ceil(retry)}\n"
)
SLIDING_WINDOW_READ_LUA = (
    _WINDOW_STEPS
    + """
local value = redis.call('GET', KEYS[2])
if not value then
  value = ARGV[4]
  redis.call('SET', KEYS[2], value, 'PX', ARGV[5])
end
return {allowed, remaining, period - elapsed, math.ceil(retry), value}
"""
)
"""The same decision, and the value of a companion key ``KEYS[2]`` in the same round trip
(stored as ``ARGV[4]`` for ``ARGV[5]`` ms when missing): see :class:`Companion`."""


@dataclass(frozen=True, slots=True)
class Companion:
    """A key read in the same round trip as a hit (a shared store only), and created with
    the value ``fresh()`` returns, for ``ttl_ms``, when missing: what the request needs
    next, for free.

    ``key`` is the store's own full key (any prefix included); the value comes back as
    the raw bytes stored (:attr:`Window.companion`). ``fresh`` is called only when the
    store makes that round trip (a hit spent from a batch makes none, and costs no
    random value).
    """

    key: str
    fresh: Callable[[], bytes]
    ttl_ms: int


@dataclass(frozen=True, slots=True)
class Window:
    """One decision: allowed, what is left, when the window rolls, when to retry."""

    allowed: bool
    remaining: int
    reset_ms: int
    retry_ms: int
    companion: bytes | None = None
    """The :class:`Companion`'s value when this decision read it, else ``None``."""


def retry_ms(limit: int, period: int, cost: int, elapsed: int, prev: int, cur: int) -> int:
    """Milliseconds until a refused hit of ``cost`` would fit (see the module steps)."""
    if cost > limit:
        return period
    budget = limit - cur - cost
    if budget >= 0:
        return math.ceil(period * (1 - budget / prev) - elapsed)
    later = period * (1 - (limit - cost) / cur) if cur > limit - cost else 0.0
    return math.ceil(period - elapsed + later)


@dataclass(frozen=True, slots=True)
class WindowCounts:
    """What one key stores: its window index and the current and previous counts."""

    window: int = -2
    current: int = 0
    previous: int = 0
    period: int = 1

    def expired(self, now_ms: int) -> bool:
        """True once neither count can matter any more."""
        return now_ms >= (self.window + 2) * self.period

    def hit(self, now_ms: int, limit: int, period: int, cost: int) -> tuple[Window, WindowCounts]:
        """The decision for a hit at ``now_ms``, and the counts to keep."""
        index, elapsed = divmod(now_ms, period)
        cur, prev = self.current, self.previous
        if self.window != index or self.period != period:
            prev = cur if self.window == index - 1 and self.period == period else 0
            cur = 0
        weighted = prev * (period - elapsed) / period
        allowed = weighted + cur + cost <= limit
        retry = 0
        if allowed:
            cur += cost
        else:
            retry = retry_ms(limit, period, cost, elapsed, prev, cur)
        remaining = max(0, math.floor(limit - weighted - cur))
        window = Window(allowed, remaining, period - elapsed, retry)
        return window, WindowCounts(index, cur, prev, period)
