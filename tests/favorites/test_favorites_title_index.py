"""Importing thousands of favorites by title: matched against an index, not a search per row."""

from __future__ import annotations

import csv
import io
import logging
import random

import pytest

from movierec import MovieRec, Principal
from movierec.db.models import Favorite
from tests.helpers.factories import SeedMovie, stored_movies, stored_principal

CATALOG = tuple(
    SeedMovie(10_000 + n, f"{adjective} {noun}", 1950 + n % 70, (18,))
    for n, (adjective, noun) in enumerate(
        (a, b)
        for a in ("Silent", "Crimson", "Last", "Hidden", "Broken", "Golden", "Midnight", "Lost")
        for b in ("River", "Empire", "Garden", "Harbor", "Letter", "Voyage", "Kingdom", "Signal")
    )
)


def _typo(title: str) -> str:
    """Two neighbouring letters swapped, as people type."""
    return title[:2] + title[3] + title[2] + title[4:]


def import_rows(count: int, seed: int = 3) -> tuple[str, dict[int, int], set[int]]:
    """A CSV of ``count`` title rows; returns it, the expected movie per line, unknown lines."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["title", "year"])
    expected: dict[int, int] = {}
    unknown: set[int] = set()
    for n in range(count):
        line = n + 2  # the line an editor shows: the header is line 1
        movie = rng.choice(CATALOG)
        kind = n % 4
        if kind == 0:
            writer.writerow([movie.title, movie.year])
        elif kind == 1:
            writer.writerow([movie.title.upper(), ""])
        elif kind == 2:
            writer.writerow([_typo(movie.title), movie.year])
        else:
            writer.writerow([f"Zzyzx Qwerty {n}", ""])
            unknown.add(line)
            continue
        expected[line] = movie.id
    return out.getvalue(), expected, unknown


@pytest.fixture
async def alice(mr: MovieRec) -> Principal:
    await stored_movies(CATALOG)
    return await stored_principal("alice")


async def test_a_typo_and_a_missing_year_still_find_the_one_movie(
    mr: MovieRec, alice: Principal
) -> None:
    content = "title,year\nCrimosn Garden,\nLOST SIGNAL,\nMidnight Voyage,1900\n"
    report = await mr.favorites.import_(alice, content, "csv", skip_errors=True)
    titles = {match.line: match.title for match in report.matched}
    assert titles == {2: "Crimson Garden", 3: "Lost Signal"}
    assert [issue.line for issue in report.skipped] == [4]  # no such movie near 1900


async def test_5000_titles_resolve_with_a_bounded_number_of_catalog_queries(
    mr: MovieRec, alice: Principal, caplog: pytest.LogCaptureFixture
) -> None:
    content, expected, unknown = import_rows(5000)
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        report = await mr.favorites.import_(alice, content, "csv", skip_errors=True)
    catalog_reads = [
        r
        for r in caplog.records
        if 'FROM "movies"' in r.getMessage() and "SELECT" in r.getMessage()
    ]
    # One read of the catalog's titles, then the matched movies 500 ids at a time:
    # not one search per row (that took over a minute for 700 rows).
    assert len(catalog_reads) <= 3, len(catalog_reads)
    assert {match.line: match.movie_id for match in report.matched} == expected
    assert {issue.line for issue in report.skipped} == unknown
    assert report.ambiguous == []
    assert report.added == len(set(expected.values()))
    assert await Favorite.filter(user_id=alice.user_id).count() == report.added
