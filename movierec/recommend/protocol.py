"""The offline evaluation protocol: hold-out data, user folds and ranking metrics.

**Data** (:func:`split_favorites`, :func:`user_folds`): a time-based hold-out, and user
folds for cross-validation.

1. ratings ``>= threshold`` (4 by default) are favorites;
2. per user, favorites are ordered by time (ties broken by a seeded shuffle) and the
   latest ``holdout`` share (20%, at least one) is held out; users with fewer than
   ``min_favorites`` favorites are not evaluated (their favorites still train).

:meth:`Split.only` keeps the held-out favorites of some users and drops the others', which
is how the tuner (:mod:`.tune`) is kept from ever seeing the users it reports on.

**Metrics** with binary relevance: NDCG@k, Recall@k, catalogue coverage.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from movierec.errors import InvalidInput
from movierec.recommend.matrix import IdMap, IntArray, interaction_matrix
from movierec.recommend.movielens import MovieLens

__all__ = ["Split", "coverage", "ndcg_at_k", "recall_at_k", "split_favorites", "user_folds"]


@dataclass(frozen=True, slots=True)
class Split:
    """Training favorites (matrix positions) and per-user held-out items."""

    items: IdMap
    train: sparse.csr_matrix
    profiles: dict[int, IntArray]
    held_out: dict[int, set[int]]

    def only(self, users: Iterable[int]) -> Split:
        """The same training matrix, evaluating only ``users`` (the others' held-out items gone)."""
        keep = [u for u in users if u in self.held_out]
        return Split(
            self.items,
            self.train,
            {u: self.profiles[u] for u in keep},
            {u: self.held_out[u] for u in keep},
        )


def split_favorites(
    data: MovieLens,
    *,
    threshold: float = 4.0,
    holdout: float = 0.2,
    min_favorites: int = 5,
    seed: int = 42,
) -> Split:
    """Hold out each evaluated user's latest favorites (see the module docstring)."""
    if not 0.0 < holdout < 1.0:
        raise InvalidInput("holdout must be between 0 and 1")
    items = IdMap(sorted(data.features))
    fav = data.ratings >= threshold
    known = np.asarray([m in items for m in data.movies], dtype=bool)
    mask = fav & known
    users, movies, stamps = data.users[mask], data.movies[mask], data.timestamps[mask]
    tiebreak = np.random.default_rng(seed).random(len(users))
    order = np.lexsort((tiebreak, stamps, users))
    users, movies = users[order], movies[order]
    boundaries = np.flatnonzero(np.diff(users)) + 1
    train_rows: list[int] = []
    train_cols: list[int] = []
    user_ids = IdMap()
    profiles: dict[int, IntArray] = {}
    held: dict[int, set[int]] = {}
    for chunk_users, chunk_movies in zip(
        np.split(users, boundaries), np.split(movies, boundaries), strict=True
    ):
        if len(chunk_users) == 0:
            continue
        row = user_ids.add(int(chunk_users[0]))
        positions = items.positions(int(m) for m in chunk_movies)
        _, first = np.unique(positions, return_index=True)
        positions = positions[np.sort(first)]
        n_test = max(1, round(len(positions) * holdout)) if len(positions) >= min_favorites else 0
        train = positions[: len(positions) - n_test]
        train_rows.extend([row] * len(train))
        train_cols.extend(int(p) for p in train)
        if n_test:
            profiles[row] = train
            held[row] = {int(p) for p in positions[len(positions) - n_test :]}
    matrix = interaction_matrix(
        np.asarray(train_rows, dtype=np.int64),
        np.asarray(train_cols, dtype=np.int64),
        (len(user_ids), len(items)),
    )
    return Split(items, matrix, profiles, held)


def user_folds(users: Iterable[int], folds: int, seed: int) -> list[list[int]]:
    """``users`` dealt into ``folds`` disjoint groups of near-equal size (seeded shuffle)."""
    pool = sorted(users)
    if folds < 2 or folds > len(pool):
        raise InvalidInput(
            f"cross-validation needs 2 to {len(pool)} folds", details={"folds": folds}
        )
    order = np.random.default_rng(seed).permutation(len(pool))
    return [sorted(pool[i] for i in order[f::folds]) for f in range(folds)]


def ndcg_at_k(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    """``DCG@k / IDCG@k`` with gain 1 for relevant items and ``1/log2(rank + 1)`` discount."""
    if not relevant or k <= 0:
        return 0.0
    dcg = sum(1.0 / math.log2(i + 2) for i, item in enumerate(ranked[:k]) if item in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal


def recall_at_k(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    """Hits in the top ``k`` over ``min(k, |relevant|)`` (so a perfect list scores 1)."""
    if not relevant or k <= 0:
        return 0.0
    hits = sum(1 for item in ranked[:k] if item in relevant)
    return hits / min(k, len(relevant))


def coverage(lists: Iterable[Sequence[int]], catalogue_size: int, k: int) -> float:
    """Share of the catalogue appearing in at least one top-``k`` list."""
    if catalogue_size <= 0:
        return 0.0
    seen: set[int] = set()
    for ranked in lists:
        seen.update(ranked[:k])
    return len(seen) / catalogue_size
