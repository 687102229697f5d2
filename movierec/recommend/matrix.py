"""Sparse user-item matrices and the id maps that go with them.

The recommender works on integer row/column positions; :class:`IdMap` turns external ids
(TMDb or MovieLens movie ids, user ids) into positions and back. Matrices are
``scipy.sparse`` CSR so memory grows with the number of interactions, not users x items.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse

__all__ = ["FloatArray", "IdMap", "IntArray", "interaction_matrix", "item_counts", "top_k_mask"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class IdMap:
    """A stable bijection between external ids and positions ``0..n-1`` (first seen first)."""

    __slots__ = ("_ids", "_index")

    def __init__(self, ids: Iterable[int] = ()) -> None:
        self._index: dict[int, int] = {}
        self._ids: list[int] = []
        for external in ids:
            self.add(external)

    def add(self, external: int) -> int:
        """The position of ``external``, assigning the next one when new."""
        position = self._index.get(external)
        if position is None:
            position = len(self._ids)
            self._index[external] = position
            self._ids.append(external)
        return position

    def get(self, external: int) -> int | None:
        """The position of ``external``, or ``None`` when unknown."""
        return self._index.get(external)

    def __contains__(self, external: object) -> bool:
        return external in self._index

    def __len__(self) -> int:
        return len(self._ids)

    def external(self, position: int) -> int:
        """The external id at ``position``."""
        return self._ids[position]

    def positions(self, externals: Iterable[int]) -> IntArray:
        """Positions of the known ids among ``externals`` (unknown ones dropped)."""
        found = [self._index[e] for e in externals if e in self._index]
        return np.asarray(found, dtype=np.int64)

    @property
    def ids(self) -> Sequence[int]:
        """External ids in position order."""
        return self._ids

    def to_artifact(self) -> dict[str, IntArray]:
        """The map as arrays (see :mod:`movierec.recommend.artifact`)."""
        return {"ids": np.asarray(self._ids, dtype=np.int64)}

    @classmethod
    def from_artifact(cls, arrays: dict[str, IntArray]) -> IdMap:
        """The map stored by :meth:`to_artifact`."""
        ids = arrays["ids"].tolist()
        made = cls()
        made._ids = ids
        made._index = {external: position for position, external in enumerate(ids)}
        return made


def interaction_matrix(
    rows: IntArray, cols: IntArray, shape: tuple[int, int], weights: FloatArray | None = None
) -> sparse.csr_matrix:
    """A CSR matrix with ``weights`` at ``(rows, cols)``.

    Without weights the matrix is binary (a pair listed twice is still 1); with weights,
    duplicates are summed.
    """
    data = np.ones(len(rows), dtype=np.float64) if weights is None else weights
    csr = sparse.csr_matrix((data, (rows, cols)), shape=shape)
    csr.sum_duplicates()
    if weights is None:
        csr.data = np.minimum(csr.data, 1.0)
    return csr


def top_k_mask(indptr: IntArray, values: FloatArray, k: int) -> npt.NDArray[np.bool_]:
    """Which entries of a CSR block (``indptr``, ``values``) are among their row's ``k`` largest."""
    keep = np.zeros(len(values), dtype=bool)
    for row in np.flatnonzero(np.diff(indptr)):
        lo, hi = indptr[row], indptr[row + 1]
        if hi - lo <= k:
            keep[lo:hi] = True
        else:
            keep[lo + np.argpartition(-values[lo:hi], k - 1)[:k]] = True
    return keep


def item_counts(interactions: sparse.csr_matrix) -> FloatArray:
    """How many users interacted with each item."""
    return np.asarray((interactions > 0).sum(axis=0), dtype=np.float64).ravel()
