"""Validated input types: one bound and one message each, for the library and both frontends."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from movierec import GenreId, InvalidInput, MovieId, PageNo, PageSize, Year, checked


@pytest.mark.parametrize(
    ("kind", "low", "high"),
    [
        (MovieId, 1, 2**31 - 1),
        (GenreId, 1, 2**31 - 1),
        (PageNo, 1, 500),
        (PageSize, 1, 100),
        (Year, 1870, 2100),
    ],
)
def test_each_type_takes_its_bounds_and_refuses_one_past_them(
    kind: Any, low: int, high: int
) -> None:
    assert checked(kind, "n", low) == low
    assert checked(kind, "n", high) == high
    for bad in (low - 1, high + 1):
        with pytest.raises(InvalidInput) as caught:
            checked(kind, "n", bad)
        assert caught.value.details == {
            "fields": {"n": f"must be an integer between {low} and {high}"}
        }


@pytest.mark.parametrize("value", [True, 3.0, "3", None])
def test_only_a_real_integer_passes(value: object) -> None:
    with pytest.raises(InvalidInput, match="page: must be an integer between 1 and 500"):
        checked(PageNo, "page", value)


def test_a_model_field_says_the_same_and_documents_the_bound() -> None:
    class Body(BaseModel):
        movie_id: MovieId

    with pytest.raises(ValidationError) as caught:
        Body(movie_id=0)
    assert caught.value.errors()[0]["msg"] == "must be an integer between 1 and 2147483647"
    schema = Body.model_json_schema()["properties"]["movie_id"]
    assert (schema["type"], schema["minimum"], schema["maximum"]) == ("integer", 1, 2**31 - 1)
