"""The built-in movies and genres :class:`~movierec.testing.FakeTMDb` serves.

Real TMDb ids and genre ids, approximate numbers, made-up poster paths. Tests extend the
set with ``FakeTMDb(movies=[*DEFAULT_MOVIES, FakeMovie(...)])`` or ``fake.add(...)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from movierec.catalog.genres import TMDB_GENRES

__all__ = ["DEFAULT_MOVIES", "GENRES", "FakeMovie"]

GENRES: dict[int, str] = dict(TMDB_GENRES)
"""TMDb's movie genres, by TMDb id."""


@dataclass(frozen=True)
class FakeMovie:
    """One movie of the fake TMDb, in the fields its endpoints need."""

    id: int
    title: str
    release_date: str
    genre_ids: tuple[int, ...]
    popularity: float
    vote_average: float
    vote_count: int
    keywords: tuple[str, ...] = ()
    overview: str = ""
    runtime: int | None = None
    tagline: str | None = None
    imdb_id: str | None = None
    adult: bool = False
    video: bool = False
    original_title: str | None = None
    poster_path: str | None = field(default=None)

    @property
    def poster(self) -> str | None:
        """The poster path TMDb would send (made up, but shaped like TMDb's)."""
        if self.poster_path is None:
            return f"/poster-{self.id}.jpg"
        return self.poster_path or None

    def list_item(self) -> dict[str, Any]:
        """The shape of one entry of a paged TMDb list."""
        return {
            "adult": self.adult,
            "backdrop_path": f"/backdrop-{self.id}.jpg",
            "genre_ids": list(self.genre_ids),
            "id": self.id,
            "original_language": "en",
            "original_title": self.original_title or self.title,
            "overview": self.overview or f"{self.title}, a film.",
            "popularity": self.popularity,
            "poster_path": self.poster,
            "release_date": self.release_date,
            "title": self.title,
            "video": self.video,
            "vote_average": self.vote_average,
            "vote_count": self.vote_count,
        }

    def details(self, with_keywords: bool) -> dict[str, Any]:
        """The shape of ``/movie/{id}`` (with ``append_to_response=keywords`` if asked)."""
        body = self.list_item()
        del body["genre_ids"]
        body.update(
            genres=[{"id": gid, "name": GENRES.get(gid, "Unknown")} for gid in self.genre_ids],
            runtime=self.runtime,
            tagline=self.tagline or "",
            imdb_id=self.imdb_id,
            status="Released",
            budget=0,
            revenue=0,
        )
        if with_keywords:
            body["keywords"] = {
                "keywords": [
                    {"id": 1000 + index, "name": word} for index, word in enumerate(self.keywords)
                ]
            }
        return body


def _m(
    movie_id: int,
    title: str,
    released: str,
    genres: tuple[int, ...],
    popularity: float,
    rating: float,
    votes: int,
    *keywords: str,
    **extra: Any,
) -> FakeMovie:
    return FakeMovie(
        movie_id, title, released, genres, popularity, rating, votes, keywords, **extra
    )


