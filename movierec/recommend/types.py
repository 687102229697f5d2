"""What ``mr.recommend`` returns: typed, JSON-able, the same for the CLI and HTTP."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from movierec.types import Movie, Page

__all__ = [
    "Dismissed",
    "QualityDay",
    "QualityReport",
    "QualityTally",
    "ReasonKind",
    "RecommendationItem",
    "RecommendationList",
    "RefreshReport",
]

ReasonKind = Literal["liked", "genre", "trending"]


class RecommendationItem(BaseModel):
    """One recommended movie, its score and why it is there."""

    model_config = ConfigDict(frozen=True)

    movie: Movie
    score: float = Field(description="blended score; higher is better")
    reason: str = Field(description='e.g. "because you liked The Matrix"')
    reason_kind: ReasonKind = "liked"
    because_of: int | None = Field(None, description="the favorite behind a 'liked' reason")


class RecommendationList(Page[RecommendationItem]):
    """One page of a user's recommendations (``total`` counts the whole list)."""

    user_id: int
    cached: bool = Field(description="served from the cache rather than computed now")
    generated_at: datetime
    cold_start: bool = Field(False, description="no favorites yet: trending and popular picks")


class RefreshReport(BaseModel):
    """What ``refresh_all`` did."""

    users: int
    refreshed: int
    failed: int
    seconds: float


class Dismissed(BaseModel):
    """The answer to a dismissal."""

    movie_id: int
    created: bool = Field(description="false when the movie was already dismissed")


class QualityTally(BaseModel):
    """Served pairs, how many were favorited in the window, and the same for the control."""

    served: int
    favorited: int
    share: float | None
    control_served: int
    control_favorited: int
    control_share: float | None

    @classmethod
    def of(cls, served: int, favorited: int, control_served: int, control_favorited: int) -> Self:
        """The tally with its shares (``None`` where nothing was served)."""

        def share(hits: int, total: int) -> float | None:
            return round(hits / total, 4) if total else None

        return cls(
            served=served,
            favorited=favorited,
            share=share(favorited, served),
            control_served=control_served,
            control_favorited=control_favorited,
            control_share=share(control_favorited, control_served),
        )


class QualityDay(BaseModel):
    """One UTC day of served recommendations and what became of them within the window."""

    day: date
    complete: bool = Field(description="whether the window after this day has fully passed")
    tally: QualityTally


class QualityReport(BaseModel):
    """Online quality: the share of served recommendations favorited within ``window_days``.

    ``totals`` count complete days only (a day whose window is still open can only rise).
    """

    window_days: int
    since: date
    until: date
    days: list[QualityDay]
    totals: QualityTally
