"""The first cache level: encoded reply bytes of hot read-only answers, in this process.

A hit is a dictionary lookup: no Redis round trip, no JSON decoding, no re-validation of
data this process itself encoded. Entries live ``Settings.cache_hot_ttl`` seconds (5 by
default) at most, and never longer than the answer's own cache lifetime, so a change
made elsewhere (a cache clear from the CLI, a newer TMDb page stored by another worker)
is seen by every process within that bound. Only answers read from the shared cache are
kept here (never a fresh load's "not cached" reply, never a stale copy).
"""

from __future__ import annotations

from dataclasses import dataclass

from movierec.clock import Clock, SystemClock

__all__ = ["HotReplies", "HotReply"]


@dataclass(frozen=True, slots=True)
class HotReply:
    """Encoded bytes and what a frontend sends with them."""

    body: bytes
    max_age: int
    route: str = ""
    """The frontend's name for the kind of answer (the server's route pattern, its
    metrics label), for a frontend that answers without looking it up again."""
    head: bytes = b""
    """What the frontend writes before the body, encoded once (the server's status line
    and constant headers); empty when it builds its own."""


class HotReplies:
    """A bounded, short-lived map of reply keys to encoded replies (``ttl`` 0 disables it)."""

    def __init__(self, ttl: float, max_entries: int = 2048, clock: Clock | None = None) -> None:
        self.ttl = ttl
        self._max = max_entries
        self._clock = clock or SystemClock()
        self._entries: dict[str, tuple[float, HotReply]] = {}
        self.hits = 0

    def get(self, key: str) -> HotReply | None:
        """The live reply under ``key``, or ``None``."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= self._clock.now():
            self._entries.pop(key, None)
            return None
        self.hits += 1
        return entry[1]

    def put(self, key: str, reply: HotReply, lifetime: float) -> None:
        """Keep ``reply`` for ``min(ttl, lifetime)`` seconds (the oldest entry makes room)."""
        seconds = min(self.ttl, lifetime)
        if seconds <= 0:
            return
        if key not in self._entries and len(self._entries) >= self._max:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = (self._clock.now() + seconds, reply)

    def clear(self) -> int:
        """Forget every reply; how many there were."""
        count = len(self._entries)
        self._entries.clear()
        return count

    def __len__(self) -> int:
        return len(self._entries)
