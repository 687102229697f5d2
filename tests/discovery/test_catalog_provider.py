"""Discovery served offline from the imported MovieLens catalog (no TMDb key)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from movierec import ManualClock, MovieRec, NotFound, ServiceUnavailable
from movierec.catalog import CatalogEmpty
from tests.conftest import MakeMovieRec


def titles(page: object) -> list[str]:
    return [movie.title for movie in page.items]  # type: ignore[attr-defined]


async def test_without_tmdb_the_catalog_answers(catalog_mr: MovieRec) -> None:
    page = await catalog_mr.movies.trending()
    assert page.source == "catalog"


async def test_weekly_trending_is_the_most_rated_in_the_last_12_months_of_the_data(
    catalog_mr: MovieRec,
) -> None:
    page = await catalog_mr.movies.trending(window="week")
    assert titles(page) == ["The Matrix", "The Matrix Reloaded", "Heat", "Amélie"]
    assert page.note == ("most rated in the last 12 months of the MovieLens data (to 2018-09-24)")


async def test_daily_trending_is_the_most_rated_in_the_last_30_days_of_the_data(
    catalog_mr: MovieRec,
) -> None:
    page = await catalog_mr.movies.trending(window="day")
    assert titles(page) == ["Heat", "Amélie"]
    assert page.total == 2
    assert "last 30 days" in (page.note or "")


@pytest.mark.parametrize("query", ["amelie", "AMÉLIE", "Amelie", "  amélie "])
async def test_search_ignores_case_and_accents(catalog_mr: MovieRec, query: str) -> None:
    page = await catalog_mr.movies.search(query)
    assert titles(page) == ["Amélie"]


async def test_search_ranks_the_exact_title_first(catalog_mr: MovieRec) -> None:
    page = await catalog_mr.movies.search("the matrix")
    assert titles(page) == ["The Matrix", "The Matrix Reloaded"]


async def test_search_forgives_a_typo(catalog_mr: MovieRec) -> None:
    page = await catalog_mr.movies.search("shawshenk redemption")
    assert titles(page)[0] == "The Shawshank Redemption"


async def test_search_filters_by_year(catalog_mr: MovieRec) -> None:
    page = await catalog_mr.movies.search("matrix", year=2003)
    assert titles(page) == ["The Matrix Reloaded"]


async def test_the_catalog_gives_the_year_and_invents_no_release_date(
    catalog_mr: MovieRec,
) -> None:
    movie = (await catalog_mr.movies.search("the matrix", year=1999)).items[0]
    assert (movie.release_date, movie.release_year, movie.year) == (None, 1999, 1999)
    dumped = movie.model_dump(mode="json")
    assert (dumped["release_date"], dumped["release_year"]) == (None, 1999)
    newest = await catalog_mr.movies.discover([878], sort_by="release_date.desc")
    years = [m.release_year for m in newest.items if m.release_year is not None]
    assert len(years) == len(newest.items)
    assert years == sorted(years, reverse=True)
    assert years[0] == 2003


async def test_the_decade_feature_reads_the_catalog_year(catalog_mr: MovieRec) -> None:
    from movierec.recommend.training import load_training

    data = await load_training(catalog_mr.db.connection(), catalog_mr.db.kind)
    years = dict(zip(data.ids, (f.year for f in data.features), strict=True))
    assert (years[603], years[604]) == (1999, 2003)


async def test_search_with_no_match_is_an_empty_page(catalog_mr: MovieRec) -> None:
    page = await catalog_mr.movies.search("zzzzqqqq")
    assert (page.items, page.total, page.total_pages) == ([], 0, 1)


async def test_details_name_the_genres_and_keep_the_keywords(catalog_mr: MovieRec) -> None:
    movie = await catalog_mr.movies.details(603)
    assert [genre.name for genre in movie.genres] == ["Action", "Science Fiction", "Thriller"]
    assert movie.keywords == ("cyberpunk", "philosophy")
    assert movie.year == 1999
    assert (movie.source, movie.cached) == ("catalog", False)


async def test_details_of_an_unknown_movie_is_not_found(catalog_mr: MovieRec) -> None:
    with pytest.raises(NotFound):
        await catalog_mr.movies.details(999_999)


async def test_discover_filters_by_every_genre_most_popular_first(catalog_mr: MovieRec) -> None:
    page = await catalog_mr.movies.discover([28, 53])
    assert titles(page) == ["The Matrix", "The Matrix Reloaded", "Heat"]
    crime = await catalog_mr.movies.discover([80, 18])
    assert titles(crime) == ["The Godfather", "The Shawshank Redemption"]


async def test_similar_prefers_shared_genres_and_keywords(catalog_mr: MovieRec) -> None:
    page = await catalog_mr.movies.similar(603)
    assert titles(page)[0] == "The Matrix Reloaded"
    assert "The Matrix" not in titles(page)
    assert "Amélie" not in titles(page)


async def test_recommendations_come_from_people_who_liked_the_same_movie(
    catalog_mr: MovieRec,
) -> None:
    page = await catalog_mr.movies.recommendations_for(603)
    # Toy Story shares more raters (6) than Matrix Reloaded (4), but is rated by everyone.
    assert titles(page) == ["The Matrix Reloaded", "Toy Story", "Amélie"]


async def test_genres_are_tmdbs_list(catalog_mr: MovieRec) -> None:
    found = await catalog_mr.movies.genres()
    assert {"id": 878, "name": "Science Fiction"} in [g.model_dump() for g in found.genres]
    assert len(found.genres) == 19


async def test_an_empty_catalog_says_to_import_movielens(mr: MovieRec) -> None:
    with pytest.raises(CatalogEmpty, match="movierec catalog import movielens"):
        await mr.movies.trending()
    with pytest.raises(CatalogEmpty):
        await mr.movies.search("matrix")


async def test_a_database_failure_serves_the_stale_copy_or_is_service_unavailable(
    make_mr: MakeMovieRec, movielens_dir: Path
) -> None:
    clock = ManualClock(1_000_000.0)
    mr = await make_mr(clock=clock)
    await mr.catalog.import_movielens(movielens_dir)
    fresh = await mr.movies.trending()
    clock.advance(16 * 60)
    async with _tables_missing(mr, "movies", "catalog_ratings"):
        stale = await mr.movies.trending()
        with pytest.raises(ServiceUnavailable, match="database is unavailable"):
            await mr.movies.search("heat")
    assert (stale.stale, titles(stale)) == (True, titles(fresh))


@asynccontextmanager
async def _tables_missing(mr: MovieRec, *tables: str) -> AsyncIterator[None]:
    """Rename tables away (every query on them fails), then put them back."""
    with mr.db.activate():
        connection = mr.db.connection()
        for table in tables:
            await connection.execute_script(f"ALTER TABLE {table} RENAME TO {table}_away")
        try:
            yield
        finally:
            for table in tables:
                await connection.execute_script(f"ALTER TABLE {table}_away RENAME TO {table}")
