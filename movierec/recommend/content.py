"""Content features: genres, keywords and decade as one sparse, L2-normalised vector per item.

Each item's vector is three blocks, each normalised and then scaled by its weight:
genres (one-hot), keywords (one-hot scaled by inverse document frequency, so "woman
director" counts less than "time travel"), and decade (one-hot). A user's profile is the
(recency-weighted) sum of their favorites' vectors; an item's content score is the cosine
between its vector and that profile.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from movierec.recommend.matrix import FloatArray, IntArray

__all__ = ["ContentModel", "ItemFeatures", "build_content_model"]


@dataclass(frozen=True, slots=True)
class ItemFeatures:
    """What the content model knows about one item."""

    genres: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    year: int | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class ContentModel:
    """Item vectors (rows L2-normalised) and the genre-only vectors used for diversity."""

    vectors: sparse.csr_matrix
    genre_vectors: sparse.csr_matrix
    genre_names: tuple[str, ...] = field(default=())

    def profile(self, items: IntArray, weights: FloatArray | None = None) -> FloatArray:
        """The normalised sum of ``items``' vectors (zeros when there is nothing to sum)."""
        width = self.vectors.shape[1]
        if len(items) == 0:
            return np.zeros(width, dtype=np.float64)
        w = np.ones(len(items)) if weights is None else weights
        summed = np.asarray(self.vectors[items].T @ w, dtype=np.float64).ravel()
        norm = float(np.linalg.norm(summed))
        return summed / norm if norm > 0 else summed

    def score(self, profile: FloatArray) -> FloatArray:
        """Cosine of every item with ``profile``."""
        return np.asarray(self.vectors @ profile, dtype=np.float64).ravel()

    def genre_similarity(self, items: IntArray) -> FloatArray:
        """Pairwise cosine of ``items``' genre vectors (a small dense matrix)."""
        block = self.genre_vectors[items]
        return np.asarray((block @ block.T).toarray(), dtype=np.float64)

    def top_genres(self, items: IntArray, weights: FloatArray | None = None) -> list[str]:
        """Genres of ``items`` by weighted frequency, most frequent first."""
        if len(items) == 0:
            return []
        w = np.ones(len(items)) if weights is None else weights
        counts = np.asarray(self.genre_vectors[items].T @ w).ravel()
        order = np.argsort(-counts, kind="stable")
        return [self.genre_names[i] for i in order if counts[i] > 0]


def build_content_model(
    items: Sequence[ItemFeatures],
    genre_weight: float = 1.0,
    keyword_weight: float = 0.6,
    decade_weight: float = 0.35,
) -> ContentModel:
    """Vectorise ``items`` (position ``i`` of the sequence is item ``i``)."""
    genre_index: dict[str, int] = {}
    keyword_df: dict[str, int] = {}
    for item in items:
        for g in item.genres:
            genre_index.setdefault(g, len(genre_index))
        for kw in set(item.keywords):
            keyword_df[kw] = keyword_df.get(kw, 0) + 1
    keyword_index = {kw: i for i, kw in enumerate(sorted(keyword_df))}
    decades = sorted({item.year // 10 for item in items if item.year})
    decade_index = {d: i for i, d in enumerate(decades)}
    n = len(items)
    g_off, k_off = 0, len(genre_index)
    d_off = k_off + len(keyword_index)
    width = d_off + len(decade_index)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    g_rows: list[int] = []
    g_cols: list[int] = []
    g_vals: list[float] = []
    for r, item in enumerate(items):
        genres = sorted({genre_index[g] for g in item.genres})
        for c in genres:
            rows.append(r)
            cols.append(g_off + c)
            vals.append(genre_weight / math.sqrt(len(genres)))
            g_rows.append(r)
            g_cols.append(c)
            g_vals.append(1.0 / math.sqrt(len(genres)))
        kws = sorted(set(item.keywords))
        if kws:
            idf = [math.log(1.0 + n / keyword_df[kw]) for kw in kws]
            norm = math.sqrt(sum(v * v for v in idf))
            for kw, v in zip(kws, idf, strict=True):
                rows.append(r)
                cols.append(k_off + keyword_index[kw])
                vals.append(keyword_weight * v / norm)
        if item.year:
            rows.append(r)
            cols.append(d_off + decade_index[item.year // 10])
            vals.append(decade_weight)
    vectors = sparse.csr_matrix((vals, (rows, cols)), shape=(n, max(width, 1)))
    norms = np.sqrt(np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    vectors = sparse.csr_matrix(sparse.diags(scale) @ vectors)
    genre_vectors = sparse.csr_matrix(
        (g_vals, (g_rows, g_cols)), shape=(n, max(len(genre_index), 1))
    )
    return ContentModel(vectors, genre_vectors, tuple(genre_index))
