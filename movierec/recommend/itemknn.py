"""Item-item collaborative filtering: shrunk cosine similarity, top-k neighbours, sparse.

``sim(i, j) = |U_i & U_j| / (sqrt(|U_i|) * sqrt(|U_j|) + shrink)`` over the users who
favorited each item. The shrink term damps similarities resting on few co-occurrences.
Only the ``k`` best neighbours of each item are kept, so the model is an ``items x items``
CSR matrix with at most ``k`` entries a row; it is computed in column blocks so peak
memory stays near ``BLOCK_ENTRIES`` co-occurrences whatever the catalogue size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from movierec.recommend.matrix import FloatArray, IntArray, top_k_mask

__all__ = ["BLOCK_ENTRIES", "ItemKNN", "fit_item_knn"]

BLOCK_ENTRIES = 8_000_000


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

    def contributions(self, profile: IntArray, weights: FloatArray, items: IntArray) -> FloatArray:
        """``weights[p] * similarity[profile[p], item]``: a ``len(profile) x len(items)`` array.

        Row ``p`` says how much favorite ``p`` contributes to each item's evidence.
        """
        if len(profile) == 0 or len(items) == 0:
            return np.zeros((len(profile), len(items)), dtype=np.float64)
        block = self.similarity[profile][:, items].toarray()
        return np.asarray(block * weights[:, None], dtype=np.float64)


def fit_item_knn(
    interactions: sparse.csr_matrix,
    k: int = 100,
    shrink: float = 10.0,
    block: int | None = None,
) -> ItemKNN:
    """Fit item-item neighbours on a binary ``users x items`` matrix.

    Co-occurrences are computed sparse, ``block`` items at a time, and only the ``k``
    best entries of each row are kept, so memory follows the co-occurrence count.
    """
    x = sparse.csc_matrix(interactions, dtype=np.float32)
    x.data[:] = 1.0
    n_items = x.shape[1]
    if block is None:
        # a block's co-occurrences are at most block x items entries (~36 bytes each with
        # their row/column/value copies): cap them near BLOCK_ENTRIES, whatever the catalogue
        block = max(32, min(1024, BLOCK_ENTRIES // max(n_items, 1)))
    norms = np.sqrt(np.asarray(x.sum(axis=0), dtype=np.float64).ravel())
    xt = sparse.csr_matrix(x.T)
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[FloatArray] = []
    for start in range(0, n_items, block):
        end = min(start + block, n_items)
        co = sparse.csr_matrix(xt[start:end] @ x)
        counts = np.diff(co.indptr)
        r = np.repeat(np.arange(start, end, dtype=np.int64), counts)
        c = co.indices.astype(np.int64)
        v = co.data.astype(np.float64) / (norms[r] * norms[c] + shrink)
        v[r == c] = 0.0
        keep = top_k_mask(co.indptr, v, k) & (v > 0)
        rows.append(r[keep])
        cols.append(c[keep])
        vals.append(v[keep])
    if rows:
        rr, cc, vv = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    else:
        rr = cc = np.zeros(0, dtype=np.int64)
        vv = np.zeros(0, dtype=np.float64)
    similarity = sparse.csr_matrix((vv, (rr, cc)), shape=(n_items, n_items))
    return ItemKNN(similarity)
