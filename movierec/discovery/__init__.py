"""Discovery: trending, search, movie details and genres (``mr.movies``).

:class:`MovieService` caches and accounts for every read and answers from whichever
:class:`MovieProvider` is configured: the TMDb client (:mod:`movierec.tmdb`) or the offline
catalog (:mod:`movierec.catalog`). :func:`cached_trending` reads a cached trending page
without opening anything else (the CLI's fast path).

Names resolve on first use (PEP 562), so the fast path does not load the service's
dependencies (Tortoise, the catalog).
"""

import typing

from movierec._lazy import lazy_names as _lazy_names

if typing.TYPE_CHECKING:
    from movierec.discovery.cached import CachedMoviePage, cached_trending, cached_trending_data
    from movierec.discovery.providers import MovieProvider, TrendingWindow
    from movierec.discovery.service import GenreList, MovieInfo, MovieService

__all__ = [
    "CachedMoviePage",
    "GenreList",
    "MovieInfo",
    "MovieProvider",
    "MovieService",
    "TrendingWindow",
    "cached_trending",
    "cached_trending_data",
]

_WHERE = {
    "GenreList": "movierec.discovery.service",
    "MovieInfo": "movierec.discovery.service",
    "MovieService": "movierec.discovery.service",
    "MovieProvider": "movierec.discovery.providers",
    "TrendingWindow": "movierec.discovery.providers",
    "CachedMoviePage": "movierec.discovery.cached",
    "cached_trending": "movierec.discovery.cached",
    "cached_trending_data": "movierec.discovery.cached",
}


__getattr__, __dir__ = _lazy_names(__name__, _WHERE)
