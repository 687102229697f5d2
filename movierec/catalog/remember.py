"""Upserting the movies TMDb shows us into the local ``Movie`` table, one batch per page.

Metadata (title, date, genres, poster) is refreshed on every local movie; TMDb's
popularity and vote statistics only on movies outside the catalog, whose statistics
come from the imported ratings instead. A failed write is logged, never raised:
remembering is a side effect of answering.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import cast

from movierec.boundary import classify_error
from movierec.catalog.rows import METADATA_FIELDS, STAT_FIELDS, row_fields
from movierec.clock import Clock, utc_datetime
from movierec.db.models import Movie as MovieRow
from movierec.types import Movie, MovieDetails

__all__ = ["remember_movies"]

logger = logging.getLogger("movierec.movies")


async def remember_movies(movies: Sequence[Movie], clock: Clock) -> None:
    """Upsert ``movies`` (deduplicated by id) in at most two statements and one lookup."""
    unique = {movie.id: movie for movie in movies}
    now = utc_datetime(clock)
    try:
        found = await MovieRow.filter(id__in=list(unique), in_catalog=True).values_list(
            "id", flat=True
        )
        in_catalog = set(cast("list[int]", found))
        outside = [m for i, m in unique.items() if i not in in_catalog]
        inside = [m for i, m in unique.items() if i in in_catalog]
        extra = ("keywords", "imdb_id") if any(isinstance(m, MovieDetails) for m in movies) else ()
        for group, fields in (
            (outside, (*METADATA_FIELDS, *STAT_FIELDS, *extra)),
            (inside, METADATA_FIELDS),
        ):
            if group:
                await MovieRow.bulk_create(
                    [MovieRow(**row_fields(m), fetched_at=now) for m in group],
                    on_conflict=["id"],
                    update_fields=(*fields, "fetched_at"),
                )
    except Exception as exc:
        if classify_error(exc) is None:
            raise
        logger.warning("could not store %d movies locally: %s", len(unique), exc)
