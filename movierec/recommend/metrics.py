"""Ranking metrics with binary relevance: NDCG@k, Recall@k, catalogue coverage."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence

__all__ = ["coverage", "ndcg_at_k", "recall_at_k"]


def ndcg_at_k(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    """``DCG@k / IDCG@k`` with gain 1 for relevant items and ``1/log2(rank + 1)`` discount."""
    if not relevant or k <= 0:
        return 0.0
    dcg = sum(1.0 / math.log2(i + 2) for i, item in enumerate(ranked[:k]) if item in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal


def recall_at_k(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    """Hits in the top ``k`` over ``min(k, |relevant|)`` (so a perfect list scores 1)."""
    if not relevant or k <= 0:
        return 0.0
    hits = sum(1 for item in ranked[:k] if item in relevant)
    return hits / min(k, len(relevant))


def coverage(lists: Iterable[Sequence[int]], catalogue_size: int, k: int) -> float:
    """Share of the catalogue appearing in at least one top-``k`` list."""
    if catalogue_size <= 0:
        return 0.0
    seen: set[int] = set()
    for ranked in lists:
        seen.update(ranked[:k])
    return len(seen) / catalogue_size
