"""Typed values the favorites service returns."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from movierec.types import Movie, Page

__all__ = [
    "ExportFormat",
    "FavoriteItem",
    "FavoriteResult",
    "FavoritesExport",
    "FavoritesPage",
    "ImportCandidate",
    "ImportFormat",
    "ImportIssue",
    "ImportMatch",
    "ImportReport",
    "TitleMatch",
]

ExportFormat = Literal["json", "csv"]
ImportFormat = Literal["json", "csv", "letterboxd", "imdb"]


class FavoriteItem(BaseModel):
    """One favorite movie as a user sees it in their list."""

    model_config = ConfigDict(frozen=True)

    movie_id: int = Field(description="TMDb movie id", examples=[603])
    title: str = Field(examples=["The Matrix"])
    poster_url: str | None = None
    release_year: int | None = Field(None, examples=[1999])
    genre_ids: tuple[int, ...] = ()
    added_at: datetime


class FavoritesExport(BaseModel):
    """movierec's JSON export of one user's favorites (imports back)."""

    format: Literal["movierec-favorites"] = "movierec-favorites"
    version: int = 1
    exported_at: datetime
    items: list[FavoriteItem]


class FavoriteResult(BaseModel):
    """The outcome of adding a favorite: the row, and whether this call created it."""

    model_config = ConfigDict(frozen=True)

    favorite: FavoriteItem
    created: bool = Field(description="false when the movie already was a favorite")


class FavoritesPage(Page[FavoriteItem]):
    """One page of a user's favorites, newest first.

    ``next_cursor`` continues after the last item (stable while rows are added);
    ``page``/``size`` give classic numbered pages over the same order (``page`` is null
    on a page reached by cursor).
    """

    next_cursor: str | None = None


class ImportCandidate(BaseModel):
    """A movie a row might mean (listed for ambiguous rows)."""

    movie_id: int
    title: str
    release_year: int | None = None
    score: float = Field(description="title similarity, 0..100")


class ImportMatch(BaseModel):
    """A row resolved to one movie."""

    line: int = Field(
        description="where the row is: its line in a CSV file (the header is line 1), "
        "its 1-based position in a JSON list"
    )
    movie_id: int
    title: str
    already_favorite: bool = False


class ImportIssue(BaseModel):
    """A row that was not imported, and why."""

    line: int = Field(description="where the row is, counted as for matches")
    input: str = Field(description="the row's title/year or id, as read")
    reason: str
    candidates: list[ImportCandidate] = Field(default_factory=list)


class ImportReport(BaseModel):
    """What an import did (or would have done, when it was refused)."""

    format: ImportFormat
    rows: int
    added: int = Field(0, description="favorites created by this import")
    matched: list[ImportMatch] = Field(default_factory=list)
    ambiguous: list[ImportIssue] = Field(default_factory=list)
    skipped: list[ImportIssue] = Field(default_factory=list)
    written: bool = Field(description="false when nothing was stored")


class TitleMatch(BaseModel):
    """The movie a title means, or the close candidates when it is ambiguous (or none)."""

    movie: Movie | None = None
    candidates: list[ImportCandidate] = Field(default_factory=list)
