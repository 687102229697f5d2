"""Typed values that cross the library's boundary (returned to frontends and callers)."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Annotated, Any, Generic, Literal, Protocol, Self, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from movierec.errors import InvalidInput

__all__ = [
    "MAX_ID",
    "MAX_PAGE",
    "MAX_PAGE_SIZE",
    "MAX_YEAR",
    "MIN_YEAR",
    "Genre",
    "GenreId",
    "Movie",
    "MovieDetails",
    "MovieId",
    "MoviePage",
    "Page",
    "PageNo",
    "PageSize",
    "Principal",
    "Progress",
    "Source",
    "UserId",
    "Year",
    "checked",
    "poster_url",
]

Source = Literal["tmdb", "catalog"]
T = TypeVar("T")

MAX_ID = 2**31 - 1
"""Ids are stored in 32-bit columns."""
MAX_PAGE = 500
"""No listing serves a page past 500 (TMDb's own bound; deeper favorites take the cursor)."""
MAX_PAGE_SIZE = 100
"""Items per page, at most, in every listing."""
MIN_YEAR, MAX_YEAR = 1870, 2100
"""Release years a movie may have (the first films to the foreseeable)."""


def _between(low: int, high: int) -> Any:
    """An integer ``low..high``, never a bool, a float or a numeric string: one message."""

    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise PydanticCustomError(
                "int_between",
                "must be an integer between {low} and {high}",
                {"low": low, "high": high},
            )
        return value

    return PlainValidator(check, json_schema_input_type=int)


def _schema(low: int, high: int, description: str) -> WithJsonSchema:
    return WithJsonSchema(
        {"type": "integer", "minimum": low, "maximum": high, "description": description}
    )


MovieId = Annotated[int, _between(1, MAX_ID), _schema(1, MAX_ID, "TMDb movie id")]
"""A TMDb movie id, 1..2**31-1."""
GenreId = Annotated[int, _between(1, MAX_ID), _schema(1, MAX_ID, "TMDb genre id")]
"""A TMDb genre id, 1..2**31-1."""
UserId = Annotated[int, _between(1, MAX_ID), _schema(1, MAX_ID, "user id")]
"""A stored user's id, 1..2**31-1."""
PageNo = Annotated[int, _between(1, MAX_PAGE), _schema(1, MAX_PAGE, "page number from 1")]
"""A page number, 1..500."""
PageSize = Annotated[int, _between(1, MAX_PAGE_SIZE), _schema(1, MAX_PAGE_SIZE, "items per page")]
"""Items per page, 1..100."""
Year = Annotated[int, _between(MIN_YEAR, MAX_YEAR), _schema(MIN_YEAR, MAX_YEAR, "release year")]
"""A release year, 1870..2100."""


@cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def checked(kind: Any, name: str, value: object) -> Any:
    """``value`` as the validated type ``kind`` (e.g. :data:`PageNo`), else :class:`InvalidInput`.

    The message is the type's own, so the library, the HTTP server and the CLI say the same
    thing about the same bound.
    """
    try:
        return _adapter(kind).validate_python(value)
    except ValidationError as exc:
        raise InvalidInput.field(name, exc.errors(include_url=False)[0]["msg"]) from None


def poster_url(image_base_url: str, size: str, poster_path: str | None) -> str | None:
    """``https://image.tmdb.org/t/p/`` + ``w500`` + ``/abc.jpg``, or None without a poster.

    The one place a poster's address is built (TMDb replies, the catalog, recommendations).
    """
    if not poster_path:
        return None
    path = poster_path if poster_path.startswith("/") else "/" + poster_path
    return image_base_url.rstrip("/") + "/" + size.strip("/") + path


class Genre(BaseModel):
    """A TMDb genre."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str


class Movie(BaseModel):
    """A movie as TMDb (or the offline catalog) describes it."""

    model_config = ConfigDict(frozen=True)

    id: int = Field(description="TMDb movie id")
    title: str
    original_title: str | None = None
    overview: str = ""
    release_date: date | None = Field(
        None, description="exact release date; null when only the year is known"
    )
    release_year: int | None = Field(
        None, description="release year (of release_date when that is known)", examples=[1999]
    )
    genre_ids: tuple[int, ...] = ()
    popularity: float = 0.0
    vote_average: float = 0.0
    vote_count: int = 0
    poster_path: str | None = None
    poster_url: str | None = None
    adult: bool = Field(False, description="TMDb's adult flag (hidden unless a setting allows)")
    video: bool = Field(
        False, description="TMDb's video flag: a recording, not a film (hidden by default)"
    )

    @model_validator(mode="after")
    def _year_of_date(self) -> Self:
        """TMDb gives a date only: its year fills ``release_year``."""
        if self.release_year is None and self.release_date is not None:
            object.__setattr__(self, "release_year", self.release_date.year)
        return self

    @property
    def year(self) -> int | None:
        """Release year, when known (the offline catalog knows only the year)."""
        return self.release_year


class Page(BaseModel, Generic[T]):
    """One page of a longer list: its items, where it sits, and how many there are in all.

    Every listing the library returns is a ``Page`` (or a subclass adding its own fields),
    so frontends render one shape: ``items``, ``page``, ``size``, ``total``, ``total_pages``.
    ``total_pages`` defaults to ``ceil(total / size)`` (at least 1).
    """

    items: list[T] = Field(default_factory=list)
    page: int | None = Field(1, description="page number from 1; null for a page reached by cursor")
    size: int = Field(20, description="items per page asked for")
    total: int = Field(0, description="items over all pages")
    total_pages: int = Field(1, description="pages over the whole list (at least 1)")

    @model_validator(mode="before")
    @classmethod
    def _count_pages(cls, data: Any) -> Any:
        """Derive ``total_pages`` from ``total`` and ``size`` unless given."""
        if isinstance(data, dict) and data.get("total_pages") is None:
            size = max(1, int(data.get("size") or 20))
            data = {**data, "total_pages": max(1, -(-int(data.get("total") or 0) // size))}
        return data


class MoviePage(Page[Movie]):
    """One page of movies, with where it came from and whether it was cached."""

    source: Source = "catalog"
    cached: bool = False
    stale: bool = False
    note: str | None = Field(None, description="e.g. which window the offline trending covers")


class Progress(Protocol):
    """How long work tells its caller how far it has got: one signature for every long call.

    Called as ``progress(done, total, stage)``: ``done`` units of ``total`` (``None`` while
    the total is unknown) in ``stage`` (e.g. ``"movies"``, ``"matching"``); the catalog
    import, the favorites import and the recommendation refresh all report this way.
    """

    def __call__(self, done: int, total: int | None, stage: str) -> None:
        """Record that ``done`` of ``total`` units of ``stage`` are finished."""


class MovieDetails(Movie):
    """A movie with the extra fields of TMDb's details endpoint."""

    runtime: int | None = None
    tagline: str | None = None
    imdb_id: str | None = None
    keywords: tuple[str, ...] = ()
    genres: tuple[Genre, ...] = ()


class Principal(BaseModel):
    """Who is calling: the verified claims of an access token."""

    model_config = ConfigDict(frozen=True)

    user_id: int
    username: str
    role: Literal["user", "admin"] = "user"
    token_id: str | None = None
    session_id: str | None = Field(None, description="the login (refresh-token family)")

    @classmethod
    def of(cls, user: Any) -> Principal:
        """The principal of a stored account (a ``User`` row or a ``UserView``), with no login.

        For code that acts for a user without a request of theirs (a job sending each user
        their picks, a test); a request's principal comes from its token
        (``mr.auth.authenticate``), the CLI's from its saved login.
        """
        return cls(user_id=user.id, username=user.username, role=user.role)

    @property
    def is_admin(self) -> bool:
        """True for the admin role."""
        return self.role == "admin"
