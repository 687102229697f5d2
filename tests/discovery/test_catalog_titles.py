"""MovieLens titles and genres become TMDb-like titles and genre ids."""

from __future__ import annotations

import pytest

from movierec.catalog.genres import genre_key, map_movielens_genres
from movierec.catalog.titles import fold, parse_movielens_title


@pytest.mark.parametrize(
    ("raw", "title", "year"),
    [
        ("Matrix, The (1999)", "The Matrix", 1999),
        ("Toy Story (1995)", "Toy Story", 1995),
        ("Good, the Bad and the Ugly, The (1966)", "The Good, the Bad and the Ugly", 1966),
        ("Avventura, L' (Adventure, The) (1960)", "L'Avventura", 1960),
        ("Babylon 5", "Babylon 5", None),
        ("Ready Player One (2018) ", "Ready Player One", 2018),
    ],
)
def test_movielens_titles_lose_the_year_and_get_their_article_back(
    raw: str, title: str, year: int | None
) -> None:
    parsed = parse_movielens_title(raw)
    assert (parsed.title, parsed.year) == (title, year)


def test_an_alternative_title_in_parentheses_becomes_the_original_title() -> None:
    parsed = parse_movielens_title(
        "City of Lost Children, The (Cité des enfants perdus, La) (1995)"
    )
    assert parsed.title == "The City of Lost Children"
    assert parsed.original_title == "La Cité des enfants perdus"


def test_folding_removes_case_accents_and_punctuation() -> None:
    assert fold("Amélie") == "amelie"
    assert fold("  Spider-Man: Far From Home ") == "spider man far from home"
    assert fold("Schindler's List") == "schindlers list"


def test_movielens_genres_map_to_tmdb_ids_and_imax_to_none() -> None:
    assert map_movielens_genres("Action|Sci-Fi|IMAX") == [28, 878]
    assert map_movielens_genres("Children|Musical") == [10751, 10402]
    assert map_movielens_genres("(no genres listed)") == []


def test_the_genre_key_wraps_every_id_in_bars() -> None:
    assert genre_key([878, 28]) == "|28|878|"
    assert genre_key([]) == ""
