"""The evaluation harness: every method on one time-based hold-out (see :mod:`.protocol`).

Every method is fitted on the training favorites and ranks the whole catalogue
(``movies.csv``) for each evaluated user, minus that user's training favorites. Reported:
NDCG@k, Recall@20 (hits over ``min(20, held out)``), catalogue coverage of the top-k lists,
and wall time (fit + ranking).

Methods: ``most-popular`` (training favorite counts), ``item-kNN`` (shrunk cosine, 50
neighbours, uniform profile), ``RP3beta`` (graph walks, :mod:`.similarity`), ``EASE`` (dense
closed form, :mod:`.ease`; skipped with a note when the favorited catalogue is larger than
``EASE_BASELINE_MAX_ITEMS``) and ``engine`` (the served :class:`HybridModel` with the given
params). ``tune=True`` adds the cross-validated parameter choice of :mod:`.tune`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel
from scipy import sparse

from movierec.catalog.download import movielens_folder
from movierec.config import Settings
from movierec.errors import InvalidInput
from movierec.recommend.content import ItemFeatures
from movierec.recommend.ease import fit_ease
from movierec.recommend.matrix import item_counts
from movierec.recommend.model import HybridModel, ModelParams
from movierec.recommend.movielens import read_movielens
from movierec.recommend.protocol import Split, coverage, ndcg_at_k, recall_at_k, split_favorites
from movierec.recommend.ranking import log_popularity
from movierec.recommend.similarity import fit_item_knn, fit_rp3beta
from movierec.recommend.tune import TuneReport, cross_validate, params_row

__all__ = [
    "EASE_BASELINE_MAX_ITEMS",
    "EvalReport",
    "MethodResult",
    "Split",
    "evaluate",
    "evaluate_sync",
    "split_favorites",
]

RECALL_AT = 20
EASE_BASELINE_LAMBDA = 250.0
EASE_BASELINE_MAX_ITEMS = 12_000
"""Favorited movies above which the dense EASE baseline is skipped (12,000: ~0.6 GB a copy)."""
KNN_NEIGHBOURS = 50
KNN_SHRINK = 10.0
RP3_ALPHA = 1.0
RP3_BETA = 0.3
RP3_NEIGHBOURS = 100

Lists = dict[int, list[int]]
ScoreRows = Callable[[sparse.csr_matrix], "np.ndarray[Any, Any]"]


class MethodResult(BaseModel):
    """One method's figures."""

    method: str
    ndcg: float
    recall: float
    coverage: float
    seconds: float


class EvalReport(BaseModel):
    """The table ``movierec eval`` prints (``tuning`` with ``--tune``)."""

    dataset: str
    k: int
    recall_at: int
    users: int
    items: int
    train_favorites: int
    held_out: int
    seed: int
    seconds: float
    params: dict[str, float]
    results: list[MethodResult]
    notes: list[str] = []
    tuning: TuneReport | None = None


def top_lists(split: Split, score_rows: ScoreRows, depth: int, batch: int = 512) -> Lists:
    """Each evaluated user's ``depth`` best items by ``score_rows`` (training favorites out)."""
    users = sorted(split.profiles)
    lists: Lists = {}
    for start in range(0, len(users), batch):
        chunk = users[start : start + batch]
        rows = split.train[chunk]
        scores = np.asarray(score_rows(rows), dtype=np.float64)
        scores[rows.nonzero()] = -np.inf
        n = min(depth, scores.shape[1])
        top = np.argpartition(-scores, n - 1, axis=1)[:, :n]
        for r, user in enumerate(chunk):
            picked = top[r][np.lexsort((top[r], -scores[r, top[r]]))]
            lists[user] = [int(i) for i in picked if np.isfinite(scores[r, i])]
    return lists


def per_user_ndcg(split: Split, lists: Lists, k: int) -> dict[int, float]:
    """NDCG@k of each evaluated user's list."""
    return {u: ndcg_at_k(lists[u], split.held_out[u], k) for u in split.profiles}


def measure(name: str, split: Split, lists: Lists, k: int, seconds: float) -> MethodResult:
    """A method's figures from its lists."""
    users = sorted(split.profiles)
    ndcgs = [ndcg_at_k(lists[u], split.held_out[u], k) for u in users]
    recalls = [recall_at_k(lists[u], split.held_out[u], RECALL_AT) for u in users]
    return MethodResult(
        method=name,
        ndcg=round(float(np.mean(ndcgs)) if ndcgs else 0.0, 4),
        recall=round(float(np.mean(recalls)) if recalls else 0.0, 4),
        coverage=round(coverage([lists[u] for u in users], len(split.items), k), 4),
        seconds=round(seconds, 2),
    )


