"""EASE (Steck 2019): the closed-form linear item-item model, dense on the head items.

For a binary ``users x items`` matrix ``X`` and L2 penalty ``lam``::

    P = (X^T X + lam I)^-1
    B = I - P / diag(P)        (so diag(B) = 0)

and a user's score for every item is ``x_u @ B``. ``B`` is dense, ``items x items``, so it
is computed only over the *head*: the items with at least ``min_support`` favorites, at
most ``max_items`` of them (the most favorited). The inverse goes through a Cholesky
factorisation in float32 (``X^T X + lam I`` is symmetric positive definite): about
``4 * items^2`` bytes and ``items^3 / 3`` flops (5,300 items: 110 MB, a few seconds).

:func:`fit_ease` returns the dense weights (the ``EASE`` baseline of ``movierec eval``);
:func:`ease_neighbours` keeps each item's ``k`` strongest positive weights as a sparse
matrix of the whole catalogue, which is what the engine serves (see :mod:`.similarity`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import linalg, sparse

from movierec.errors import InvalidInput
from movierec.recommend.matrix import FloatArray, IntArray, item_counts

__all__ = ["Ease", "ease_neighbours", "fit_ease", "head_items"]

Float32Array = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Ease:
    """Dense EASE weights over the head ``items`` (catalogue positions, sorted).

    ``weights[a, b]`` is how much liking ``items[a]`` suggests ``items[b]``.
    """

    items: IntArray
    weights: Float32Array
    n_items: int

    def scores(self, rows: sparse.csr_matrix) -> Float32Array:
        """Scores of every catalogue item for each user row of ``rows`` (``users x n_items``).

        Items outside the head score ``-inf`` (EASE knows nothing about them).
        """
        head = sparse.csr_matrix(rows[:, self.items], dtype=np.float32)
        out = np.full((rows.shape[0], self.n_items), -np.inf, dtype=np.float32)
        out[:, self.items] = np.asarray(head @ self.weights, dtype=np.float32)
        return out


def head_items(counts: FloatArray, max_items: int, min_support: int = 1) -> IntArray:
    """Positions of the at most ``max_items`` most favorited items with ``>= min_support``.

    Ties at the cut are broken by position; the result is sorted by position.
    """
    eligible = np.flatnonzero(counts >= max(min_support, 1))
    if len(eligible) > max_items:
        order = np.lexsort((eligible, -counts[eligible]))
        eligible = np.sort(eligible[order[:max_items]])
    return eligible.astype(np.int64)


def _gram(interactions: sparse.csr_matrix, items: IntArray, block: int = 1024) -> Float32Array:
    """``X^T X`` over ``items`` as a dense float32 array, filled ``block`` rows at a time.

    Only one block of the sparse product exists at once, so the peak beyond the dense
    result is ``block x items`` co-occurrences, whatever the number of ratings.
    """
    x = sparse.csc_matrix(interactions[:, items], dtype=np.float32)
    x.data[:] = 1.0
    xt = sparse.csr_matrix(x.T)
    gram = np.zeros((len(items), len(items)), dtype=np.float32)
    for start in range(0, len(items), block):
        gram[start : start + block] = (xt[start : start + block] @ x).toarray()
    return gram


def fit_ease(
    interactions: sparse.csr_matrix,
    lam: float = 250.0,
    *,
    max_items: int = 8000,
    min_support: int = 1,
) -> Ease:
    """Fit EASE on the head items of a binary ``users x items`` matrix (blocking)."""
    if lam <= 0:
        raise InvalidInput("the EASE penalty must be positive")
    n_items = int(interactions.shape[1])
    items = head_items(item_counts(interactions), max_items, min_support)
    gram = _gram(interactions, items)
    gram[np.diag_indices_from(gram)] += np.float32(lam)
    if len(items) == 0:
        return Ease(items, gram, n_items)
    factor, info = linalg.lapack.spotrf(gram, lower=False, overwrite_a=True, clean=True)
    if info != 0:
        raise InvalidInput("EASE: the Gram matrix is not positive definite")
    inverse, info = linalg.lapack.spotri(factor, lower=False, overwrite_c=True)
    if info != 0:
        raise InvalidInput("EASE: the Gram matrix could not be inverted")
    del factor, gram
    # the factor's lower triangle was cleaned, so the inverse is upper-triangular: mirror it
    diagonal = np.diag(inverse).copy()
    weights = np.triu(inverse)
    del inverse
    weights += weights.T
    weights /= -diagonal[None, :]
    weights[np.diag_indices_from(weights)] = 0.0
    return Ease(items, weights, n_items)


def ease_neighbours(model: Ease, k: int, block: int = 1024) -> sparse.csr_matrix:
    """The ``k`` strongest positive weights of each head item, as a sparse catalogue matrix."""
    n = model.n_items
    heads = len(model.items)
    k = min(k, heads)
    if heads == 0 or k <= 0:
        return sparse.csr_matrix((n, n), dtype=np.float64)
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[FloatArray] = []
    for start in range(0, heads, block):
        chunk = model.weights[start : start + block]
        top = np.argpartition(-chunk, k - 1, axis=1)[:, :k]
        picked = np.take_along_axis(chunk, top, axis=1)
        keep = picked > 0
        local = np.repeat(np.arange(start, start + len(chunk)), k).reshape(len(chunk), k)
        rows.append(model.items[local[keep]])
        cols.append(model.items[top[keep]])
        vals.append(picked[keep].astype(np.float64))
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
    )
