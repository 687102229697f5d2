"""Where movie data comes from: the TMDb client or the offline catalog, one interface.

``movierec.discovery.service`` (caching, usage accounting, local upserts) sits on top of a provider
and never cares which one it has.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from movierec.types import Genre, MovieDetails, MoviePage, Source

__all__ = ["MovieProvider", "TrendingWindow"]

TrendingWindow = Literal["day", "week"]


class MovieProvider(Protocol):
    """The operations discovery and the recommender need from a movie source.

    Every method raises :class:`~movierec.errors.NotFound` for an unknown movie,
    :class:`~movierec.errors.UpstreamError` subclasses for source failures, and returns
    pages whose ``source`` names the provider.
    """

    source: Source

    async def trending(self, window: TrendingWindow, page: int, language: str) -> MoviePage:
        """Trending movies of the day or week."""
        ...

    async def search(
        self, query: str, page: int, year: int | None, language: str, include_adult: bool
    ) -> MoviePage:
        """Movies whose title matches ``query``, best first."""
        ...

    async def details(self, movie_id: int, language: str) -> MovieDetails:
        """One movie with its details."""
        ...

    async def recommendations(self, movie_id: int, page: int, language: str) -> MoviePage:
        """Movies the source recommends for people who liked ``movie_id``."""
        ...

    async def similar(self, movie_id: int, page: int, language: str) -> MoviePage:
        """Movies similar in content to ``movie_id``."""
        ...

    async def discover(
        self, genre_ids: Sequence[int], page: int, language: str, sort_by: str
    ) -> MoviePage:
        """Movies filtered by genres, sorted (``popularity.desc`` by default)."""
        ...

    async def genres(self, language: str) -> list[Genre]:
        """Every movie genre with its name."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