def engine_lists(model: HybridModel, split: Split, params: ModelParams, depth: int) -> Lists:
    """The served ranking of each evaluated user of ``split``."""
    return {u: [r.item for r in model.rank(p, depth, params)] for u, p in split.profiles.items()}


def _timed(run: Callable[[], Lists]) -> tuple[Lists, float]:
    started = time.perf_counter()
    lists = run()
    return lists, time.perf_counter() - started


def evaluate_sync(
    path: Path | str,
    *,
    k: int = 10,
    seed: int = 42,
    params: ModelParams | None = None,
    tune: bool = False,
    folds: int = 3,
    ease_max_items: int = EASE_BASELINE_MAX_ITEMS,
) -> EvalReport:
    """Run the protocol on a MovieLens-format folder (blocking: CPU and file work).

    The EASE baseline runs when at most ``ease_max_items`` movies have training favorites.
    """
    if k <= 0:
        raise InvalidInput("k must be positive")
    started = time.perf_counter()
    data = read_movielens(path)
    split = split_favorites(data, seed=seed)
    if not split.profiles:
        raise InvalidInput(f"{path}: no user has enough favorites to evaluate")
    params = params or ModelParams()
    depth = max(k, RECALL_AT)
    train = split.train
    counts = item_counts(train)
    pop = log_popularity(counts)
    results: list[MethodResult] = []
    notes: list[str] = []
    baselines: dict[str, Lists] = {}

    def add(name: str, lists: Lists, seconds: float) -> None:
        baselines[name] = lists
        results.append(measure(name, split, lists, k, seconds))

    add(
        "most-popular",
        *_timed(lambda: top_lists(split, lambda rows: np.tile(pop, (rows.shape[0], 1)), depth)),
    )

    def knn() -> Lists:
        sim = fit_item_knn(train, k=KNN_NEIGHBOURS, shrink=KNN_SHRINK).similarity
        return top_lists(split, lambda rows: (rows @ sim).toarray(), depth)

    add("item-kNN", *_timed(knn))

    def rp3() -> Lists:
        sim = fit_rp3beta(train, alpha=RP3_ALPHA, beta=RP3_BETA, k=RP3_NEIGHBOURS)
        return top_lists(split, lambda rows: (rows @ sim).toarray(), depth)

    add("RP3beta", *_timed(rp3))

    favorited = int((counts > 0).sum())
    shared = None
    if favorited <= ease_max_items:
        t0 = time.perf_counter()
        ease = fit_ease(train, EASE_BASELINE_LAMBDA, max_items=ease_max_items)
        fitted = time.perf_counter() - t0
        lists, ranked = _timed(lambda: top_lists(split, ease.scores, depth))
        add("EASE", lists, fitted + ranked)
        if params.ease_lambda == EASE_BASELINE_LAMBDA and favorited <= params.ease_max_items:
            shared = ease
    else:
        notes.append(
            f"EASE skipped: {favorited:,} favorited movies > {ease_max_items:,} "
            "(its dense inverse would not fit in memory)"
        )

    t0 = time.perf_counter()
    features = [data.features.get(m, ItemFeatures()) for m in split.items.ids]
    model = HybridModel.fit(
        split.items, train, features, popularity=pop, params=params, ease=shared
    )
    engine, ranked = _timed(lambda: engine_lists(model, split, params, depth))
    results.append(measure("engine", split, engine, k, time.perf_counter() - t0))

    tuning = None
    if tune:
        tuning = cross_validate(
            model,
            split,
            params,
            baselines={name: per_user_ndcg(split, lists, k) for name, lists in baselines.items()},
            k=k,
            folds=folds,
            seed=seed,
        )
    return EvalReport(
        dataset=str(path),
        k=k,
        recall_at=RECALL_AT,
        users=len(split.profiles),
        items=len(split.items),
        train_favorites=int(train.nnz),
        held_out=sum(len(v) for v in split.held_out.values()),
        seed=seed,
        seconds=round(time.perf_counter() - started, 2),
        params=params_row(params),
        results=results,
        notes=notes,
        tuning=tuning,
    )


async def evaluate(
    path: Path | str | None = None,
    *,
    settings: Settings | None = None,
    k: int = 10,
    seed: int = 42,
    params: ModelParams | None = None,
    tune: bool = False,
    folds: int = 3,
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
    return await asyncio.to_thread(
        evaluate_sync, path, k=k, seed=seed, params=params, tune=tune, folds=folds
    )
