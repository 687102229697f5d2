"""The catalog's titles, loaded once per import and matched in bulk.

Matching an import row by searching used to fetch and fuzzy-rank the whole catalog for
every title that no catalog title contains (twice with a year): 700 such rows took over
a minute. An import now loads the catalog's titles once (one query), answers exact
titles from a dict of folded titles, and scores the rest in one batch with rapidfuzz's
``cdist`` over the pre-built choice list; 5,000 rows resolve in seconds (see
``bench/favorites_import.py`` and docs/benchmarks.md).

The decision rules are the search path's (:func:`movierec.favorites.resolve.choose`):
the same similarity (``fuzz.ratio`` of folded titles, original titles included), the
same year handling (that year, else a year either side) and the same clear-lead rule.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from movierec.catalog.rows import movie_from_row
from movierec.catalog.titles import fold
from movierec.db.models import Movie as MovieRow
from movierec.favorites.resolve import MIN_SCORE, choose
from movierec.favorites.types import ImportCandidate
from movierec.types import Movie

__all__ = ["IndexMatch", "TitleIndex"]

BATCH = 250
"""Titles scored per ``cdist`` call: bounds memory (BATCH x catalog titles bytes)."""
_ID_CHUNK = 500


@dataclass(frozen=True, slots=True)
class _Entry:
    id: int
    title: str
    year: int | None
    popularity: float


@dataclass(frozen=True, slots=True)
class IndexMatch:
    """The catalog movie a title means (``movie_id``), or the close candidates."""

    movie_id: int | None = None
    candidates: list[ImportCandidate] = field(default_factory=list)


def _in_year(entries: list[tuple[_Entry, float]], year: int | None) -> list[tuple[_Entry, float]]:
    """Those of that year, else of a year either side (all when no year is given)."""
    if year is None:
        return entries
    exact = [(e, s) for e, s in entries if e.year == year]
    if exact:
        return exact
    return [(e, s) for e, s in entries if e.year is not None and abs(e.year - year) <= 1]


class TitleIndex:
    """Every catalog title (and original title), folded, with an exact-match dict."""

    def __init__(self, entries: Sequence[_Entry], names: Sequence[tuple[str, int]]) -> None:
        self._entries = list(entries)
        self._names = [name for name, _ in names]
        self._owners = np.fromiter((owner for _, owner in names), dtype=np.int64)
        self._exact: dict[str, list[int]] = {}
        for name, owner in names:
            owners = self._exact.setdefault(name, [])
            if owner not in owners:
                owners.append(owner)

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    async def load(cls) -> TitleIndex:
        """The index of the catalog as it is now (one query; built off the event loop)."""
        rows = await MovieRow.filter(in_catalog=True).values_list(
            "id", "title", "original_title", "release_year", "popularity"
        )
        return await asyncio.to_thread(cls._build, rows)

    @classmethod
    def _build(cls, rows: Sequence[tuple[int, str, str | None, int | None, float]]) -> TitleIndex:
        entries: list[_Entry] = []
        names: list[tuple[str, int]] = []
        for movie_id, title, original, year, popularity in rows:
            owner = len(entries)
            entries.append(_Entry(int(movie_id), title, year, popularity))
            names.append((fold(title), owner))
            if original and original != title:
                names.append((fold(original), owner))
        return cls(entries, names)

    def match_many(self, queries: Sequence[tuple[str, int | None]]) -> list[IndexMatch]:
        """Match ``(title, year)`` pairs; CPU-bound, so run it in a thread."""
        folded = [fold(title) for title, _ in queries]
        found: list[list[tuple[_Entry, float]]] = []
        for name, (_, year) in zip(folded, queries, strict=True):
            exact = [(self._entries[owner], 100.0) for owner in self._exact.get(name, [])]
            found.append(_in_year(exact, year))
        fuzzy = [i for i, hits in enumerate(found) if not hits]
        for start in range(0, len(fuzzy), BATCH):
            self._score_fuzzy(
                [folded[i] for i in fuzzy[start : start + BATCH]],
                queries,
                fuzzy[start : start + BATCH],
                found,
            )
        return [self._decide(hits) for hits in found]

    def _score_fuzzy(
        self,
        names: list[str],
        queries: Sequence[tuple[str, int | None]],
        rows: list[int],
        found: list[list[tuple[_Entry, float]]],
    ) -> None:
        if not names or not self._names:
            return
        scores = process.cdist(
            names,
            self._names,
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=MIN_SCORE,
            dtype=np.float32,
            workers=-1,
        )
        for row, position in enumerate(rows):
            hits = np.nonzero(scores[row])[0]
            best: dict[int, float] = {}
            for owner, score in zip(self._owners[hits], scores[row][hits], strict=True):
                key = int(owner)
                best[key] = max(best.get(key, 0.0), float(score))
            entries = [(self._entries[owner], score) for owner, score in best.items()]
            found[position] = _in_year(entries, queries[position][1])

    @staticmethod
    def _decide(hits: list[tuple[_Entry, float]]) -> IndexMatch:
        scored = [
            (
                score,
                entry.popularity,
                ImportCandidate(
                    movie_id=entry.id,
                    title=entry.title,
                    release_year=entry.year,
                    score=round(score, 1),
                ),
            )
            for entry, score in hits
        ]
        winner, candidates = choose(scored)
        return IndexMatch(movie_id=winner, candidates=candidates)


async def catalog_movies(
    ids: Sequence[int], image_base_url: str, poster_size: str
) -> dict[int, Movie]:
    """The catalog rows of ``ids`` as :class:`Movie` values (a few queries, not one per id)."""
    movies: dict[int, Movie] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), _ID_CHUNK):
        for row in await MovieRow.filter(id__in=unique[start : start + _ID_CHUNK]):
            movies[row.id] = movie_from_row(row, image_base_url, poster_size)
    return movies
