"""Item-item collaborative filtering: shrunk cosine similarity, top-k neighbours, sparse.

``sim(i, j) = |U_i & U_j| / (sqrt(|U_i|) * sqrt(|U_j|) + shrink)`` over the users who
favorited each item. The shrink term damps similarities resting on few co-occurrences.
Only the ``k`` best neighbours of each item are kept, so the model is an ``items x items``
CSR matrix with at most ``k`` entries a row; it is computed in column blocks so peak
memory stays at ``block x items`` floats whatever the catalogue size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from movierec.recommend.matrix import FloatArray, IntArray

__all__ = ["ItemKNN", "fit_item_knn"]


@dataclass(frozen=True, slots=True)
class ItemKNN:
    """The fitted neighbourhood: ``similarity[i, j]`` is how much liking ``i`` suggests ``j``."""

    similarity: sparse.csr_matrix

    @property
    def n_items(self) -> int:
        """Number of items (rows and columns)."""
        return int(self.similarity.shape[0])

    def neighbours(self, item: int) -> tuple[IntArray, FloatArray]:
        """The kept neighbours of ``item`` and their similarities, best first."""
        start, end = self.similarity.indptr[item], self.similarity.indptr[item + 1]
        cols = self.similarity.indices[start:end].astype(np.int64)
        vals = self.similarity.data[start:end].astype(np.float64)
        order = np.argsort(-vals, kind="stable")
        return cols[order], vals[order]

    def score(self, profile: IntArray, weights: FloatArray | None = None) -> FloatArray:
        """Evidence for every item given a user's liked items (optionally weighted)."""
        if len(profile) == 0:
            return np.zeros(self.n_items, dtype=np.float64)
        w = np.ones(len(profile)) if weights is None else weights
        rows = self.similarity[profile]
        return np.asarray(rows.T @ w, dtype=np.float64).ravel()

    def contributions(self, profile: IntArray, weights: FloatArray, items: IntArray) -> IntArray:
        """For each of ``items``, the profile position contributing most (-1 when none)."""
        if len(profile) == 0 or len(items) == 0:
            return np.full(len(items), -1, dtype=np.int64)
        block = self.similarity[profile][:, items].toarray() * weights[:, None]
        best = np.argmax(block, axis=0)
        best_value = block[best, np.arange(len(items))]
        return np.where(best_value > 0, best, -1).astype(np.int64)


def fit_item_knn(
    interactions: sparse.csr_matrix, k: int = 100, shrink: float = 10.0, block: int = 1024
) -> ItemKNN:
    """Fit item-item neighbours on a binary ``users x items`` matrix."""
    x = sparse.csc_matrix(interactions, dtype=np.float32)
    x.data[:] = 1.0
    n_items = x.shape[1]
    norms = np.sqrt(np.asarray(x.sum(axis=0), dtype=np.float32).ravel())
    xt = x.T.tocsr()
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[FloatArray] = []
    keep = max(1, min(k, n_items - 1)) if n_items > 1 else 0
    for start in range(0, n_items, block):
        end = min(start + block, n_items)
        co = (xt[start:end] @ x).toarray()
        denom = norms[start:end, None] * norms[None, :] + shrink
        sim = np.divide(co, denom, out=np.zeros_like(co), where=denom > 0)
        idx = np.arange(start, end)
        sim[idx - start, idx] = 0.0
        if keep == 0:
            continue
        top = np.argpartition(-sim, keep - 1, axis=1)[:, :keep]
        top_vals = np.take_along_axis(sim, top, axis=1)
        mask = top_vals > 0
        rows.append(np.repeat(idx, keep)[mask.ravel()])
        cols.append(top.ravel()[mask.ravel()])
        vals.append(top_vals.ravel()[mask.ravel()].astype(np.float64))
    if rows:
        r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    else:
        r = c = np.zeros(0, dtype=np.int64)
        v = np.zeros(0, dtype=np.float64)
    similarity = sparse.csr_matrix((v, (r, c)), shape=(n_items, n_items))
    return ItemKNN(similarity)
