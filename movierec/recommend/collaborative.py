"""The engine's collaborative signal: EASE over the head of the catalogue, item-kNN for the tail.

EASE (:mod:`.ease`) is the strongest item-item model measured here, but it is dense: its
cost grows with the square (memory) and cube (time) of the items it covers. So it covers
the ``ease_max_items`` most favorited items and each head item keeps its
``ease_neighbours`` strongest positive weights, a sparse matrix like item-kNN's. Pairs
touching an item beyond the head (rarely favorited ones, on a large catalogue) come from
shrunk-cosine item-kNN (:mod:`.itemknn`), rescaled so a typical kNN weight equals a
typical EASE weight. ``ease_max_items = 0`` serves plain item-kNN.

The result is one sparse ``items x items`` matrix in an :class:`~.itemknn.ItemKNN`, so
scoring, explanations ("because you liked ...") and the stored model stay as they were.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from movierec.recommend.ease import Ease, fit_ease
from movierec.recommend.ease import ease_neighbours as strongest_weights
from movierec.recommend.itemknn import ItemKNN, fit_item_knn

__all__ = ["fit_collaborative"]


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
