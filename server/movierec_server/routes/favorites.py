"""``/favorites``: the caller's favorite movies (bearer token required on every route).

Each route reads the request, calls one ``mr.favorites`` method with the token's
``Principal`` and returns JSON. Nobody can name another user: the user only ever comes
from the token.
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    model_validator,
)
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, empty, json, text
from sanic_ext import openapi

from movierec import (
    MAX_PAGE_SIZE,
    FavoriteItem,
    FavoriteResult,
    FavoritesExport,
    FavoritesPage,
    GenreId,
    ImportReport,
    InvalidInput,
    MovieId,
    PageNo,
    PageSize,
    Progress,
    Year,
)
from movierec_server.auth import require_user
from movierec_server.bodies import parse_body, query_checked
from movierec_server.context import movierec
from movierec_server.pages import encoded_page_reply
from movierec_server.progress import NDJSON, stream_progress, wants_progress
from movierec_server.spec import ERROR_REF, json_content

bp = Blueprint("favorites", url_prefix="/favorites", strict_slashes=False)

MAX_IMPORT_CHARS = 900_000
_STREAM = (
    'one JSON object per line: {"progress": {"done", "total"}} while rows are matched, then '
    '{"result": <ImportReport>} or {"status": <HTTP status>, "error": {...}}'
)
_ITEM = {
    "movie_id": 603,
    "title": "The Matrix",
    "poster_url": "https://image.tmdb.org/t/p/w500/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg",
    "release_year": 1999,
    "genre_ids": [28, 878],
    "added_at": "2024-05-01T12:00:00Z",
}
_CSV_EXAMPLE = (
    "movie_id,title,release_year,added_at,poster_url\n"
    "603,The Matrix,1999,2024-05-01T12:00:00+00:00,https://image.tmdb.org/t/p/w500/x.jpg\n"
)
_AMBIGUOUS = {
    "error": {
        "code": "ambiguous_title",
        "message": "'Crash' matches several movies: 1640 Crash (2004), 20382 Crash (1996); "
        "give the id or 'Title (year)'",
        "details": {
            "title": "Crash",
            "candidates": [
                {"movie_id": 1640, "title": "Crash", "release_year": 2004, "score": 100.0},
                {"movie_id": 20382, "title": "Crash", "release_year": 1996, "score": 100.0},
            ],
        },
    }
}
_EXPORT_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


class AddFavorite(BaseModel):
    """``POST /favorites/``: the movie to add, by TMDb id or by title (and year)."""

    model_config = ConfigDict(extra="forbid")

    movie_id: MovieId | None = Field(None, description="TMDb movie id")
    title: StrictStr | None = Field(
        None, description="a title instead of an id: 'Crash' or 'Crash (2004)'"
    )
    year: Year | None = Field(None, description="release year narrowing title")

    @model_validator(mode="after")
    def _one_movie(self) -> Self:
        if (self.movie_id is None) == (self.title is None):
            raise ValueError("give either movie_id or title")
        if self.year is not None and self.title is None:
            raise ValueError("year goes with title")
        return self


class ImportFavorites(BaseModel):
    """``POST /favorites/import``: an export file's text and its format."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["json", "csv", "letterboxd", "imdb"] = "json"
    content: str = Field(max_length=MAX_IMPORT_CHARS, description="the file's text")
    skip_errors: StrictBool = Field(
        False, description="import the matched rows even when others fail"
    )


def _example(model: type[BaseModel], example: Any) -> dict[str, Any]:
    """JSON content described by ``model``, with an example."""
    return {"application/json": {**json_content(model)["application/json"], "example": example}}


@bp.get("/")
@openapi.summary("List your favorites, newest first")
@openapi.tag("favorites")
@openapi.parameter("page", int, "query", description="page number from 1 (default 1)")
@openapi.parameter("size", int, "query", description=f"items per page, 1..{MAX_PAGE_SIZE}")
@openapi.parameter("cursor", str, "query", description="next_cursor of the previous page")
@openapi.parameter("genre", int, "query", description="only movies of this TMDb genre id")
@openapi.response(
    200,
    _example(
        FavoritesPage, {"items": [_ITEM], "page": 1, "size": 20, "total": 1, "total_pages": 1}
    ),
    "one page of favorites and the total",
)
@openapi.response(400, description="a parameter is out of range")
@require_user
async def list_favorites(request: Request) -> HTTPResponse:
    """Your favorites by page (``page``, ``size``) or cursor, optionally of one genre."""
    cursor = request.args.get("cursor") or None
    page = None if cursor else query_checked(request, "page", 1, PageNo)
    genre = request.args.get("genre")
    body = await movierec(request).favorites.page_json(
        request.ctx.principal,
        stamp=request.ctx.user_stamp,
        page=page,
        size=query_checked(request, "size", 20, PageSize),
        cursor=cursor,
        genre_id=query_checked(request, "genre", 0, GenreId) if genre else None,
    )
    return encoded_page_reply(body)


