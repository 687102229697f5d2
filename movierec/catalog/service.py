"""``mr.catalog``: import a MovieLens data set and describe what is imported."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from movierec.boundary import guarded
from movierec.catalog.download import fetch_movielens
from movierec.catalog.importer import CatalogImportReport, import_movielens_folder
from movierec.catalog.provider import CatalogProvider
from movierec.db.models import CatalogRating, Movie

if TYPE_CHECKING:
    from movierec.clock import Clock
    from movierec.config import Settings
    from movierec.types import Progress

__all__ = ["Catalog"]


@guarded
class Catalog:
    """The offline catalog of one ``MovieRec``: its importer and its provider."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self._settings = settings
        self._clock = clock
        self.provider = CatalogProvider(settings)

    async def import_movielens(
        self, path: Path | str | None = None, *, progress: Progress | None = None
    ) -> CatalogImportReport:
        """Replace the catalog with a MovieLens folder.

        Without ``path``, ml-latest-small is downloaded from GroupLens into the data
        folder (once) and checked. ``progress(stage, done, total)`` reports the
        ``download``, ``parse``, ``movies`` and ``ratings`` stages.
        """
        folder = (
            Path(path)
            if path is not None
            else await fetch_movielens(self._settings, progress=progress)
        )
        return await import_movielens_folder(
            folder,
            self._settings.resolved_database_url,
            progress=progress,
            clock=self._clock.now,
        )

    async def stats(self) -> dict[str, Any]:
        """How many movies and ratings are in the catalog, and the latest rating's date."""
        latest = await CatalogRating.all().order_by("-rated_at").first()
        return {
            "movies": await Movie.filter(in_catalog=True).count(),
            "ratings": await CatalogRating.all().count(),
            "latest_rating": latest.rated_at.isoformat() if latest else None,
        }
