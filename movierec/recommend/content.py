"""Content features: genres, keywords and decade as one sparse, L2-normalised vector per item.

Each item's vector is three blocks, each normalised and then scaled by its weight:
genres (one-hot), keywords (one-hot scaled by inverse document frequency, so "woman
director" counts less than "time travel"), and decade (one-hot). A user's profile is the
(recency-weighted) sum of their favorites' vectors; an item's content score is the cosine
between its vector and that profile.

The vocabulary is fixed when the model is built; items added later (movies first seen on
TMDb) are vectorised with it, unknown keywords and decades dropped.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from movierec.recommend.matrix import FloatArray, IntArray

__all__ = ["ContentModel", "ItemFeatures", "Vocabulary", "build_content_model"]


@dataclass(frozen=True, slots=True)
class ItemFeatures:
    """What the content model knows about one item (genres are names or ids)."""

    genres: tuple[Hashable, ...] = ()
    keywords: tuple[str, ...] = ()
    year: int | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Column layout of the item vectors and the weights of each block."""

    genres: dict[Hashable, int]
    keywords: dict[str, tuple[int, float]]
    decades: dict[int, int]
    genre_weight: float
    keyword_weight: float
    decade_weight: float

    @property
    def width(self) -> int:
        """Number of columns."""
        return max(len(self.genres) + len(self.keywords) + len(self.decades), 1)

    def vectorize(
        self, items: Sequence[ItemFeatures]
    ) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """Item vectors (rows L2-normalised) and genre-only vectors (rows unit length)."""
        k_off = len(self.genres)
        d_off = k_off + len(self.keywords)
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        g_rows: list[int] = []
        g_cols: list[int] = []
        g_vals: list[float] = []
        for r, item in enumerate(items):
            genres = sorted({self.genres[g] for g in item.genres if g in self.genres})
            for c in genres:
                rows.append(r)
                cols.append(c)
                vals.append(self.genre_weight / math.sqrt(len(genres)))
                g_rows.append(r)
                g_cols.append(c)
                g_vals.append(1.0 / math.sqrt(len(genres)))
            known = [self.keywords[kw] for kw in sorted(set(item.keywords)) if kw in self.keywords]
            norm = math.sqrt(sum(idf * idf for _, idf in known))
            for col, idf in known:
                rows.append(r)
                cols.append(k_off + col)
                vals.append(self.keyword_weight * idf / norm)
            if item.year and item.year // 10 in self.decades:
                rows.append(r)
                cols.append(d_off + self.decades[item.year // 10])
                vals.append(self.decade_weight)
        n = len(items)
        vectors = sparse.csr_matrix((vals, (rows, cols)), shape=(n, self.width))
        norms = np.sqrt(np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel())
        scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        vectors = sparse.csr_matrix(sparse.diags(scale) @ vectors)
        genre_vectors = sparse.csr_matrix(
            (g_vals, (g_rows, g_cols)), shape=(n, max(len(self.genres), 1))
        )
        return vectors, genre_vectors


@dataclass(frozen=True, slots=True)
class ContentModel:
    """Item vectors (rows L2-normalised) and the genre-only vectors used for diversity."""

    vocabulary: Vocabulary
    vectors: sparse.csr_matrix
    genre_vectors: sparse.csr_matrix

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

    def top_genres(self, items: IntArray, weights: FloatArray | None = None) -> list[Hashable]:
        """Genres of ``items`` by weighted frequency, most frequent first."""
        if len(items) == 0 or not self.vocabulary.genres:
            return []
        w = np.ones(len(items)) if weights is None else weights
        counts = np.asarray(self.genre_vectors[items].T @ w).ravel()
        names = list(self.vocabulary.genres)
        order = np.argsort(-counts, kind="stable")
        return [names[i] for i in order if counts[i] > 0]

    def extended(self, items: Sequence[ItemFeatures]) -> ContentModel:
        """A model with ``items`` appended (vectorised with this vocabulary)."""
        vectors, genre_vectors = self.vocabulary.vectorize(items)
        return ContentModel(
            self.vocabulary,
            sparse.csr_matrix(sparse.vstack([self.vectors, vectors])),
            sparse.csr_matrix(sparse.vstack([self.genre_vectors, genre_vectors])),
        )


def build_content_model(
    items: Sequence[ItemFeatures],
    genre_weight: float = 1.0,
    keyword_weight: float = 0.6,
    decade_weight: float = 0.35,
    known_genres: Sequence[Hashable] = (),
) -> ContentModel:
    """Build the vocabulary from ``items`` and vectorise them (item ``i`` is row ``i``).

    ``known_genres`` join the vocabulary even when no item has them yet, and every decade
    from the 1870s to the 2030s has a column, so items added later still compare.
    """
    genres: dict[Hashable, int] = {g: i for i, g in enumerate(dict.fromkeys(known_genres))}
    document_frequency: dict[str, int] = {}
    for item in items:
        for g in item.genres:
            genres.setdefault(g, len(genres))
        for kw in set(item.keywords):
            document_frequency[kw] = document_frequency.get(kw, 0) + 1
    n = max(len(items), 1)
    keywords = {
        kw: (i, math.log(1.0 + n / document_frequency[kw]))
        for i, kw in enumerate(sorted(document_frequency))
    }
    seen = {it.year // 10 for it in items if it.year} | set(range(187, 204))
    decades = {d: i for i, d in enumerate(sorted(seen))}
    vocabulary = Vocabulary(genres, keywords, decades, genre_weight, keyword_weight, decade_weight)
    vectors, genre_vectors = vocabulary.vectorize(items)
    return ContentModel(vocabulary, vectors, genre_vectors)
