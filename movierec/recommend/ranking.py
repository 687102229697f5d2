"""How one user's list is ranked and explained: popularity prior, blend, re-rank, reasons.

**Popularity prior** (:func:`log_popularity`): how many people liked an item, on a log
scale in ``[0, 1]``.

Log scaling keeps blockbusters from flattening everything else: an item liked by 1000
people scores about twice one liked by 30, not thirty times.

**Blend** (:func:`blend`): the hybrid score, a weighted blend of three normalised signals.

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

**Re-rank** (:func:`mmr`): maximal marginal relevance, so one genre or franchise does not
fill the page.

Greedy: repeatedly pick the candidate maximising
``lambda * relevance - (1 - lambda) * max similarity to what is already picked``,
with relevance scaled to ``[0, 1]``. ``lambda = 1`` keeps the relevance order;
lower values trade relevance for variety. Similarity between two movies is their
genre cosine, raised to 1 when they belong to the same franchise (see
:func:`franchise_key`).

**Reasons** (:func:`explain`) shown next to each recommendation.

Three kinds, in order of preference:

- ``liked``: the favorite that contributes most to the item's collaborative evidence
  ("because you liked The Matrix");
- ``genre``: the user's leading genre that the item has ("popular in Science Fiction");
- ``trending``: the cold-start fallback ("trending this week").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from movierec.recommend.matrix import FloatArray, IntArray
from movierec.recommend.types import ReasonKind

__all__ = [
    "BlendWeights",
    "Reason",
    "blend",
    "explain",
    "franchise_key",
    "franchise_similarity",
    "log_popularity",
    "mmr",
    "most_popular",
]


def log_popularity(counts: FloatArray) -> FloatArray:
    """``log1p(count) / log1p(max count)``; all zeros when nothing was counted."""
    logged = np.log1p(np.maximum(counts, 0.0))
    top = float(logged.max()) if len(logged) else 0.0
    return logged / top if top > 0 else np.zeros_like(logged)


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


_SEQUEL = re.compile(r"(\s*[:(\-]|\s+(?:part\s+)?(?:\d+|ii|iii|iv|v|vi)\b).*$", re.IGNORECASE)


def franchise_key(title: str) -> str:
    """A crude franchise key: the title before a colon, parenthesis or sequel number.

    ``"Star Wars: Episode IV"`` and ``"Star Wars: The Last Jedi"`` share ``"star wars"``;
    ``"Toy Story 2"`` and ``"Toy Story"`` share ``"toy story"``.
    """
    cleaned = _SEQUEL.sub("", title.strip()).strip().lower()
    for article in ("the ", "a ", "an "):
        if cleaned.startswith(article):
            cleaned = cleaned[len(article) :]
    return cleaned


def franchise_similarity(titles: list[str]) -> FloatArray:
    """1 where two titles share a franchise key (and the diagonal), else 0."""
    keys = np.asarray([franchise_key(t) for t in titles], dtype=object)
    same = (keys[:, None] == keys[None, :]) & (keys != "")[:, None]
    return np.asarray(same, dtype=np.float64)


def mmr(relevance: FloatArray, similarity: FloatArray, n: int, lam: float) -> IntArray:
    """Indices into ``relevance`` of the ``n`` picks, in pick order."""
    count = len(relevance)
    n = min(n, count)
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    top = float(relevance.max())
    low = float(relevance.min())
    rel = (relevance - low) / (top - low) if top > low else np.ones(count)
    chosen: list[int] = []
    max_sim = np.zeros(count, dtype=np.float64)
    available = np.ones(count, dtype=bool)
    for _ in range(n):
        gain = lam * rel - (1.0 - lam) * max_sim
        gain[~available] = -np.inf
        pick = int(np.argmax(gain))
        chosen.append(pick)
        available[pick] = False
        max_sim = np.maximum(max_sim, similarity[pick])
    return np.asarray(chosen, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an item is recommended."""

    kind: ReasonKind
    text: str
    because_of: int | None = None


def explain(
    *,
    anchor: int | None,
    anchor_titles: Mapping[int, str],
    item_genres: Sequence[int],
    user_genres: Sequence[int],
    genre_names: Mapping[int, str],
    trending: bool = False,
) -> Reason:
    """The reason for one item.

    ``anchor`` is the favorite behind its collaborative evidence (if any), ``user_genres``
    the user's genres strongest first (preferred ones first), ``trending`` whether it came
    from the trending list. A genre of the user's beats "trending"; any genre of the item
    beats the generic "popular right now".
    """
    if anchor is not None and anchor in anchor_titles:
        return Reason("liked", f"because you liked {anchor_titles[anchor]}", anchor)
    owned = set(item_genres)
    for genre in user_genres:
        if genre in owned and genre in genre_names:
            return Reason("genre", f"popular in {genre_names[genre]}")
    if trending:
        return Reason("trending", "trending this week")
    for genre in item_genres:
        if genre in genre_names:
            return Reason("genre", f"popular in {genre_names[genre]}")
    return Reason("trending", "popular right now")
