"""Reads asked for in one event-loop turn share one fetch, and never one sent before
they were asked for (:mod:`movierec.cache.turnreads`)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from movierec import ServiceUnavailable
from movierec.cache.turnreads import TurnReads


class _Store:
    """Values by key; each fetch is recorded and answers after ``delay`` seconds."""

    def __init__(self, delay: float = 0.0) -> None:
        self.values: dict[str, Any] = {}
        self.fetched: list[list[str]] = []
        self.delay = delay
        self.error: Exception | None = None
        self.sent = asyncio.Event()

    async def fetch(self, keys: Sequence[str]) -> list[Any]:
        self.fetched.append(list(keys))
        read = [self.values.get(key) for key in keys]  # the values as sent
        self.sent.set()
        await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return read


async def test_reads_asked_in_one_turn_share_one_fetch_with_each_key_once() -> None:
    store = _Store()
    store.values = {"a": 1, "b": 2}
    reads = TurnReads(store.fetch)
    got = await asyncio.gather(*(reads.get(key) for key in ["a", "b", "a", "c", "a"]))
    assert got == [1, 2, 1, None, 1]
    assert store.fetched == [["a", "b", "c"]]
    assert reads.fetches == 1


async def test_a_read_asked_once_the_fetch_went_out_waits_for_the_next_one() -> None:
    store = _Store(delay=0.05)
    store.values = {"stamp": "old"}
    reads = TurnReads(store.fetch)
    first = asyncio.create_task(reads.get("stamp"))
    await store.sent.wait()  # the first fetch is on its way
    store.values["stamp"] = "new"  # a change completes meanwhile
    assert await reads.get("stamp") == "new"
    assert await first == "old"
    assert store.fetched == [["stamp"], ["stamp"]]


async def test_a_failed_fetch_fails_every_read_of_its_batch_only() -> None:
    store = _Store()
    store.values = {"a": 1}
    store.error = ServiceUnavailable("redis: down")
    reads = TurnReads(store.fetch)
    outcomes = await asyncio.gather(reads.get("a"), reads.get("b"), return_exceptions=True)
    assert all(isinstance(o, ServiceUnavailable) for o in outcomes), outcomes
    store.error = None
    assert await reads.get("a") == 1


async def test_a_reader_that_gives_up_leaves_the_others_their_value() -> None:
    store = _Store(delay=0.05)
    store.values = {"a": 1}
    reads = TurnReads(store.fetch)
    quitter = asyncio.create_task(reads.get("a"))
    stayer = asyncio.create_task(reads.get("a"))
    await asyncio.sleep(0.01)
    quitter.cancel()
    assert await stayer == 1
    with pytest.raises(asyncio.CancelledError):
        await quitter
    assert len(store.fetched) == 1


def test_a_batch_left_by_a_stopped_loop_does_not_hold_up_the_next_loop() -> None:
    store = _Store()
    store.values = {"a": 1}
    reads = TurnReads(store.fetch)

    asked: list[asyncio.Future[Any]] = []

    async def ask_and_leave() -> None:
        asked.append(asyncio.ensure_future(reads.get("a")))  # runs as the loop stops

    first = asyncio.new_event_loop()
    try:
        first.run_until_complete(ask_and_leave())
        assert store.fetched == []  # asked for, never sent
        second = asyncio.new_event_loop()
        try:
            got = second.run_until_complete(asyncio.wait_for(reads.get("a"), 5))
        finally:
            second.close()
    finally:
        left = asyncio.all_tasks(first) | set(asked)
        for task in left:
            task.cancel()
        first.run_until_complete(asyncio.gather(*left, return_exceptions=True))
        first.close()
    assert got == 1
    assert store.fetched == [["a"]]
