"""One progress protocol: every long library call reports through ``movierec.Progress``."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from movierec import Progress
from movierec.catalog import Catalog
from movierec.favorites import Favorites
from movierec.recommend import Recommender


@pytest.mark.parametrize(
    "call", [Catalog.import_movielens, Favorites.import_, Recommender.refresh_all]
)
def test_every_long_call_takes_the_one_progress_protocol(call: Callable[..., Any]) -> None:
    assert inspect.signature(call).parameters["progress"].annotation == "Progress | None"


def test_a_plain_function_of_done_total_stage_is_a_progress() -> None:
    seen: list[tuple[int, int | None, str]] = []

    def report(done: int, total: int | None, stage: str) -> None:
        seen.append((done, total, stage))

    progress: Progress = report
    progress(1, None, "ratings")
    assert seen == [(1, None, "ratings")]
