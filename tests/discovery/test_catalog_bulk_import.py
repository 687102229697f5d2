"""Streaming, bulk-loaded MovieLens imports: chunks, de-duplication, atomicity, indexes."""

from __future__ import annotations

from pathlib import Path

import pytest

from movierec import InvalidInput, MovieRec
from movierec.catalog import ratings as ratings_module
from movierec.db.models import CatalogRating, Movie

MOVIES = "movieId,title,genres\n1,Alpha (1999),Action\n2,Beta (2001),Drama\n3,Gamma (2005),Comedy\n"
# MovieLens ids 1 and 3 are one TMDb movie (101): their ratings merge
LINKS = "movieId,imdbId,tmdbId\n1,0000001,101\n2,0000002,102\n3,0000003,101\n"


def _folder(root: Path, ratings: list[str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "movies.csv").write_text(MOVIES, encoding="utf-8")
    (root / "links.csv").write_text(LINKS, encoding="utf-8")
    body = "userId,movieId,rating,timestamp\n" + "\n".join(ratings) + "\n"
    (root / "ratings.csv").write_text(body, encoding="utf-8")
    return root


async def _pairs(mr: MovieRec) -> dict[tuple[int, int], float]:
    rows = await CatalogRating.all().values_list("rater", "movie_id", "rating")
    pairs = {(int(r), int(m)): float(v) for r, m, v in rows}
    assert len(pairs) == len(rows)
    return pairs


async def _index_names(mr: MovieRec) -> set[str]:
    conn = mr.db.connection()
    if mr.db.kind == "postgres":
        rows = await conn.execute_query_dict(
            "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'catalog_ratings'"
        )
    else:
        rows = await conn.execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'catalog_ratings'"
        )
    return {str(r["name"]) for r in rows}


async def test_a_rater_split_across_chunks_keeps_only_the_latest_of_merged_movies(
    mr: MovieRec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratings_module, "CHUNK_ROWS", 2)
    folder = _folder(
        tmp_path / "grouped",
        [
            "1,1,2.0,100",
            "1,2,3.0,100",
            "1,3,4.5,200",  # same TMDb movie as row 1, later: wins
            "2,3,1.0,300",
            "2,1,5.0,300",  # a tie: the later row wins
            "3,2,4.0,50",
            "3,9,4.0,50",  # no TMDb id: skipped
        ],
    )
    before = await _index_names(mr)
    stages: list[tuple[str, int]] = []
    report = await mr.catalog.import_movielens(
        folder, progress=lambda done, total, stage: stages.append((stage, done))
    )
    assert await _pairs(mr) == {(1, 101): 4.5, (1, 102): 3.0, (2, 101): 5.0, (3, 102): 4.0}
    assert report.ratings == 4
    assert report.skipped_ratings == 1
    assert await _index_names(mr) == before
    done = [n for stage, n in stages if stage == "ratings"]
    assert done == sorted(done)
    assert done[-1] == 4
    alpha = await Movie.get(id=101)
    assert (alpha.rating_count, alpha.rating_mean) == (2, 4.75)


async def test_a_file_not_grouped_by_rater_is_deduplicated_in_the_database(
    mr: MovieRec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratings_module, "CHUNK_ROWS", 2)
    folder = _folder(
        tmp_path / "scattered",
        ["1,1,2.0,100", "2,2,3.0,100", "1,3,4.0,500", "2,2,1.0,50", "1,1,5.0,100"],
    )
    report = await mr.catalog.import_movielens(folder)
    assert await _pairs(mr) == {(1, 101): 4.0, (2, 102): 3.0}
    assert report.ratings == 2
    beta = await Movie.get(id=102)
    assert (beta.rating_count, beta.vote_average) == (1, 6.0)


async def test_a_bad_row_late_in_the_file_changes_nothing(
    mr: MovieRec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratings_module, "CHUNK_ROWS", 2)
    await mr.catalog.import_movielens(_folder(tmp_path / "good", ["1,1,4.0,100", "2,2,3.0,100"]))
    kept = await _pairs(mr)
    indexes = await _index_names(mr)
    bad = _folder(tmp_path / "bad", ["1,1,4.0,100", "1,2,3.0,100", "2,1,3.0,1", "2,2,lots,1"])
    with pytest.raises(InvalidInput, match=r"ratings\.csv"):
        await mr.catalog.import_movielens(bad)
    assert await _pairs(mr) == kept
    assert await _index_names(mr) == indexes
    assert await Movie.filter(in_catalog=True).count() == 2


def test_chunks_stay_bounded_whatever_the_file_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratings_module, "CHUNK_ROWS", 10)
    rows = [f"{user},{1 + (user + k) % 2},4.0,{k}" for user in range(1, 201) for k in range(3)]
    folder = _folder(tmp_path / "many", rows)
    scan = ratings_module.RatingsScan()
    sizes = [
        len(chunk)
        for chunk in ratings_module.read_ratings(folder / "ratings.csv", {1: 101, 2: 102}, scan)
    ]
    assert scan.rows == 600
    assert scan.grouped
    assert max(sizes) <= 10 + 3  # a chunk, plus the held-back rows of one rater
    assert sum(sizes) == 400  # two ratings of one movie per rater collapse to the latest
