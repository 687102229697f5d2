"""Scoring for catalog search and "similar" lists: pure functions, run off the event loop."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from movierec.catalog.titles import fold

__all__ = ["Candidate", "SimilarCandidate", "fuzzy_matches", "rank_similar", "rank_titles"]

_ARTICLES = ("the ", "a ", "an ", "la ", "le ", "les ", "el ")
STOPWORDS = frozenset({"the", "a", "an", "of", "and", "la", "le", "les", "el", "de", "in"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A movie that might match a title query."""

    id: int
    search_title: str
    popularity: float


@dataclass(frozen=True, slots=True)
class SimilarCandidate:
    """A movie that might be similar to another, with its content features."""

    id: int
    genre_ids: Sequence[int]
    keywords: Sequence[str]
    popularity: float


def _without_article(title: str) -> str:
    for article in _ARTICLES:
        if title.startswith(article):
            return title[len(article) :]
    return title


def _popularity_bonus(popularity: float, top: float, weight: float) -> float:
    return weight * math.log1p(max(popularity, 0.0)) / math.log1p(top) if top > 0 else 0.0


def title_score(query: str, title: str) -> float:
    """How well a folded title matches a folded query, 0-150 (best line of a search key)."""
    if "\n" in title:
        return max(title_score(query, line) for line in title.split("\n"))
    bare = _without_article(title)
    score = float(fuzz.WRatio(query, title, processor=None))
    if query in (title, bare):
        score += 30
    elif title.startswith(query) or bare.startswith(query):
        score += 15
    elif f" {query} " in f" {title} ":
        score += 5
    return score


def rank_titles(query: str, candidates: Sequence[Candidate]) -> list[int]:
    """Candidate ids best first: title match, then popularity as a small tie-breaker."""
    folded = fold(query)
    top = max((c.popularity for c in candidates), default=0.0)
    scored = [
        (title_score(folded, c.search_title) + _popularity_bonus(c.popularity, top, 8.0), c.id)
        for c in candidates
    ]
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [movie_id for _, movie_id in scored]


def fuzzy_matches(
    query: str, candidates: Sequence[Candidate], limit: int = 200, cutoff: float = 75.0
) -> list[int]:
    """Ids of the titles closest to ``query`` when no title contains it (typos), best first.

    Titles under half the query's length are left out: WRatio's partial matching would
    otherwise rank ``"M"`` first for ``"matirx"``.
    """
    folded = fold(query)
    lines = [
        (c, line)
        for c in candidates
        for line in c.search_title.split("\n")
        if len(line) * 2 >= len(folded)
    ]
    found = process.extract(
        folded,
        [line for _, line in lines],
        scorer=fuzz.WRatio,
        processor=None,
        limit=limit,
        score_cutoff=cutoff,
    )
    matched = {lines[index][0].id: lines[index][0] for _, _, index in found}
    return rank_titles(query, list(matched.values()))


def _jaccard(left: set[int] | set[str], right: set[int] | set[str]) -> float:
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def rank_similar(
    genre_ids: Sequence[int],
    keywords: Sequence[str],
    candidates: Sequence[SimilarCandidate],
    limit: int,
) -> list[int]:
    """Ids most similar in content: genre overlap, keyword overlap, then popularity."""
    genres = set(genre_ids)
    words = set(keywords)
    top = max((c.popularity for c in candidates), default=0.0)
    scored = [
        (
            0.6 * _jaccard(genres, set(c.genre_ids))
            + 0.3 * _jaccard(words, set(c.keywords))
            + _popularity_bonus(c.popularity, top, 0.1),
            c.id,
        )
        for c in candidates
    ]
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [movie_id for _, movie_id in scored[:limit]]
