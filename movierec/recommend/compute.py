"""Computing one user's list: profile, candidates, hybrid ranking, reasons.

1. favorites (oldest first) and dismissals from the database; the fitted model from
   :class:`~movierec.recommend.service.Recommender` (extended with any favorite it does
   not know yet);
2. seeds: the most recent favorites and the most characteristic ones (closest to the
   user's content profile); the source's related lists for the seeds, popular movies of
   the preferred genres, and trending when there are no favorites (:mod:`.candidates`);
3. :meth:`HybridModel.rank` blends item-kNN evidence plus the candidates' evidence
   (scaled to ``PROVIDER_SHARE`` of the strongest kNN evidence), content similarity and
   popularity, removes favorites and dismissed movies, and diversifies with MMR;
4. each item gets its reason (:func:`~.ranking.explain`).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from movierec.clock import utc_datetime
from movierec.errors import MovieRecError
from movierec.recommend.candidates import Candidate, gather_candidates
from movierec.recommend.content import ItemFeatures
from movierec.recommend.matrix import FloatArray, IntArray
from movierec.recommend.model import HybridModel, Ranked, recency_weights
from movierec.recommend.ranking import explain
from movierec.recommend.store import FavoriteRow, load_dismissed, load_favorites, movies_by_id
from movierec.types import Movie

if TYPE_CHECKING:
    from movierec.clock import Clock
    from movierec.config import Settings
    from movierec.discovery import MovieService
    from movierec.recommend.service import Recommender

__all__ = ["LIST_SIZE", "PROVIDER_SHARE", "compute_list", "pick_seeds", "preferred_genres"]

LIST_SIZE = 100
PROVIDER_SHARE = 0.5
GENRE_LISTS = 3
_POPULARITY_SCALE = math.log1p(1000.0)


def preferred_genres(preferences: Mapping[str, Any], names: Mapping[int, str]) -> list[int]:
    """Genre ids from the user's preferences (ids or names, unknown names dropped)."""
    raw = preferences.get("genres") or preferences.get("genre_ids") or []
    by_name = {name.lower(): ident for ident, name in names.items()}
    found: list[int] = []
    for value in raw if isinstance(raw, list) else []:
        if isinstance(value, int) and not isinstance(value, bool):
            found.append(value)
        elif isinstance(value, str) and value.strip().lower() in by_name:
            found.append(by_name[value.strip().lower()])
    return list(dict.fromkeys(found))


def pick_seeds(model: HybridModel, profile: IntArray, count: int) -> list[int]:
    """The newest ``ceil(count/2)`` favorites, then the most characteristic others."""
    if count <= 0 or len(profile) == 0:
        return []
    recent = [int(p) for p in profile[::-1][: math.ceil(count / 2)]]
    weights = recency_weights(len(profile), 0.0)
    closeness = model.content.vectors[profile] @ model.content.profile(profile, weights)
    order = np.argsort(-np.asarray(closeness).ravel(), kind="stable")
    typical = [int(profile[i]) for i in order if int(profile[i]) not in recent]
    chosen = recent + typical[: count - len(recent)]
    return [model.items.external(p) for p in chosen]


def _features(movie: Movie) -> ItemFeatures:
    return ItemFeatures(genres=movie.genre_ids, year=movie.year, title=movie.title)


def _extend(
    model: HybridModel, favorites: Sequence[FavoriteRow], candidates: Mapping[int, Candidate]
) -> HybridModel:
    ids: list[int] = []
    features: list[ItemFeatures] = []
    popularity: list[float] = []
    for fav in favorites:
        ids.append(fav.movie_id)
        features.append(ItemFeatures(genres=fav.genre_ids, year=fav.year, title=fav.title))
        popularity.append(0.0)
    for ident, candidate in candidates.items():
        ids.append(ident)
        features.append(_features(candidate.movie))
        pop = math.log1p(max(candidate.movie.popularity, 0.0)) / _POPULARITY_SCALE
        popularity.append(0.5 * min(pop, 1.0))
    return model.extended(ids, features, np.asarray(popularity, dtype=np.float64))


def _evidence(model: HybridModel, candidates: Mapping[int, Candidate]) -> FloatArray:
    extra = np.zeros(len(model.items), dtype=np.float64)
    for ident, candidate in candidates.items():
        position = model.items.get(ident)
        if position is not None:
            extra[position] = candidate.evidence
    top = float(extra.max()) if len(extra) else 0.0
    return extra * (PROVIDER_SHARE / top) if top > 0 else extra


async def compute_list(
    recommender: Recommender,
    user_id: int,
    preferences: Mapping[str, Any],
    *,
    movies: MovieService,
    settings: Settings,
    clock: Clock,
) -> dict[str, Any]:
    """The user's whole list as a JSON-able value (what the cache stores)."""
    favorites = await load_favorites(user_id)
    dismissed = await load_dismissed(user_id)
    names = await recommender.genre_names()
    model = _extend(await recommender.model(), favorites, {})
    profile = model.items.positions(f.movie_id for f in favorites)
    weights = recency_weights(len(profile), recommender.params.recency_half_life)
    user_genres = [int(g) for g in model.content.top_genres(profile, weights)]  # type: ignore[call-overload]
    wanted = preferred_genres(preferences, names) or user_genres
    seeds = pick_seeds(model, profile, settings.recommend_seed_favorites)
    failures: list[MovieRecError] = []
    candidates = await gather_candidates(
        movies,
        seeds=seeds,
        genres=wanted[:GENRE_LISTS],
        trending=not favorites,
        concurrency=settings.recommend_concurrency,
        errors=failures,
    )
    model = _extend(model, (), candidates)
    recommender.remember_model(model)
    exclude = model.items.positions(dismissed)
    ranked: list[Ranked] = await asyncio.to_thread(
        model.rank,
        profile,
        LIST_SIZE,
        recommender.params,
        exclude=exclude,
        extra_evidence=_evidence(model, candidates),
    )
    ids = [model.items.external(r.item) for r in ranked]
    known = {i: c.movie for i, c in candidates.items()}
    stored = await movies_by_id(
        [i for i in ids if i not in known], settings.tmdb_image_base_url, settings.tmdb_poster_size
    )
    titles = {f.movie_id: f.title for f in favorites}
    items: list[dict[str, Any]] = []
    for r, ident in zip(ranked, ids, strict=True):
        movie = known.get(ident) or stored.get(ident)
        if movie is None:
            continue
        candidate = candidates.get(ident)
        anchor = model.items.external(r.anchor) if r.anchor is not None else None
        if anchor is None and candidate is not None:
            anchor = candidate.anchor
        reason = explain(
            anchor=anchor,
            anchor_titles=titles,
            item_genres=movie.genre_ids,
            user_genres=wanted + user_genres,
            genre_names=names,
            trending=candidate is not None and candidate.source == "trending",
        )
        items.append(
            {
                "movie": movie.model_dump(mode="json"),
                "score": round(r.score, 5),
                "reason": reason.text,
                "reason_kind": reason.kind,
                "because_of": reason.because_of,
            }
        )
    if not items and failures:
        # nothing known locally and the source failed: say why instead of caching nothing
        raise failures[0]
    return {
        "generated_at": utc_datetime(clock).isoformat(),
        "cold_start": not favorites,
        "items": items,
    }
