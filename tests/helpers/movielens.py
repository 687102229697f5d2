"""A tiny, generated MovieLens-format folder: users with clear tastes, for recommender tests."""

from __future__ import annotations

import random
from pathlib import Path

GENRES = ("Action", "Comedy", "Drama")
MOVIES_PER_GENRE = 12


def movie_ids(genre: str) -> list[int]:
    """The generated movie ids of one genre."""
    base = (GENRES.index(genre) + 1) * 100
    return [base + i for i in range(MOVIES_PER_GENRE)]


def write_movielens(folder: Path, users: int = 30, seed: int = 7) -> Path:
    """Write ratings/movies/tags: each user loves one genre (4-5 stars), dislikes a few others."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["movieId,title,genres"]
    for genre in GENRES:
        for n, movie in enumerate(movie_ids(genre)):
            title = f'"{genre} Story {n + 1} ({1980 + n})"' if n else f"{genre} Story ({1980})"
            lines.append(f"{movie},{title},{genre}")
    (folder / "movies.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = ["userId,movieId,rating,timestamp"]
    for user in range(1, users + 1):
        genre = GENRES[user % len(GENRES)]
        liked = rng.sample(movie_ids(genre), 8)
        others = [m for g in GENRES if g != genre for m in movie_ids(g)]
        for t, movie in enumerate(liked):
            rows.append(f"{user},{movie},{rng.choice((4.0, 4.5, 5.0))},{1_000_000 + t * 60}")
        for movie in rng.sample(others, 3):
            rows.append(f"{user},{movie},2.0,{1_000_000 + rng.randrange(600)}")
    (folder / "ratings.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    tags = ["userId,movieId,tag,timestamp"]
    for genre in GENRES:
        for movie in movie_ids(genre)[:4]:
            tags.append(f"1,{movie},{genre.lower()} classic,1000000")
    (folder / "tags.csv").write_text("\n".join(tags) + "\n", encoding="utf-8")
    return folder
