"""Writing ratings at database speed, inside the import's transaction.

- PostgreSQL: a binary ``COPY`` whose rows numpy lays out in one vectorised step (no
  Python object per rating); ``TRUNCATE`` first.
- SQLite: ``executemany`` of one chunk at a time; ``DELETE`` first.

Secondary indexes of ``catalog_ratings`` are dropped before the load and rebuilt after
(their definitions are read from the database's catalog, so they stay whatever the
migrations made). Per-movie statistics are then one ``GROUP BY`` in the database.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import numpy as np

from movierec.catalog.ratings import RatingsChunk

__all__ = ["RatingStats", "dedupe_ratings", "load_ratings", "rating_stats"]

TABLE = "catalog_ratings"
SQLITE_BATCH = 50_000
COLUMNS = ("rater", "movie_id", "rating", "rated_at")
RatingStats = dict[int, tuple[int, float, int]]
"""TMDb id -> (ratings, mean stars, ratings after the recent cutoff)."""

_PG_EPOCH_US = 946_684_800 * 1_000_000  # 2000-01-01 in Unix microseconds
_PG_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_PG_TRAILER = struct.pack(">h", -1)
_PG_ROW = np.dtype(
    [
        ("n", ">i2"),
        ("l1", ">i4"),
        ("rater", ">i4"),
        ("l2", ">i4"),
        ("movie", ">i4"),
        ("l3", ">i4"),
        ("rating", ">f8"),
        ("l4", ">i4"),
        ("at", ">i8"),
    ]
)


def _pg_rows(chunk: RatingsChunk) -> bytes:
    rows = np.empty(len(chunk), dtype=_PG_ROW)
    rows["n"] = 4
    rows["l1"] = rows["l2"] = 4
    rows["l3"] = rows["l4"] = 8
    rows["rater"] = chunk.raters
    rows["movie"] = chunk.movies
    rows["rating"] = chunk.ratings
    rows["at"] = chunk.stamps * 1_000_000 - _PG_EPOCH_US
    return rows.tobytes()


def _sqlite_rows(chunk: RatingsChunk) -> list[tuple[int, int, float, str]]:
    # the text Tortoise writes for an aware UTC datetime: "2000-07-30 18:45:03+00:00"
    stamps = np.datetime_as_string(chunk.stamps.astype("datetime64[s]"), unit="s")
    text = np.char.add(np.char.replace(stamps, "T", " "), "+00:00")
    return list(
        zip(
            chunk.raters.tolist(),
            chunk.movies.tolist(),
            chunk.ratings.tolist(),
            text.tolist(),
            strict=True,
        )
    )


async def _indexes(conn: Any, kind: str) -> list[tuple[str, str]]:
    if kind == "postgres":
        rows = await conn.execute_query_dict(
            "SELECT indexname AS name, indexdef AS sql FROM pg_indexes "
            "WHERE tablename = $1 AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass)",
            [TABLE],
        )
    else:
        rows = await conn.execute_query_dict(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            [TABLE],
        )
    return [(str(r["name"]), str(r["sql"])) for r in rows]


async def load_ratings(
    conn: Any,
    kind: str,
    chunks: Iterator[RatingsChunk],
    progress: Callable[[int], None],
) -> int:
    """Replace every rating with ``chunks``; returns how many were stored.

    ``conn`` is the Tortoise client of the open transaction; ``chunks`` is read in a
    thread, one chunk at a time, while the database writes the previous one.
    """
    indexes = await _indexes(conn, kind)
    if kind == "postgres":
        await conn.execute_query("SET LOCAL maintenance_work_mem = '256MB'")  # index rebuilds
        await conn.execute_query(f"TRUNCATE {TABLE}")
    else:
        await conn.execute_query(f"DELETE FROM {TABLE}")  # noqa: S608 - a constant
    for name, _ in indexes:
        await conn.execute_query(f'DROP INDEX "{name}"')
    stored = 0

    async def pieces() -> AsyncIterator[RatingsChunk]:
        end = object()
        while (chunk := await asyncio.to_thread(next, chunks, end)) is not end:
            assert isinstance(chunk, RatingsChunk)
            yield chunk

    if kind == "postgres":

        async def stream() -> AsyncIterator[bytes]:
            nonlocal stored
            yield _PG_HEADER
            async for chunk in pieces():
                yield await asyncio.to_thread(_pg_rows, chunk)
                stored += len(chunk)
                progress(stored)
            yield _PG_TRAILER

        async with conn.acquire_connection() as raw:
            await raw.copy_to_table(TABLE, source=stream(), columns=COLUMNS, format="binary")
    else:
        insert = f"INSERT INTO {TABLE} (rater, movie_id, rating, rated_at) VALUES (?, ?, ?, ?)"  # noqa: S608
        async for chunk in pieces():
            # tuples are ~100 bytes a row: build and send them a slice at a time
            for start in range(0, len(chunk), SQLITE_BATCH):
                part = chunk.take(slice(start, start + SQLITE_BATCH))  # type: ignore[arg-type]
                await conn.execute_many(insert, await asyncio.to_thread(_sqlite_rows, part))
                stored += len(part)
                progress(stored)
    for _, sql in indexes:
        await conn.execute_query(sql)
    return stored


async def dedupe_ratings(conn: Any) -> int:
    """Keep one rating per (rater, movie): the latest, the later row on a tie."""
    count, _ = await conn.execute_query(
        f"DELETE FROM {TABLE} WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER "  # noqa: S608
        "(PARTITION BY rater, movie_id ORDER BY rated_at DESC, id DESC) AS rn "
        f"FROM {TABLE}) AS ranked WHERE rn > 1)"
    )
    return int(count)


async def rating_stats(conn: Any, kind: str, cutoff: datetime) -> RatingStats:
    """Per movie: how many ratings, their mean, and how many are newer than ``cutoff``."""
    mark = "$1" if kind == "postgres" else "?"
    value: Any = cutoff if kind == "postgres" else str(cutoff.astimezone(UTC))
    rows = await conn.execute_query_dict(
        f"SELECT movie_id, COUNT(*) AS n, AVG(rating) AS mean, "  # noqa: S608
        f"SUM(CASE WHEN rated_at > {mark} THEN 1 ELSE 0 END) AS recent "
        f"FROM {TABLE} GROUP BY movie_id",
        [value],
    )
    return {int(r["movie_id"]): (int(r["n"]), float(r["mean"]), int(r["recent"])) for r in rows}
