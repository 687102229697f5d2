"""Races over real HTTP on two server workers (PostgreSQL + Redis), checked with SQL after.

The accounts and favorites unit tests race coroutines inside one process; these drills
race separate clients against separate worker processes, the way production does, and
then read the database directly to prove it stayed consistent.
"""

from __future__ import annotations

import asyncio
import random
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import asyncpg
import httpx
import pytest

from tests.helpers.background_tmdb import BackgroundTMDb
from tests.helpers.factories import HttpAccount, http_account
from tests.helpers.served import ServedApp, Stack

pytestmark = pytest.mark.services_only

CLIENTS = 8


def race(n: int, call: Callable[[httpx.Client, int], httpx.Response], base: str) -> list[Any]:
    """Run ``call`` from ``n`` clients released at the same instant; their responses."""
    barrier = threading.Barrier(n)

    def one(i: int) -> httpx.Response:
        with httpx.Client(base_url=base, timeout=60) as client:
            client.get("/health")  # connect first, so the race is about the requests
            barrier.wait()
            return call(client, i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def sql(stack: Stack, query: str, *args: Any) -> list[asyncpg.Record]:
    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(stack.database_url)
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    return asyncio.run(run())


def test_one_username_registered_by_many_clients_at_once_has_exactly_one_account(
    served_two_workers: ServedApp, module_stack: Stack
) -> None:
    name = f"race{uuid.uuid4().hex[:8]}"

    def register_once(client: httpx.Client, i: int) -> httpx.Response:
        # Same username in different letter cases, each with its own email.
        username = name.upper() if i % 2 else name
        body = {
            "username": username,
            "email": f"{name}{i}@example.com",
            "password": "Race-Pass-1234x",
        }
        return client.post("/auth/register", json=body)

    responses = race(CLIENTS, register_once, served_two_workers.url)
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: CLIENTS - 1}, [r.text for r in responses]
    assert all(r.json()["error"]["code"] == "conflict" for r in responses if r.status_code == 409)
    rows = sql(module_stack, "SELECT count(*) AS n FROM users WHERE username_key = $1", name)
    assert rows[0]["n"] == 1


def test_one_email_registered_by_many_clients_at_once_has_exactly_one_account(
    served_two_workers: ServedApp, module_stack: Stack
) -> None:
    email = f"shared{uuid.uuid4().hex[:8]}@example.com"

    def register_once(client: httpx.Client, i: int) -> httpx.Response:
        body = {
            "username": f"e{uuid.uuid4().hex[:10]}",
            "email": email,
            "password": "Race-Pass-1234x",
        }
        return client.post("/auth/register", json=body)

    responses = race(CLIENTS, register_once, served_two_workers.url)
    assert Counter(r.status_code for r in responses) == {201: 1, 409: CLIENTS - 1}
    rows = sql(module_stack, "SELECT count(*) AS n FROM users WHERE email = $1", email)
    assert rows[0]["n"] == 1


def test_racing_refreshes_of_one_token_rotate_it_exactly_once(
    served_two_workers: ServedApp, module_stack: Stack
) -> None:
    account: HttpAccount = http_account(served_two_workers.url)
    assert account.refresh_token

    def refresh(client: httpx.Client, i: int) -> httpx.Response:
        return client.post("/auth/refresh", json={"refresh_token": account.refresh_token})

    responses = race(CLIENTS, refresh, served_two_workers.url)
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 1, 401: CLIENTS - 1}, [r.text for r in responses]
    rows = sql(
        module_stack,
        "SELECT t.rotated_at IS NULL AS live FROM refresh_tokens t "
        "JOIN users u ON u.id = t.user_id WHERE u.username = $1",
        account.username,
    )
    assert sorted(r["live"] for r in rows) == [False, True]  # the old one rotated, one new
    winner = next(r for r in responses if r.status_code == 200).json()
    again = httpx.post(
        served_two_workers.url + "/auth/refresh", json={"refresh_token": winner["refresh_token"]}
    )
    assert again.status_code == 200, again.text


def test_a_storm_of_favorite_adds_and_removes_leaves_one_row_per_movie(
    served_two_workers: ServedApp, module_stack: Stack, module_tmdb: BackgroundTMDb
) -> None:
    account = http_account(served_two_workers.url)
    movie_ids = sorted(module_tmdb.fake.movies)[:4]

    def storm(client: httpx.Client, i: int) -> httpx.Response:
        rng = random.Random(i)
        last = None
        for _ in range(12):
            movie_id = rng.choice(movie_ids)
            if rng.random() < 0.6:
                last = client.post(
                    "/favorites", json={"movie_id": movie_id}, headers=account.headers
                )
                assert last.status_code in (200, 201), last.text
            else:
                last = client.delete(f"/favorites/{movie_id}", headers=account.headers)
                assert last.status_code in (204, 404), last.text
        assert last is not None
        return last

    race(CLIENTS, storm, served_two_workers.url)
    rows = sql(
        module_stack,
        "SELECT f.movie_id, count(*) AS n FROM favorites f JOIN users u ON u.id = f.user_id "
        "WHERE u.username = $1 GROUP BY f.movie_id",
        account.username,
    )
    assert all(r["n"] == 1 for r in rows), rows
    listed = httpx.get(
        served_two_workers.url + "/favorites", params={"size": 100}, headers=account.headers
    ).json()
    assert sorted(item["movie_id"] for item in listed["items"]) == sorted(
        r["movie_id"] for r in rows
    )
    assert listed["total"] == len(rows)
