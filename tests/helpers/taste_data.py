"""A small generated MovieLens-format folder whose users have clear tastes.

Five genres of twelve movies each; user ``u`` loves genre ``GENRES[u % 5]`` (eight movies
rated 4-5, rated one minute apart) and dislikes three others (rated 2). ``links.csv``
maps MovieLens id ``m`` to TMDb id ``tmdb_id(m)``, so the catalog importer takes it too.
"""

from __future__ import annotations

import random
from pathlib import Path

GENRES = ("Action", "Comedy", "Drama", "Horror", "Sci-Fi")
MOVIES_PER_GENRE = 12
_WORDS = (
    "Silent", "Crimson", "Broken", "Golden", "Hidden", "Last", "Frozen", "Wild",
    "Electric", "Paper", "Iron", "Velvet",
)  # fmt: skip
_NOUNS = {
    "Action": "Fury",
    "Comedy": "Picnic",
    "Drama": "Letters",
    "Horror": "Cellar",
    "Sci-Fi": "Orbit",
}


def movie_ids(genre: str) -> list[int]:
    """The MovieLens ids of one genre."""
    base = (GENRES.index(genre) + 1) * 100
    return [base + i for i in range(MOVIES_PER_GENRE)]


def tmdb_id(movie_id: int) -> int:
    """The TMDb id ``links.csv`` gives a generated movie."""
    return movie_id * 10


def title_of(movie_id: int) -> str:
    """The generated title (without year)."""
    genre = GENRES[movie_id // 100 - 1]
    return f"{_WORDS[movie_id % 100]} {_NOUNS[genre]}"


def write_movielens(folder: Path, users: int = 30, seed: int = 7) -> Path:
    """Write ratings, movies, links and tags into ``folder``."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    movies = ["movieId,title,genres"]
    links = ["movieId,imdbId,tmdbId"]
    for genre in GENRES:
        for n, movie in enumerate(movie_ids(genre)):
            movies.append(f"{movie},{title_of(movie)} ({1970 + 3 * n}),{genre}")
            links.append(f"{movie},{movie:07d},{tmdb_id(movie)}")
    (folder / "movies.csv").write_text("\n".join(movies) + "\n", encoding="utf-8")
    (folder / "links.csv").write_text("\n".join(links) + "\n", encoding="utf-8")
    rows = ["userId,movieId,rating,timestamp"]
    for user in range(1, users + 1):
        genre = GENRES[user % len(GENRES)]
        liked = rng.sample(movie_ids(genre), 8)
        others = [m for g in GENRES if g != genre for m in movie_ids(g)]
        for t, movie in enumerate(liked):
            rows.append(f"{user},{movie},{rng.choice((4.0, 4.5, 5.0))},{1_500_000_000 + t * 60}")
        for movie in rng.sample(others, 3):
            rows.append(f"{user},{movie},2.0,{1_500_000_000 + rng.randrange(600)}")
    (folder / "ratings.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    tags = ["userId,movieId,tag,timestamp"]
    for genre in GENRES:
        for movie in movie_ids(genre)[:4]:
            tags.append(f"1,{movie},{genre.lower()} classic,1500000000")
    (folder / "tags.csv").write_text("\n".join(tags) + "\n", encoding="utf-8")
    return folder


def action_ids() -> list[int]:
    """TMDb ids of the Action movies."""
    return [tmdb_id(m) for m in movie_ids("Action")]
