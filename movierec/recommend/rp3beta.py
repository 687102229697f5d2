"""RP3beta (Paudel et al. 2017): three-step random walks on the user-item graph, popularity-damped.

From item ``i`` a walk goes to a user who liked it, then to an item ``j`` that user liked;
``P(i -> j)`` is ``(P_iu @ P_ui)[i, j]`` with both steps uniform over the edges. RP3beta
raises it to ``alpha`` and divides by ``count(j) ** beta`` so blockbusters do not win every
walk, then keeps the ``k`` best ``j`` of each ``i``. Sparse throughout and computed in row
blocks, so it scales with the number of co-occurrences (a baseline of ``movierec eval``).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from movierec.recommend.matrix import FloatArray, IntArray, top_k_mask
from movierec.recommend.popularity import item_counts

__all__ = ["fit_rp3beta"]


def _row_normalised(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    sums = np.asarray(matrix.sum(axis=1), dtype=np.float64).ravel()
    scale = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)
    return sparse.csr_matrix(sparse.diags(scale) @ matrix)


def fit_rp3beta(
    interactions: sparse.csr_matrix,
    *,
    alpha: float = 1.0,
    beta: float = 0.5,
    k: int = 100,
    block: int = 1024,
) -> sparse.csr_matrix:
    """The ``items x items`` RP3beta similarity of a binary ``users x items`` matrix."""
    x = sparse.csr_matrix(interactions, dtype=np.float64)
    x.data[:] = 1.0
    user_to_item = _row_normalised(x)
    item_to_user = _row_normalised(sparse.csr_matrix(x.T))
    counts = item_counts(x)
    damp = np.divide(1.0, counts**beta, out=np.zeros_like(counts), where=counts > 0)
    n_items = x.shape[1]
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[FloatArray] = []
    for start in range(0, n_items, block):
        end = min(start + block, n_items)
        walk = sparse.csr_matrix(item_to_user[start:end] @ user_to_item)
        r = np.repeat(np.arange(start, end, dtype=np.int64), np.diff(walk.indptr))
        c = walk.indices.astype(np.int64)
        v = walk.data**alpha * damp[c]
        v[r == c] = 0.0
        keep = top_k_mask(walk.indptr, v, k) & (v > 0)
        rows.append(r[keep])
        cols.append(c[keep])
        vals.append(v[keep])
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_items, n_items),
    )
