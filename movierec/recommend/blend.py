"""The hybrid score: a weighted blend of three normalised signals.

For each candidate item ``i`` of one user::

    score(i) = w_cf * cf(i) / max(cf) + w_content * content(i) + w_pop * pop(i)

- ``cf`` is collaborative evidence (item-kNN similarity to the user's recency-weighted
  favorites, plus provider recommendations when a movie source is online), divided by its
  maximum for this user so it lies in ``[0, 1]`` whatever the profile size;
- ``content`` is the cosine between the item's genre/keyword/decade vector and the user's
  profile, already in ``[0, 1]``;
- ``pop`` is the log-scaled popularity prior in ``[0, 1]``.

The weights are settings (``MOVIEREC_RECOMMEND_WEIGHT_*``); their defaults are the
cross-validated choice of ``movierec eval --tune`` (see docs/recommendations.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movierec.recommend.matrix import FloatArray

__all__ = ["BlendWeights", "blend"]


@dataclass(frozen=True, slots=True)
class BlendWeights:
    """How much each signal counts."""

    collaborative: float = 1.0
    content: float = 0.4
    popularity: float = 0.0


def _unit(values: FloatArray) -> FloatArray:
    top = float(values.max()) if len(values) else 0.0
    return values / top if top > 0 else np.zeros_like(values)


def blend(
    collaborative: FloatArray, content: FloatArray, popularity: FloatArray, weights: BlendWeights
) -> FloatArray:
    """The blended score of every item (all three arrays aligned by item position)."""
    return (
        weights.collaborative * _unit(collaborative)
        + weights.content * np.clip(content, 0.0, 1.0)
        + weights.popularity * popularity
    )
