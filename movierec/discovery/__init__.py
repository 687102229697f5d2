"""Discovery: trending, search, movie details and genres (``mr.movies``).

:class:`MovieService` caches and accounts for every read and answers from whichever
:class:`MovieProvider` is configured: the TMDb client (:mod:`movierec.tmdb`) or the offline
catalog (:mod:`movierec.catalog`).
"""

from movierec.discovery.providers import MovieProvider, TrendingWindow
from movierec.discovery.service import GenreList, MovieInfo, MovieService

__all__ = ["GenreList", "MovieInfo", "MovieProvider", "MovieService", "TrendingWindow"]
