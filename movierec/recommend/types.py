"""What ``mr.recommend`` returns: typed, JSON-able, the same for the CLI and HTTP."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from movierec.types import Movie

__all__ = ["Dismissed", "ReasonKind", "RecommendationItem", "RecommendationList", "RefreshReport"]

ReasonKind = Literal["liked", "genre", "trending"]


class RecommendationItem(BaseModel):
    """One recommended movie, its score and why it is there."""

    model_config = ConfigDict(frozen=True)

    movie: Movie
    score: float = Field(description="blended score; higher is better")
    reason: str = Field(description='e.g. "because you liked The Matrix"')
    reason_kind: ReasonKind = "liked"
    because_of: int | None = Field(None, description="the favorite behind a 'liked' reason")


class RecommendationList(BaseModel):
    """One page of a user's recommendations."""

    user_id: int
    page: int
    size: int
    total: int = Field(description="items in the whole list")
    items: list[RecommendationItem]
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
