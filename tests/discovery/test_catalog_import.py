"""Importing MovieLens into the local catalog."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from movierec import InvalidInput, MovieRec
from movierec.db.models import CatalogRating, Movie
from tests.helpers.movielens_catalog import DEFAULT, MovieLensSpec, write_movielens


async def test_import_counts_movies_ratings_and_what_it_skipped(
    mr: MovieRec, movielens_dir: Path
) -> None:
    stages: list[str] = []
    report = await mr.catalog.import_movielens(
        movielens_dir, progress=lambda done, total, stage: stages.append(stage)
    )
    assert (report.movies, report.ratings) == (7, 28)
    assert (report.skipped_movies, report.merged_movies, report.skipped_ratings) == (1, 1, 1)
    assert report.latest_rating is not None
    assert report.latest_rating.date() == date(2018, 9, 24)
    assert {"parse", "movies", "ratings"} <= set(stages)
    assert await Movie.filter(in_catalog=True).count() == 7
    assert await CatalogRating.all().count() == 28


async def test_imported_movies_are_keyed_by_tmdb_id_with_normalized_fields(
    mr: MovieRec, movielens_dir: Path
) -> None:
    await mr.catalog.import_movielens(movielens_dir)
    matrix = await Movie.get(id=603)
    assert matrix.title == "The Matrix"
    assert (matrix.release_date, matrix.release_year) == (None, 1999)  # no date invented
    assert matrix.genre_ids == [28, 878, 53]
    assert matrix.imdb_id == "tt0133093"
    assert matrix.movielens_id == 1
    assert matrix.keywords == ["cyberpunk", "philosophy"]
    amelie = await Movie.get(id=194)
    assert (amelie.title, amelie.search_title) == (
        "Amélie",
        "amelie\nle fabuleux destin damelie poulain",
    )


async def test_rating_statistics_follow_tmdb_scales(mr: MovieRec, movielens_dir: Path) -> None:
    await mr.catalog.import_movielens(movielens_dir)
    matrix = await Movie.get(id=603)
    assert (matrix.rating_count, matrix.rating_mean, matrix.vote_average) == (6, 5.0, 10.0)
    assert matrix.recent_rating_count == 6
    toy_story = await Movie.get(id=862)
    assert (toy_story.rating_count, toy_story.recent_rating_count) == (10, 0)


async def test_popularity_weighs_recent_ratings_over_lifetime_counts(
    mr: MovieRec, movielens_dir: Path
) -> None:
    await mr.catalog.import_movielens(movielens_dir)
    matrix, toy_story = await Movie.get(id=603), await Movie.get(id=862)
    # 6 ratings, all in the last year, against 10 ratings, none of them recent
    assert (matrix.popularity, toy_story.popularity) == (6.0, 1.0)
    assert toy_story.vote_count > matrix.vote_count


async def test_duplicate_ratings_of_merged_movies_keep_the_latest(
    mr: MovieRec, movielens_dir: Path
) -> None:
    await mr.catalog.import_movielens(movielens_dir)
    rows = await CatalogRating.filter(rater=11, movie_id=949)
    assert [row.rating for row in rows] == [3.0]


async def test_reimporting_replaces_the_catalog(
    mr: MovieRec, movielens_dir: Path, tmp_path: Path
) -> None:
    await mr.catalog.import_movielens(movielens_dir)
    smaller = MovieLensSpec(
        movies=tuple(m for m in DEFAULT.movies if m.movie_id != 5),
        ratings=tuple(r for r in DEFAULT.ratings if r.movie_id != 5),
    )
    report = await mr.catalog.import_movielens(write_movielens(tmp_path / "v2", smaller))
    assert report.removed_movies == 1
    assert not await Movie.filter(id=238).exists()
    assert await CatalogRating.all().count() == 27
    assert await Movie.filter(in_catalog=True).count() == 6


async def test_a_folder_without_ratings_is_invalid_input(mr: MovieRec, tmp_path: Path) -> None:
    folder = write_movielens(tmp_path / "broken")
    (folder / "ratings.csv").unlink()
    with pytest.raises(InvalidInput, match=r"ratings\.csv"):
        await mr.catalog.import_movielens(folder)
    assert not await Movie.all().exists()


async def test_a_csv_with_wrong_columns_is_invalid_input(mr: MovieRec, tmp_path: Path) -> None:
    folder = write_movielens(tmp_path / "odd")
    (folder / "links.csv").write_text("movieId,something\n1,2\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"links\.csv lacks the columns"):
        await mr.catalog.import_movielens(folder)
