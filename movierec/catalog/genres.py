"""TMDb's movie genre list, and how MovieLens genres map onto it.

The offline catalog speaks TMDb genre ids, so favorites, discovery and the recommender
never care which provider a movie came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from movierec.types import Genre

__all__ = ["MOVIELENS_TO_TMDB", "TMDB_GENRES", "genre_key", "genre_names", "map_movielens_genres"]

TMDB_GENRES: dict[int, str] = {
    28: "Action",
    12: "Adventure",
    16: "Animation",
    35: "Comedy",
    80: "Crime",
    99: "Documentary",
    18: "Drama",
    10751: "Family",
    14: "Fantasy",
    36: "History",
    27: "Horror",
    10402: "Music",
    9648: "Mystery",
    10749: "Romance",
    878: "Science Fiction",
    10770: "TV Movie",
    53: "Thriller",
    10752: "War",
    37: "Western",
}
"""TMDb's ``/genre/movie/list`` (English names), in TMDb's order."""

MOVIELENS_TO_TMDB: dict[str, tuple[int, ...]] = {
    "Action": (28,),
    "Adventure": (12,),
    "Animation": (16,),
    "Children": (10751,),
    "Comedy": (35,),
    "Crime": (80,),
    "Documentary": (99,),
    "Drama": (18,),
    "Fantasy": (14,),
    "Film-Noir": (80, 9648),
    "Horror": (27,),
    "Musical": (10402,),
    "Mystery": (9648,),
    "Romance": (10749,),
    "Sci-Fi": (878,),
    "Thriller": (53,),
    "War": (10752,),
    "Western": (37,),
}
"""MovieLens genre name -> TMDb genre ids. ``IMAX`` and ``(no genres listed)`` map to none."""


def map_movielens_genres(field: str) -> list[int]:
    """TMDb genre ids of a MovieLens ``genres`` field (``"Action|Sci-Fi"``), deduplicated."""
    ids: list[int] = []
    for name in field.split("|"):
        for genre_id in MOVIELENS_TO_TMDB.get(name.strip(), ()):
            if genre_id not in ids:
                ids.append(genre_id)
    return ids


def genre_key(genre_ids: Iterable[int]) -> str:
    """The searchable form of a genre list: ``"|12|28|"``, so ``LIKE '%|28|%'`` finds Action."""
    ids = sorted(set(genre_ids))
    return "|" + "|".join(str(i) for i in ids) + "|" if ids else ""


def genre_names(genre_ids: Iterable[int]) -> tuple[Genre, ...]:
    """``Genre`` values for known ids, in the given order."""
    from movierec.types import Genre  # here: the genre names alone need no pydantic

    return tuple(Genre(id=i, name=TMDB_GENRES[i]) for i in genre_ids if i in TMDB_GENRES)
