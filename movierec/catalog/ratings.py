"""Reading ``ratings.csv`` in bounded memory: typed numpy chunks keyed by TMDb id.

pandas' C parser reads :data:`CHUNK_ROWS` rows at a time into int/float arrays (about
30 bytes a rating, never a Python object per rating). Each chunk is mapped from MovieLens
to TMDb ids (ratings of movies without one are counted and dropped) and de-duplicated:
when a rater rated one TMDb movie twice (two MovieLens ids merged, or a repeated row),
the latest rating wins, a later row breaking ties.

MovieLens files list each rater's ratings together, so the rows of the last rater of a
chunk are held back and joined to the next chunk, and de-duplicating chunk by chunk is
exact. A file that is not grouped that way is detected (:attr:`RatingsScan.grouped`
turns false) and the caller de-duplicates in the database instead.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from movierec.errors import InvalidInput

__all__ = ["CHUNK_ROWS", "COLUMNS", "RatingsChunk", "RatingsScan", "read_ratings"]

CHUNK_ROWS = 500_000
COLUMNS = ("userId", "movieId", "rating", "timestamp")
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class RatingsChunk:
    """Ratings ready to store: rater, TMDb movie id, stars, Unix seconds (aligned arrays)."""

    raters: I64
    movies: I64
    ratings: F64
    stamps: I64

    def __len__(self) -> int:
        return len(self.raters)

    def take(self, index: npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> RatingsChunk:
        """The rows at ``index``."""
        return RatingsChunk(
            self.raters[index], self.movies[index], self.ratings[index], self.stamps[index]
        )

    @staticmethod
    def join(first: RatingsChunk, second: RatingsChunk) -> RatingsChunk:
        """``first``'s rows, then ``second``'s."""
        return RatingsChunk(
            np.concatenate([first.raters, second.raters]),
            np.concatenate([first.movies, second.movies]),
            np.concatenate([first.ratings, second.ratings]),
            np.concatenate([first.stamps, second.stamps]),
        )


@dataclass
class RatingsScan:
    """What reading the file found: rows read, skipped, the newest stamp, its grouping."""

    rows: int = 0
    skipped: int = 0
    latest: int | None = None
    grouped: bool = True
    bytes_read: int = 0


def _check_header(path: Path) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle), [])
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise InvalidInput.field("path", f"{path.name} lacks the columns {', '.join(missing)}")


def _lookup(tmdb_of: dict[int, int]) -> I64:
    size = max(tmdb_of, default=0) + 1
    table = np.zeros(size, dtype=np.int64)
    if tmdb_of:
        table[np.fromiter(tmdb_of.keys(), dtype=np.int64)] = np.fromiter(
            tmdb_of.values(), dtype=np.int64
        )
    return table


def _latest_per_pair(rows: RatingsChunk) -> RatingsChunk:
    """One row per (rater, movie): the latest stamp, the later row on a tie."""
    if len(rows) < 2:
        return rows
    key = (rows.raters << 32) | rows.movies  # ids fit in 31 bits
    ordered = np.sort(key)
    if not (ordered[1:] == ordered[:-1]).any():
        return rows  # the usual case: nothing to merge, and one sort is cheap
    order = np.lexsort((np.arange(len(rows)), rows.stamps, rows.movies, rows.raters))
    r, m = rows.raters[order], rows.movies[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = (r[1:] != r[:-1]) | (m[1:] != m[:-1])
    return rows.take(order[last])


def _chunks(path: Path) -> Iterator[Any]:
    import pandas as pd  # only imports need it: keep it out of every process's start-up

    try:
        reader = pd.read_csv(
            path,
            usecols=list(COLUMNS),
            dtype={
                "userId": "int64",
                "movieId": "int64",
                "rating": "float64",
                "timestamp": "int64",
            },
            chunksize=CHUNK_ROWS,
            engine="c",
        )
        with reader:
            yield from reader
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InvalidInput.field("path", f"{path.name}: {exc}") from None


def read_ratings(path: Path, tmdb_of: dict[int, int], scan: RatingsScan) -> Iterator[RatingsChunk]:
    """Chunks of de-duplicated ratings of ``path``; ``scan`` fills in as they come."""
    _check_header(path)
    table = _lookup(tmdb_of)
    carry: RatingsChunk | None = None
    closed = np.zeros(0, dtype=np.int64)
    for frame in _chunks(path):
        scan.rows += len(frame)
        movielens = frame["movieId"].to_numpy(dtype=np.int64)
        known = (movielens >= 0) & (movielens < len(table))
        tmdb = np.zeros(len(movielens), dtype=np.int64)
        tmdb[known] = table[movielens[known]]
        keep = tmdb > 0
        scan.skipped += int((~keep).sum())
        chunk = RatingsChunk(
            frame["userId"].to_numpy(dtype=np.int64)[keep],
            tmdb[keep],
            frame["rating"].to_numpy(dtype=np.float64)[keep],
            frame["timestamp"].to_numpy(dtype=np.int64)[keep],
        )
        del frame, movielens, tmdb, keep, known
        if len(chunk) == 0:
            continue
        newest = int(chunk.stamps.max())
        scan.latest = newest if scan.latest is None else max(scan.latest, newest)
        rows = chunk if carry is None else RatingsChunk.join(carry, chunk)
        last = rows.raters[-1]
        differ = np.flatnonzero(rows.raters != last)
        cut = int(differ[-1]) + 1 if len(differ) else 0
        carry = rows.take(slice(cut, None))  # type: ignore[arg-type]
        ready = rows.take(slice(0, cut))  # type: ignore[arg-type]
        if len(ready):
            raters = np.unique(ready.raters)
            if scan.grouped and np.isin(raters, closed, assume_unique=True).any():
                scan.grouped = False
            closed = np.union1d(closed, raters)
            yield _latest_per_pair(ready)
    if carry is not None and len(carry):
        if scan.grouped and np.isin(carry.raters[:1], closed).any():
            scan.grouped = False
        yield _latest_per_pair(carry)
