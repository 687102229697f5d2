"""Exporting favorites and importing them back, and from Letterboxd and IMDb files."""

from __future__ import annotations

import csv
import io
import json

import pytest

from movierec import Conflict, InvalidInput, MovieRec, Principal
from movierec.db.models import Favorite
from movierec.favorites import detect_format
from tests.conftest import MakeMovieRec
from tests.helpers.factories import stored_movies, stored_principal


@pytest.fixture
async def alice(mr: MovieRec) -> Principal:
    await stored_movies()
    return await stored_principal("alice")


LETTERBOXD = """Date,Name,Year,Letterboxd URI
2024-01-02,The Matrix,1999,https://boxd.it/a
2024-01-03,Fight Club,1999,https://boxd.it/b
2024-01-04,Crash,,https://boxd.it/c
2024-01-05,A Movie Nobody Made,2011,https://boxd.it/d
"""

IMDB = """Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year
tt0133093,9,2024-01-01,The Matrix,https://www.imdb.com/title/tt0133093/,Movie,8.7,136,1999
tt0110912,8,2024-01-01,Pulp Fiction,https://www.imdb.com/title/tt0110912/,movie,8.9,154,1994
tt9999999,7,2024-01-01,Forrest Gump,https://www.imdb.com/title/tt9999999/,Movie,8.8,142,1994
tt0903747,10,2024-01-01,Breaking Bad,https://www.imdb.com/title/tt0903747/,TV Series,9.5,49,2008
"""


async def test_json_export_lists_every_favorite_newest_first(
    mr: MovieRec, alice: Principal
) -> None:
    await mr.favorites.add(alice, 603)
    await mr.favorites.add(alice, 550)
    document = json.loads(await mr.favorites.export(alice, "json"))
    assert document["format"] == "movierec-favorites"
    assert [item["movie_id"] for item in document["items"]] == [550, 603]
    assert document["items"][1]["title"] == "The Matrix"


async def test_csv_export_has_a_header_and_one_row_per_favorite(
    mr: MovieRec, alice: Principal
) -> None:
    await mr.favorites.add(alice, 603)
    rows = list(csv.DictReader(io.StringIO(await mr.favorites.export(alice, "csv"))))
    assert rows == [
        {
            "movie_id": "603",
            "title": "The Matrix",
            "release_year": "1999",
            "added_at": rows[0]["added_at"],
            "poster_url": rows[0]["poster_url"],
        }
    ]


@pytest.mark.parametrize("fmt", ["json", "csv"])
async def test_export_then_import_round_trips_in_order(
    mr: MovieRec, alice: Principal, fmt: str
) -> None:
    for movie_id in (603, 550, 13):
        await mr.favorites.add(alice, movie_id)
    exported = await mr.favorites.export(alice, fmt)  # type: ignore[arg-type]
    bob = await stored_principal("bob")
    report = await mr.favorites.import_(bob, exported, fmt)  # type: ignore[arg-type]
    assert (report.rows, report.added, report.written) == (3, 3, True)
    assert [i.movie_id for i in (await mr.favorites.list(bob)).items] == [13, 550, 603]
    again = await mr.favorites.import_(bob, exported, fmt)  # type: ignore[arg-type]
    assert again.added == 0
    assert all(match.already_favorite for match in again.matched)
    assert await Favorite.filter(user_id=bob.user_id).count() == 3


