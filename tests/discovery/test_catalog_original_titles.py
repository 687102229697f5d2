"""Offline search finds a movie by its original title as well as its English one."""

from __future__ import annotations

import pytest

from movierec import MovieRec
from movierec.catalog.ranking import Candidate, fuzzy_matches, rank_titles
from movierec.catalog.titles import search_key


def test_the_search_key_holds_both_titles_once() -> None:
    assert search_key("Amélie", "Le Fabuleux destin d'Amélie Poulain") == (
        "amelie\nle fabuleux destin damelie poulain"
    )
    assert search_key("Heat", "Heat") == "heat"
    assert search_key("Heat", None) == "heat"


@pytest.mark.parametrize(
    "query", ["Le Fabuleux destin d'Amélie Poulain", "fabuleux destin", "amelie"]
)
async def test_search_finds_amelie_by_either_title(catalog_mr: MovieRec, query: str) -> None:
    page = await catalog_mr.movies.search(query)
    assert [movie.title for movie in page.items][:1] == ["Amélie"]


def test_a_typo_in_the_original_title_still_finds_the_movie() -> None:
    amelie = Candidate(194, search_key("Amélie", "Le Fabuleux destin d'Amélie Poulain"), 10.0)
    heat = Candidate(949, search_key("Heat"), 50.0)
    assert fuzzy_matches("fabuleux destin damelie poulian", [heat, amelie]) == [194]
    assert rank_titles("amelie", [heat, amelie])[0] == 194