@bp.post("/")
@openapi.summary("Add a favorite")
@openapi.tag("favorites")
@openapi.body(_example(AddFavorite, {"movie_id": 603}), required=True)
@openapi.response(201, _example(FavoriteResult, {"favorite": _ITEM, "created": True}), "added")
@openapi.response(
    200, _example(FavoriteResult, {"favorite": _ITEM, "created": False}), "already a favorite"
)
@openapi.response(
    400, description="movie_id is not a positive 32-bit integer, or neither/both of id and title"
)
@openapi.response(404, description="no such movie (no id, or nothing like the title)")
@openapi.response(
    409,
    {"application/json": {"schema": ERROR_REF, "example": _AMBIGUOUS}},
    "the favorites limit is reached (conflict), or the title names several movies "
    "(ambiguous_title: details.candidates lists them; send movie_id or 'Title (year)')",
)
@require_user
async def add_favorite(request: Request) -> HTTPResponse:
    """Add a movie by TMDb id or by title; adding it again answers 200 and changes nothing.

    A title (``{"title": "Crash", "year": 2004}`` or ``{"title": "Crash (2004)"}``) is
    added when one movie clearly matches; several close ones answer 409
    ``ambiguous_title`` with the candidates.
    """
    body = parse_body(request, AddFavorite)
    favorites, principal = movierec(request).favorites, request.ctx.principal
    if body.title is not None:
        result = await favorites.add_title(principal, body.title, body.year)
    else:
        assert body.movie_id is not None  # AddFavorite requires one of the two
        result = await favorites.add(principal, body.movie_id)
    if result.created:
        headers = {"Location": f"/favorites/{result.favorite.movie_id}"}
        return json(result.model_dump(mode="json"), status=201, headers=headers)
    return json(result.model_dump(mode="json"))


@bp.get("/export")
@openapi.summary("Export your favorites")
@openapi.tag("favorites")
@openapi.parameter("format", str, "query", description="json (default) or csv")
@openapi.response(
    200,
    {
        **json_content(FavoritesExport),
        "text/csv": {"schema": {"type": "string"}, "example": _CSV_EXAMPLE},
    },
    "the export file (JSON or CSV, as a download)",
)
@openapi.response(400, description="unknown format")
@require_user
async def export_favorites(request: Request) -> HTTPResponse:
    """Every favorite as a downloadable JSON or CSV file (both import back)."""
    fmt = request.args.get("format") or "json"
    if fmt not in _EXPORT_TYPES:
        raise InvalidInput.field("format", "must be json or csv")
    body = await movierec(request).favorites.export(request.ctx.principal, fmt)  # type: ignore[arg-type]
    headers = {"Content-Disposition": f'attachment; filename="favorites.{fmt}"'}
    return text(body, headers=headers, content_type=_EXPORT_TYPES[fmt])


@bp.post("/import")  # type: ignore[type-var]  # streamed: returns None, already sent
@openapi.summary("Import favorites from a file")
@openapi.tag("favorites")
@openapi.body(
    _example(
        ImportFavorites,
        {"format": "letterboxd", "content": "Name,Year\nThe Matrix,1999\n", "skip_errors": False},
    ),
    required=True,
)
@openapi.response(
    200,
    {
        **json_content(ImportReport),
        NDJSON: {"schema": {"type": "string", "description": _STREAM}},
    },
    "imported: matched, ambiguous and skipped rows (or, streamed, progress lines then the report)",
)
@openapi.response(
    400, description="unreadable file, or rows not matched (nothing stored; report in details)"
)
@openapi.response(409, description="the favorites limit would be passed")
@require_user
async def import_favorites(request: Request) -> HTTPResponse | None:
    """Add the movies of a movierec, Letterboxd or IMDb export; all or nothing by default.

    With ``Accept: application/x-ndjson`` the answer streams progress while rows are
    matched (see docs/favorites.md), so a long import never meets a response timeout.
    """
    body = parse_body(request, ImportFavorites)
    mr, principal = movierec(request), request.ctx.principal

    async def work(progress: Progress | None) -> ImportReport:
        return await mr.favorites.import_(
            principal, body.content, body.format, skip_errors=body.skip_errors, progress=progress
        )

    if wants_progress(request):
        await stream_progress(request, work)
        return None
    report = await work(None)
    return json(report.model_dump(mode="json"))


@bp.get("/<movie_id:int>")
@openapi.summary("Is this movie a favorite?")
@openapi.tag("favorites")
@openapi.response(200, _example(FavoriteItem, _ITEM), "it is")
@openapi.response(404, description="it is not")
@require_user
async def get_favorite(request: Request, movie_id: int) -> HTTPResponse:
    """The favorite for this TMDb id, or 404 when the movie is not one of yours."""
    item = await movierec(request).favorites.get(request.ctx.principal, movie_id)
    return json(item.model_dump(mode="json"))


@bp.delete("/<movie_id:int>")
@openapi.summary("Remove a favorite")
@openapi.tag("favorites")
@openapi.response(204, None, "removed")
@openapi.response(404, description="the movie is not one of your favorites")
@require_user
async def remove_favorite(request: Request, movie_id: int) -> HTTPResponse:
    """Remove a movie from your favorites."""
    await movierec(request).favorites.remove(request.ctx.principal, movie_id)
    return empty(status=204)