async def test_letterboxd_import_reports_matched_ambiguous_and_skipped_rows(
    mr: MovieRec, alice: Principal
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await mr.favorites.import_(alice, LETTERBOXD, "letterboxd")
    report = caught.value.details
    assert [m["movie_id"] for m in report["matched"]] == [603, 550]
    assert [a["input"] for a in report["ambiguous"]] == ["Crash"]
    assert {c["movie_id"] for c in report["ambiguous"][0]["candidates"]} == {1640, 20382}
    assert [s["line"] for s in report["skipped"]] == [5]  # header is line 1
    assert report["written"] is False
    assert await Favorite.all().count() == 0
    assert await mr.favorites.version(alice) == 0


async def test_skip_errors_imports_the_matched_rows(mr: MovieRec, alice: Principal) -> None:
    report = await mr.favorites.import_(alice, LETTERBOXD, "letterboxd", skip_errors=True)
    assert (report.added, len(report.ambiguous), len(report.skipped)) == (2, 1, 1)
    assert sorted(f.movie_id for f in await Favorite.filter(user_id=alice.user_id)) == [
        550,
        603,
    ]
    assert await mr.favorites.version(alice) == 1


async def test_a_title_with_its_year_is_not_ambiguous(mr: MovieRec, alice: Principal) -> None:
    content = "Name,Year\nCrash,2004\nSpirited away,2001\n"
    report = await mr.favorites.import_(alice, content, "letterboxd")
    assert [m.movie_id for m in report.matched] == [1640, 129]


async def test_imdb_import_matches_ids_through_the_catalog_links(
    mr: MovieRec, alice: Principal
) -> None:
    report = await mr.favorites.import_(alice, IMDB, "imdb", skip_errors=True)
    assert [m.movie_id for m in report.matched] == [603, 680, 13]  # unknown id: title fallback
    assert [(s.line, s.reason) for s in report.skipped] == [(5, "not a movie (tvseries)")]
    assert report.added == 3


async def test_csv_rows_are_reported_on_the_line_an_editor_shows(
    mr: MovieRec, alice: Principal
) -> None:
    # Line 1 header, 2 a match, 3 blank, 4-5 one quoted title spanning two lines, 6 unknown.
    content = 'title,year\nThe Matrix,1999\n\n"Nothing\nHere",2011\nNo Such Film,2011\n'
    report = await mr.favorites.import_(alice, content, "csv", skip_errors=True)
    assert [(m.line, m.movie_id) for m in report.matched] == [(2, 603)]
    assert [s.line for s in report.skipped] == [4, 6]


async def test_import_reports_progress_for_every_row(mr: MovieRec, alice: Principal) -> None:
    seen: list[tuple[int, int | None, str]] = []
    await mr.favorites.import_(
        alice, "[603, 550]", "json", progress=lambda d, t, stage: seen.append((d, t, stage))
    )
    assert seen[0] == (0, 2, "matching")
    assert seen[-1] == (2, 2, "matching")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('[0, "abc", {"movie_id": "1; DROP TABLE favorites"}]', "movie_id must be"),
        ('[{"imdb_id": "<script>"}]', "imdb_id must look like"),
        ("[999999]", "no movie 999999"),
        ('[{"note": "nothing"}]', "no movie_id, imdb_id or title"),
    ],
)
async def test_bad_rows_fail_the_whole_import_naming_each_row(
    mr: MovieRec, alice: Principal, content: str, reason: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await mr.favorites.import_(alice, "[603, " + content[1:], "json")
    skipped = caught.value.details["skipped"]
    assert skipped
    assert all(issue["line"] > 1 for issue in skipped)
    assert reason in skipped[0]["reason"]
    assert await Favorite.all().count() == 0


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        ("{not json", "json"),
        ('{"items": 3}', "json"),
        ("a,b\n1,2\n", "csv"),
        ("Title,Year\nx,1\n", "letterboxd"),
        ("Title,Year\nx,1\n", "imdb"),
        ("[]", "xml"),
    ],
)
async def test_unreadable_files_are_invalid_input(
    mr: MovieRec, alice: Principal, content: str, fmt: str
) -> None:
    with pytest.raises(InvalidInput):
        await mr.favorites.import_(alice, content, fmt)  # type: ignore[arg-type]


async def test_an_import_past_the_per_user_limit_stores_nothing(make_mr: MakeMovieRec) -> None:
    mr = await make_mr(favorites_max_per_user=2)
    await stored_movies()
    alice = await stored_principal("alice")
    await mr.favorites.add(alice, 680)
    with pytest.raises(Conflict):
        await mr.favorites.import_(alice, "[603, 550]", "json")
    with pytest.raises(InvalidInput):
        await mr.favorites.import_(alice, "[603, 550, 13]", "json")
    assert await Favorite.filter(user_id=alice.user_id).count() == 1
    assert await mr.favorites.version(alice) == 1


async def test_csv_export_defuses_spreadsheet_formulas(mr: MovieRec, alice: Principal) -> None:
    from movierec.db.models import Movie as MovieRow

    await MovieRow.create(id=42, title="=HYPERLINK(1)", in_catalog=True)
    await mr.favorites.add(alice, 42)
    exported = await mr.favorites.export(alice, "csv")
    assert "'=HYPERLINK(1)" in exported


async def test_match_finds_one_title_or_lists_close_candidates(
    mr: MovieRec, alice: Principal
) -> None:
    matrix = await mr.favorites.match("the matrix")
    assert matrix.movie is not None
    assert matrix.movie.id == 603
    crash = await mr.favorites.match("Crash")
    assert crash.movie is None
    assert {c.movie_id for c in crash.candidates} == {1640, 20382}
    dated = await mr.favorites.match("Crash (1996)")
    assert dated.movie is not None
    assert dated.movie.id == 20382
    nothing = await mr.favorites.match("Zzyzx Qwerty")
    assert (nothing.movie, nothing.candidates) == (None, [])
    with pytest.raises(InvalidInput):
        await mr.favorites.match("   ")


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        ("[603]", None, "json"),
        ("anything", "mine.JSON", "json"),
        (IMDB, "ratings.csv", "imdb"),
        (LETTERBOXD, "watched.csv", "letterboxd"),
        ("\ufeffmovie_id,title\n603,The Matrix\n", "favorites.csv", "csv"),
    ],
)
def test_the_import_format_is_detected_from_name_and_header(
    content: str, filename: str | None, expected: str
) -> None:
    assert detect_format(content, filename) == expected
