"""Item-item similarity: item-kNN, the RP3beta baseline, and the served EASE + kNN matrix.

**Item-kNN** (:func:`fit_item_knn`): shrunk cosine similarity, top-k neighbours, sparse.

``sim(i, j) = |U_i & U_j| / (sqrt(|U_i|) * sqrt(|U_j|) + shrink)`` over the users who
favorited each item. The shrink term damps similarities resting on few co-occurrences.
Only the ``k`` best neighbours of each item are kept, so the model is an ``items x items``
CSR matrix with at most ``k`` entries a row; it is computed in column blocks so peak
memory stays near ``BLOCK_ENTRIES`` co-occurrences whatever the catalogue size.

**RP3beta** (:func:`fit_rp3beta`, Paudel et al. 2017): three-step random walks on the
user-item graph, popularity-damped.

From item ``i`` a walk goes to a user who liked it, then to an item ``j`` that user liked;
``P(i -> j)`` is ``(P_iu @ P_ui)[i, j]`` with both steps uniform over the edges. RP3beta
raises it to ``alpha`` and divides by ``count(j) ** beta`` so blockbusters do not win every
walk, then keeps the ``k`` best ``j`` of each ``i``. Sparse throughout and computed in row
blocks, so it scales with the number of co-occurrences (a baseline of ``movierec eval``).

**The served matrix** (:func:`fit_collaborative`): EASE over the head of the catalogue,
item-kNN for the tail.

EASE (:mod:`.ease`) is the strongest item-item model measured here, but it is dense: its
cost grows with the square (memory) and cube (time) of the items it covers. So it covers
the ``ease_max_items`` most favorited items and each head item keeps its
``ease_neighbours`` strongest positive weights, a sparse matrix like item-kNN's. Pairs
touching an item beyond the head (rarely favorited ones, on a large catalogue) come from
shrunk-cosine item-kNN (above), rescaled so a typical kNN weight equals a
typical EASE weight. ``ease_max_items = 0`` serves plain item-kNN.

The result is one sparse ``items x items`` matrix in an :class:`ItemKNN`, so
scoring, explanations ("because you liked ...") and the stored model stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from movierec.recommend.ease import Ease, fit_ease
from movierec.recommend.ease import ease_neighbours as strongest_weights
from movierec.recommend.matrix import FloatArray, IntArray, item_counts, top_k_mask

__all__ = ["BLOCK_ENTRIES", "ItemKNN", "fit_collaborative", "fit_item_knn", "fit_rp3beta"]

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


def fit_collaborative(
    interactions: sparse.csr_matrix,
    *,
    neighbours: int,
    ease_neighbours: int,
    shrink: float,
    ease_lambda: float,
    ease_max_items: int,
    ease: Ease | None = None,
) -> ItemKNN:
    """The served item-item matrix (blocking; ``ease`` reuses an already fitted EASE).

    ``neighbours`` is item-kNN's (the tail, or everything when ``ease_max_items`` is 0);
    ``ease_neighbours`` is how many weights each head item keeps.
    """
    if ease_max_items <= 0:
        return fit_item_knn(interactions, k=neighbours, shrink=shrink)
    fitted = ease or fit_ease(interactions, ease_lambda, max_items=ease_max_items)
    head = strongest_weights(fitted, ease_neighbours)
    n = int(interactions.shape[1])
    favorited = int((np.diff(sparse.csc_matrix(interactions).indptr) > 0).sum())
    if len(fitted.items) >= favorited:
        return ItemKNN(head)
    knn = fit_item_knn(interactions, k=neighbours, shrink=shrink).similarity.tocoo()
    in_head = np.zeros(n, dtype=bool)
    in_head[fitted.items] = True
    both = in_head[knn.row] & in_head[knn.col]
    typical_knn = float(np.median(knn.data[both])) if both.any() else 1.0
    typical_ease = float(np.median(head.data)) if head.nnz else 1.0
    scale = typical_ease / typical_knn if typical_knn > 0 else 1.0
    tail = sparse.csr_matrix(
        (knn.data[~both] * scale, (knn.row[~both], knn.col[~both])), shape=(n, n)
    )
    return ItemKNN(sparse.csr_matrix(head + tail))
