"""The evaluation harness: a time-based leave-some-out protocol on MovieLens-format data.

Protocol (deterministic for a given ``seed``):

1. ratings ``>= threshold`` (4 by default) are favorites;
2. per user, favorites are ordered by time (ties broken by a seeded shuffle) and the
   latest ``holdout`` share (20%, at least one) is held out; users with fewer than
   ``min_favorites`` favorites are not evaluated (their favorites still train);
3. every method is fitted on the remaining favorites and ranks the whole catalogue
   (``movies.csv``) for each evaluated user, minus that user's training favorites;
4. reported: NDCG@k, Recall@20 (hits over ``min(20, held out)``), catalogue coverage
   of the top-k lists, and wall time (fit + ranking).

Methods: ``most-popular`` (training favorite counts), ``item-kNN`` (shrunk cosine,
uniform profile), and ``engine`` (the served :class:`HybridModel` with the given params).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel
from scipy import sparse

from movierec.catalog.download import movielens_folder
from movierec.config import Settings
from movierec.errors import InvalidInput
from movierec.recommend.content import ItemFeatures
from movierec.recommend.matrix import IdMap, IntArray, interaction_matrix
from movierec.recommend.metrics import coverage, ndcg_at_k, recall_at_k
from movierec.recommend.model import HybridModel, ModelParams
from movierec.recommend.movielens import MovieLens, read_movielens
from movierec.recommend.popularity import item_counts, log_popularity, most_popular

__all__ = ["EvalReport", "MethodResult", "Split", "evaluate", "evaluate_sync", "split_favorites"]

RECALL_AT = 20


class MethodResult(BaseModel):
    """One method's figures."""

    method: str
    ndcg: float
    recall: float
    coverage: float
    seconds: float


class EvalReport(BaseModel):
    """The table ``movierec eval`` prints."""

    dataset: str
    k: int
    recall_at: int
    users: int
    items: int
    train_favorites: int
    held_out: int
    seed: int
    seconds: float
    results: list[MethodResult]


@dataclass(frozen=True, slots=True)
class Split:
    """Training favorites (matrix positions) and per-user held-out items."""

    items: IdMap
    train: sparse.csr_matrix
    profiles: dict[int, IntArray]
    held_out: dict[int, set[int]]


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


def _score_method(
    name: str,
    split: Split,
    rank: Callable[[IntArray, int], list[int]],
    k: int,
    fit_seconds: float,
) -> MethodResult:
    start = time.perf_counter()
    depth = max(k, RECALL_AT)
    ndcgs, recalls, lists = [], [], []
    for user, profile in split.profiles.items():
        ranked = rank(profile, depth)
        relevant = split.held_out[user]
        ndcgs.append(ndcg_at_k(ranked, relevant, k))
        recalls.append(recall_at_k(ranked, relevant, RECALL_AT))
        lists.append(ranked)
    return MethodResult(
        method=name,
        ndcg=round(float(np.mean(ndcgs)) if ndcgs else 0.0, 4),
        recall=round(float(np.mean(recalls)) if recalls else 0.0, 4),
        coverage=round(coverage(lists, len(split.items), k), 4),
        seconds=round(fit_seconds + time.perf_counter() - start, 2),
    )


def evaluate_sync(
    path: Path | str, *, k: int = 10, seed: int = 42, params: ModelParams | None = None
) -> EvalReport:
    """Run the protocol on a MovieLens-format folder (blocking: CPU and file work)."""
    if k <= 0:
        raise InvalidInput("k must be positive")
    started = time.perf_counter()
    data = read_movielens(path)
    split = split_favorites(data, seed=seed)
    if not split.profiles:
        raise InvalidInput(f"{path}: no user has enough favorites to evaluate")
    params = params or ModelParams()
    results: list[MethodResult] = []

    t0 = time.perf_counter()
    pop = log_popularity(item_counts(split.train))
    pop_fit = time.perf_counter() - t0
    results.append(
        _score_method(
            "most-popular",
            split,
            lambda profile, n: [int(i) for i in most_popular(pop, n, exclude=profile)],
            k,
            pop_fit,
        )
    )

    t0 = time.perf_counter()
    features = [data.features.get(m, ItemFeatures()) for m in split.items.ids]
    model = HybridModel.fit(split.items, split.train, features, popularity=pop, params=params)
    fit_seconds = time.perf_counter() - t0

    def knn_rank(profile: IntArray, n: int) -> list[int]:
        return [int(i) for i in most_popular(model.knn.score(profile), n, exclude=profile)]

    def engine_rank(profile: IntArray, n: int) -> list[int]:
        return [r.item for r in model.rank(profile, n, params)]

    results.append(_score_method("item-kNN", split, knn_rank, k, fit_seconds))
    results.append(_score_method("engine", split, engine_rank, k, fit_seconds))
    return EvalReport(
        dataset=str(path),
        k=k,
        recall_at=RECALL_AT,
        users=len(split.profiles),
        items=len(split.items),
        train_favorites=int(split.train.nnz),
        held_out=sum(len(v) for v in split.held_out.values()),
        seed=seed,
        seconds=round(time.perf_counter() - started, 2),
        results=results,
    )


async def evaluate(
    path: Path | str | None = None,
    *,
    settings: Settings | None = None,
    k: int = 10,
    seed: int = 42,
    params: ModelParams | None = None,
) -> EvalReport:
    """:func:`evaluate_sync` off the event loop.

    Without ``path`` the data set is the one ``catalog import movielens`` downloads
    (``<data_dir>/movielens/ml-latest-small`` of ``settings``); ``params`` default to the
    settings' model parameters.
    """
    if path is None:
        if settings is None:
            raise InvalidInput.field("path", "give a MovieLens folder or the settings")
        path = movielens_folder(settings)
    if params is None and settings is not None:
        params = ModelParams.from_settings(settings)
    return await asyncio.to_thread(evaluate_sync, path, k=k, seed=seed, params=params)
