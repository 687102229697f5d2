"""The hybrid model: collaborative (EASE + item-kNN), content and popularity, and ranking.

Pure numpy/scipy and synchronous: callers run :meth:`HybridModel.rank` through
``asyncio.to_thread``. The same object serves the evaluation harness and the live
service, so the quality measured is the quality served.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from movierec.config import Settings
from movierec.recommend.content import ContentModel, ItemFeatures, build_content_model
from movierec.recommend.ease import Ease
from movierec.recommend.matrix import FloatArray, IdMap, IntArray, item_counts
from movierec.recommend.ranking import (
    BlendWeights,
    blend,
    franchise_similarity,
    log_popularity,
    mmr,
)
from movierec.recommend.similarity import ItemKNN, fit_collaborative

__all__ = ["HybridModel", "ModelParams", "Ranked", "recency_weights"]


@dataclass(frozen=True, slots=True)
class ModelParams:
    """Knobs of ranking (the served defaults come from :class:`~movierec.Settings`)."""

    weights: BlendWeights = field(default_factory=BlendWeights)
    recency_half_life: float = 2.5
    diversity: float = 0.8
    pool: int = 100
    neighbours: int = 50
    ease_neighbours: int = 200
    shrink: float = 10.0
    ease_lambda: float = 250.0
    ease_max_items: int = 8000

    @classmethod
    def from_settings(cls, settings: Settings) -> ModelParams:
        """The served parameters."""
        return cls(
            weights=BlendWeights(
                collaborative=settings.recommend_weight_collaborative,
                content=settings.recommend_weight_content,
                popularity=settings.recommend_weight_popularity,
            ),
            recency_half_life=settings.recommend_recency_half_life,
            diversity=settings.recommend_diversity,
            neighbours=settings.recommend_neighbours,
            ease_neighbours=settings.recommend_ease_neighbours,
            shrink=settings.recommend_shrink,
            ease_lambda=settings.recommend_ease_lambda,
            ease_max_items=settings.recommend_ease_max_items,
        )


@dataclass(frozen=True, slots=True)
class Ranked:
    """One ranked item: its position, blended score, signals and strongest anchor."""

    item: int
    score: float
    collaborative: float
    content: float
    popularity: float
    anchor: int | None


def recency_weights(count: int, half_life: float) -> FloatArray:
    """Weights for ``count`` favorites ordered oldest to newest: the newest weighs 1.

    A favorite ``half_life`` places older than the newest weighs 1/2; ``half_life <= 0``
    weighs every favorite 1.
    """
    if half_life <= 0:
        return np.ones(count, dtype=np.float64)
    age = np.arange(count - 1, -1, -1, dtype=np.float64)
    return np.asarray(0.5 ** (age / half_life), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class HybridModel:
    """Everything fitted over one catalogue of items."""

    items: IdMap
    knn: ItemKNN
    content: ContentModel
    popularity: FloatArray
    titles: tuple[str, ...]

    @classmethod
    def fit(
        cls,
        items: IdMap,
        interactions: sparse.csr_matrix,
        features: Sequence[ItemFeatures],
        *,
        popularity: FloatArray | None = None,
        params: ModelParams | None = None,
        known_genres: Sequence[Hashable] = (),
        ease: Ease | None = None,
    ) -> HybridModel:
        """Fit on a binary ``users x items`` matrix and per-item features.

        ``ease`` reuses an EASE fit of the same matrix (the evaluation harness fits it once
        for its baseline and the engine).
        """
        params = params or ModelParams()
        knn = fit_collaborative(
            interactions,
            neighbours=params.neighbours,
            ease_neighbours=params.ease_neighbours,
            shrink=params.shrink,
            ease_lambda=params.ease_lambda,
            ease_max_items=params.ease_max_items,
            ease=ease,
        )
        content = build_content_model(features, known_genres=known_genres)
        pop = log_popularity(item_counts(interactions)) if popularity is None else popularity
        return cls(items, knn, content, pop, tuple(f.title for f in features))

    def extended(
        self, ids: Sequence[int], features: Sequence[ItemFeatures], popularity: FloatArray
    ) -> HybridModel:
        """A copy knowing the new items ``ids`` too (no collaborative data for them yet).

        Used for movies first seen after the model was fitted (e.g. fresh from TMDb):
        they get content vectors with the existing vocabulary and the given popularity.
        """
        fresh = [(i, f, p) for i, f, p in zip(ids, features, popularity, strict=True)]
        fresh = [row for row in fresh if row[0] not in self.items]
        if not fresh:
            return self
        items = IdMap(self.items.ids)
        for ident, _, _ in fresh:
            items.add(ident)
        n = len(items)
        similarity = self.knn.similarity.copy()
        similarity.resize((n, n))
        return HybridModel(
            items,
            ItemKNN(sparse.csr_matrix(similarity)),
            self.content.extended([f for _, f, _ in fresh]),
            np.concatenate([self.popularity, np.asarray([p for _, _, p in fresh])]),
            self.titles + tuple(f.title for _, f, _ in fresh),
        )

    def rank(
        self,
        profile: IntArray,
        n: int,
        params: ModelParams,
        *,
        exclude: IntArray | None = None,
        extra_evidence: FloatArray | None = None,
    ) -> list[Ranked]:
        """The ``n`` best items for a user whose favorites are ``profile`` (oldest first).

        ``extra_evidence`` (aligned with items) adds to the collaborative signal, e.g.
        provider recommendations. Items of ``profile`` and ``exclude`` never appear.
        """
        weights = recency_weights(len(profile), params.recency_half_life)
        cf = self.knn.score(profile, weights)
        if extra_evidence is not None:
            top = float(cf.max()) if len(cf) else 0.0
            cf = cf + extra_evidence * (top if top > 0 else 1.0)
        content = self.content.score(self.content.profile(profile, weights))
        scores = blend(cf, content, self.popularity, params.weights)
        banned = np.zeros(len(scores), dtype=bool)
        banned[profile] = True
        if exclude is not None and len(exclude):
            banned[exclude] = True
        scores[banned] = -np.inf
        pool = min(max(params.pool, n), int((~banned).sum()))
        if pool <= 0:
            return []
        candidates = np.argpartition(-scores, pool - 1)[:pool]
        candidates = candidates[np.lexsort((candidates, -scores[candidates]))]
        if params.diversity < 1.0:
            sim = np.maximum(
                self.content.genre_similarity(candidates),
                franchise_similarity([self.titles[i] for i in candidates]),
            )
            picked = candidates[mmr(scores[candidates], sim, n, params.diversity)]
        else:
            picked = candidates[:n]
        anchors = _spread_anchors(self.knn.contributions(profile, weights, picked))
        cf_top = float(cf.max()) if len(cf) and cf.max() > 0 else 1.0
        return [
            Ranked(
                item=int(i),
                score=float(scores[i]),
                collaborative=float(cf[i] / cf_top),
                content=float(content[i]),
                popularity=float(self.popularity[i]),
                anchor=int(profile[a]) if a >= 0 else None,
            )
            for i, a in zip(picked, anchors, strict=True)
        ]


ANCHOR_SHARE = 0.5
"""A favorite can explain an item when it contributes at least this share of the
strongest contribution; among those, the one used least so far is named, so one recent
favorite does not explain the whole page."""


def _spread_anchors(contributions: FloatArray) -> list[int]:
    """For each item (column), the profile row to name as its reason (-1 for none)."""
    used: dict[int, int] = {}
    anchors: list[int] = []
    for column in contributions.T:
        best = float(column.max()) if len(column) else 0.0
        if best <= 0:
            anchors.append(-1)
            continue
        eligible = np.flatnonzero(column >= ANCHOR_SHARE * best)
        ranked = sorted(eligible.tolist(), key=lambda p: (used.get(p, 0), -column[p]))
        anchors.append(ranked[0])
        used[ranked[0]] = used.get(ranked[0], 0) + 1
    return anchors
