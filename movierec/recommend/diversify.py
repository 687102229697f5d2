"""Maximal marginal relevance: re-rank so one genre or franchise does not fill the page.

Greedy: repeatedly pick the candidate maximising
``lambda * relevance - (1 - lambda) * max similarity to what is already picked``,
with relevance scaled to ``[0, 1]``. ``lambda = 1`` keeps the relevance order;
lower values trade relevance for variety. Similarity between two movies is their
genre cosine, raised to 1 when they belong to the same franchise (see
:func:`franchise_key`).
"""

from __future__ import annotations

import re

import numpy as np

from movierec.recommend.matrix import FloatArray, IntArray

__all__ = ["franchise_key", "franchise_similarity", "mmr"]

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
