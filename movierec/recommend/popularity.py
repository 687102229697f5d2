"""The popularity prior: how many people liked an item, on a log scale in ``[0, 1]``.

Log scaling keeps blockbusters from flattening everything else: an item liked by 1000
people scores about twice one liked by 30, not thirty times.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from movierec.recommend.matrix import FloatArray, IntArray

__all__ = ["item_counts", "log_popularity", "most_popular"]


def log_popularity(counts: FloatArray) -> FloatArray:
    """``log1p(count) / log1p(max count)``; all zeros when nothing was counted."""
    logged = np.log1p(np.maximum(counts, 0.0))
    top = float(logged.max()) if len(logged) else 0.0
    return logged / top if top > 0 else np.zeros_like(logged)


def item_counts(interactions: sparse.csr_matrix) -> FloatArray:
    """How many users interacted with each item."""
    return np.asarray((interactions > 0).sum(axis=0), dtype=np.float64).ravel()


def most_popular(scores: FloatArray, n: int, exclude: IntArray | None = None) -> IntArray:
    """Positions of the ``n`` highest ``scores`` (ties by position), skipping ``exclude``."""
    ranked = scores.astype(np.float64, copy=True)
    if exclude is not None and len(exclude):
        ranked[exclude] = -np.inf
    n = min(n, int(np.isfinite(ranked).sum()))
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-ranked, n - 1)[:n]
    order = np.lexsort((top, -ranked[top]))
    return top[order].astype(np.int64)