DEFAULT_MOVIES: tuple[FakeMovie, ...] = (
    _m(
        603,
        "The Matrix",
        "1999-03-30",
        (28, 878),
        85.2,
        8.2,
        25000,
        "simulated reality",
        "artificial intelligence",
        "hacker",
        runtime=136,
        imdb_id="tt0133093",
        tagline="Welcome to the Real World.",
    ),
    _m(
        604,
        "The Matrix Reloaded",
        "2003-05-15",
        (12, 28, 53, 878),
        40.1,
        7.0,
        11000,
        "simulated reality",
        "sequel",
        runtime=138,
        imdb_id="tt0234215",
    ),
    _m(
        605,
        "The Matrix Revolutions",
        "2003-11-05",
        (12, 28, 53, 878),
        35.5,
        6.7,
        9800,
        "simulated reality",
        "sequel",
        runtime=129,
        imdb_id="tt0242653",
    ),
    _m(
        550,
        "Fight Club",
        "1999-10-15",
        (18,),
        70.3,
        8.4,
        28000,
        "dual identity",
        "insomnia",
        runtime=139,
        imdb_id="tt0137523",
    ),
    _m(
        27205,
        "Inception",
        "2010-07-15",
        (28, 878, 12),
        90.4,
        8.4,
        35000,
        "dream",
        "heist",
        "subconscious",
        runtime=148,
        imdb_id="tt1375666",
    ),
    _m(
        157336,
        "Interstellar",
        "2014-11-05",
        (12, 18, 878),
        95.1,
        8.4,
        33000,
        "space travel",
        "black hole",
        runtime=169,
        imdb_id="tt0816692",
    ),
    _m(
        155,
        "The Dark Knight",
        "2008-07-16",
        (18, 28, 80, 53),
        88.0,
        8.5,
        31000,
        "superhero",
        "joker",
        runtime=152,
        imdb_id="tt0468569",
    ),
    _m(
        680,
        "Pulp Fiction",
        "1994-09-10",
        (53, 80),
        65.7,
        8.5,
        27000,
        "nonlinear timeline",
        "gangster",
        runtime=154,
        imdb_id="tt0110912",
    ),
    _m(
        278,
        "The Shawshank Redemption",
        "1994-09-23",
        (18, 80),
        99.9,
        8.7,
        26000,
        "prison",
        "friendship",
        runtime=142,
        imdb_id="tt0111161",
    ),
    _m(
        238,
        "The Godfather",
        "1972-03-14",
        (18, 80),
        80.5,
        8.7,
        19000,
        "mafia",
        "family",
        runtime=175,
        imdb_id="tt0068646",
    ),
    _m(
        13,
        "Forrest Gump",
        "1994-06-23",
        (35, 18, 10749),
        60.2,
        8.5,
        26500,
        "vietnam war",
        "running",
        runtime=142,
        imdb_id="tt0109830",
    ),
    _m(
        11,
        "Star Wars",
        "1977-05-25",
        (12, 28, 878),
        75.8,
        8.2,
        20000,
        "space opera",
        "rebellion",
        runtime=121,
        imdb_id="tt0076759",
    ),
    _m(
        1891,
        "The Empire Strikes Back",
        "1980-05-20",
        (12, 28, 878),
        50.6,
        8.4,
        16500,
        "space opera",
        "sequel",
        runtime=124,
        imdb_id="tt0080684",
    ),
    _m(
        862,
        "Toy Story",
        "1995-10-30",
        (16, 12, 10751, 35),
        72.4,
        8.0,
        18000,
        "toy",
        "friendship",
        runtime=81,
        imdb_id="tt0114709",
    ),
    _m(
        12,
        "Finding Nemo",
        "2003-05-30",
        (16, 10751),
        64.0,
        7.8,
        19000,
        "ocean",
        "father son",
        runtime=100,
        imdb_id="tt0266543",
    ),
    _m(
        129,
        "Spirited Away",
        "2001-07-20",
        (16, 10751, 14),
        77.3,
        8.5,
        16000,
        "spirit",
        "bathhouse",
        runtime=125,
        imdb_id="tt0245429",
        original_title="千と千尋の神隠し",
    ),
    _m(
        194,
        "Amélie",
        "2001-04-25",
        (35, 10749),
        38.9,
        7.9,
        11000,
        "paris",
        "whimsy",
        runtime=122,
        imdb_id="tt0211915",
        original_title="Le Fabuleux Destin d'Amélie Poulain",
    ),
    _m(
        496243,
        "Parasite",
        "2019-05-30",
        (35, 53, 18),
        82.6,
        8.5,
        18000,
        "class differences",
        runtime=133,
        imdb_id="tt6751668",
        original_title="기생충",
    ),
    _m(
        78,
        "Blade Runner",
        "1982-06-25",
        (878, 18, 53),
        55.1,
        7.9,
        14000,
        "android",
        "dystopia",
        runtime=117,
        imdb_id="tt0083658",
    ),
    _m(
        348,
        "Alien",
        "1979-05-25",
        (27, 878),
        58.3,
        8.1,
        14500,
        "alien",
        "spaceship",
        runtime=117,
        imdb_id="tt0078748",
    ),
    _m(
        218,
        "The Terminator",
        "1984-10-26",
        (28, 53, 878),
        52.9,
        7.7,
        13000,
        "cyborg",
        "time travel",
        runtime=108,
        imdb_id="tt0088247",
    ),
    _m(
        280,
        "Terminator 2: Judgment Day",
        "1991-07-03",
        (28, 53, 878),
        61.5,
        8.1,
        12500,
        "cyborg",
        "time travel",
        "sequel",
        runtime=137,
        imdb_id="tt0103064",
    ),
    _m(
        105,
        "Back to the Future",
        "1985-07-03",
        (12, 35, 878),
        57.0,
        8.3,
        19500,
        "time travel",
        "delorean",
        runtime=116,
        imdb_id="tt0088763",
    ),
    _m(
        329,
        "Jurassic Park",
        "1993-06-11",
        (12, 878),
        66.8,
        7.9,
        16000,
        "dinosaur",
        "theme park",
        runtime=127,
        imdb_id="tt0107290",
    ),
    _m(
        597,
        "Titanic",
        "1997-11-18",
        (18, 10749),
        90.1,
        7.9,
        24000,
        "shipwreck",
        "romance",
        runtime=194,
        imdb_id="tt0120338",
    ),
    _m(
        120,
        "The Lord of the Rings: The Fellowship of the Ring",
        "2001-12-18",
        (12, 14, 28),
        86.4,
        8.4,
        25000,
        "ring",
        "quest",
        runtime=179,
        imdb_id="tt0120737",
    ),
    _m(
        101,
        "Léon: The Professional",
        "1994-09-14",
        (80, 18, 28),
        48.2,
        8.3,
        14000,
        "hitman",
        runtime=111,
        imdb_id="tt0110413",
        original_title="Léon",
    ),
    _m(
        807,
        "Se7en",
        "1995-09-22",
        (80, 9648, 53),
        54.7,
        8.4,
        20500,
        "serial killer",
        runtime=127,
        imdb_id="tt0114369",
    ),
    _m(
        274,
        "The Silence of the Lambs",
        "1991-02-14",
        (80, 18, 53, 27),
        50.0,
        8.3,
        15500,
        "serial killer",
        "fbi",
        runtime=119,
        imdb_id="tt0102926",
    ),
    _m(
        1124,
        "The Prestige",
        "2006-10-17",
        (18, 9648, 878),
        45.3,
        8.2,
        15000,
        "magician",
        "rivalry",
        runtime=130,
        imdb_id="tt0482571",
    ),
    _m(
        10681,
        "WALL·E",
        "2008-06-22",
        (16, 10751, 878),
        62.0,
        8.1,
        18500,
        "robot",
        "dystopia",
        runtime=98,
        imdb_id="tt0910970",
    ),
    _m(
        76341,
        "Mad Max: Fury Road",
        "2015-05-13",
        (28, 12, 878),
        68.9,
        7.6,
        22000,
        "post-apocalyptic",
        "chase",
        runtime=120,
        imdb_id="tt1392190",
    ),
    _m(999001, "An Adult Feature", "2005-01-01", (18,), 1.0, 5.0, 10, adult=True),
    _m(999002, "Untitled Matrix Documentary", "", (99,), 0.5, 0.0, 0, poster_path=""),
)
"""About thirty well-known films, one adult title (hidden unless ``include_adult``) and
one with neither release date nor poster, to exercise the edge cases."""
