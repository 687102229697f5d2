"""``mr.favorites``: add, remove, check and list a user's favorite movies.

Rules the service keeps on every backend:

- one row per (user, movie), enforced by the unique constraint: concurrent adds of one
  movie end with one row, the losers answer "already a favorite";
- every change bumps ``User.favorites_version`` in the same transaction (an atomic
  ``F()`` increment), so recommendations cached under the old version are recomputed;
- lists are newest first (``created_at``, then ``id``), served by the
  ``(user_id, created_at)`` index, by page number or by an opaque cursor;
- after every change commits, the user's stamp is renewed
  (:mod:`movierec.accounts.stamps`), so a page encoded earlier (:meth:`Favorites.page_json`)
  is never served again, in any worker.
"""

from __future__ import annotations

import base64
import binascii
import builtins
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import orjson
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from movierec.boundary import guarded
from movierec.cache.hot import HotReplies, HotReply
from movierec.catalog.genres import genre_key
from movierec.clock import utc_datetime
from movierec.db.models import Favorite, User
from movierec.errors import AmbiguousTitle, Conflict, InvalidInput, NotFound
from movierec.favorites.formats import check_movie_id, parse_rows, render_export
from movierec.favorites.importer import ImportPlan, owned_movie_ids, plan_import
from movierec.favorites.resolve import match_title, movie_details
from movierec.favorites.types import (
    ExportFormat,
    FavoriteItem,
    FavoriteResult,
    FavoritesPage,
    ImportFormat,
    ImportReport,
    TitleMatch,
)
from movierec.types import (
    GenreId,
    Movie,
    PageNo,
    PageSize,
    Principal,
    Progress,
    checked,
)

if TYPE_CHECKING:
    from movierec.accounts.stamps import UserStamps
    from movierec.clock import Clock
    from movierec.config import Settings
    from movierec.discovery import MovieService

__all__ = ["Favorites"]

MAX_TITLE = 200
_TITLE_YEAR = re.compile(r"^(?P<title>.+?)\s*\((?P<year>\d{4})\)$")


def _item(row: Favorite) -> FavoriteItem:
    return FavoriteItem(
        movie_id=row.movie_id,
        title=row.movie_title,
        poster_url=row.poster_url,
        release_year=row.release_year,
        genre_ids=tuple(row.genre_ids or ()),
        added_at=row.created_at,
    )


def _encode_cursor(row: Favorite) -> str:
    raw = f"{row.created_at.isoformat()}|{row.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, ident = raw.split("|")
        return datetime.fromisoformat(stamp), int(ident)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput.field("cursor", "not a cursor this API returned") from None


@guarded
class Favorites:
    """A user's favorite movies; every method acts for the calling ``principal``."""

    def __init__(
        self,
        movies: MovieService,
        *,
        settings: Settings,
        clock: Clock,
        database_kind: str,
        stamps: UserStamps,
        replies: HotReplies | None = None,
    ) -> None:
        self._movies = movies
        self._settings = settings
        self._clock = clock
        self._database_kind = database_kind
        self._stamps = stamps
        self._replies = replies if replies is not None else HotReplies(0)

    async def _changed(self, user_id: int) -> None:
        """The user's favorites changed (committed): renew the user's stamp."""
        await self._stamps.touch(user_id)

    @property
    def limit(self) -> int:
        """Most favorites one user may keep."""
        return self._settings.favorites_max_per_user

    def _transaction(self) -> Any:
        return in_transaction(self._database_kind)

    async def _bump(self, user_id: int) -> None:
        """Increment the user's favorites version (and lock their row until commit)."""
        updated = await User.filter(id=user_id).update(favorites_version=F("favorites_version") + 1)
        if not updated:
            raise NotFound(f"no user {user_id}", details={"user_id": user_id})

    async def version(self, principal: Principal) -> int:
        """The user's favorites version: changes whenever their favorites change."""
        return await self._version(principal.user_id)

    async def _version(self, user_id: int) -> int:
        found = await User.get_or_none(id=user_id).only("id", "favorites_version")
        if found is None:
            raise NotFound(f"no user {user_id}", details={"user_id": user_id})
        return found.favorites_version

    async def _check_room(self, user_id: int, adding: int) -> None:
        count = await Favorite.filter(user_id=user_id).count()
        if count + adding > self.limit:
            raise Conflict(
                f"a user may keep at most {self.limit} favorites ({count} stored)",
                details={"limit": self.limit, "count": count},
            )

    def _new_row(self, user_id: int, movie: Movie, at: datetime) -> Favorite:
        return Favorite(
            user_id=user_id,
            movie_id=movie.id,
            movie_title=movie.title[:512],
            poster_url=(movie.poster_url or "")[:512] or None,
            release_year=movie.year,
            genre_ids=list(movie.genre_ids),
            genre_key=genre_key(movie.genre_ids)[:256],
            created_at=at,
        )

    async def add(self, principal: Principal, movie_id: int) -> FavoriteResult:
        """Mark a movie as a favorite; adding it again changes nothing and says so.

        Raises :class:`InvalidInput` for an id outside 1..2**31-1, :class:`NotFound` for
        a movie discovery does not know, :class:`Conflict` past the per-user limit.
        """
        user_id = principal.user_id
        ident = check_movie_id(movie_id)
        existing = await Favorite.get_or_none(user_id=user_id, movie_id=ident)
        if existing is not None:
            return FavoriteResult(favorite=_item(existing), created=False)
        movie = await movie_details(self._movies, ident)
        for _ in range(3):
            row = self._new_row(user_id, movie, utc_datetime(self._clock))
            try:
                async with self._transaction():
                    await self._bump(user_id)
                    await self._check_room(user_id, 1)
                    await row.save()
            except IntegrityError:
                existing = await Favorite.get_or_none(user_id=user_id, movie_id=ident)
                if existing is not None:
                    return FavoriteResult(favorite=_item(existing), created=False)
                await self._version(user_id)  # NotFound for a deleted user
                continue  # removed again meanwhile: try once more
            await self._changed(user_id)
            return FavoriteResult(favorite=_item(row), created=True)
        raise Conflict(f"movie {ident} is being added and removed concurrently; try again")

    async def add_title(
        self, principal: Principal, title: str, year: int | None = None
    ) -> FavoriteResult:
        """Add the movie a title means (``"Crash (2004)"``, or ``"Crash"`` with ``year``).

        One clear match is added (see :meth:`add`); several close ones raise
        :class:`AmbiguousTitle` listing them, so the caller asks again with an id or
        ``Title (year)``; nothing similar raises :class:`NotFound`.
        """
        found = await self.match(title, year)
        if found.movie is not None:
            return await self.add(principal, found.movie.id)
        if not found.candidates:
            raise NotFound(f"no movie matches '{title}'", details={"title": title})
        raise AmbiguousTitle(title, [c.model_dump() for c in found.candidates])

    async def match(self, title: str, year: int | None = None) -> TitleMatch:
        """The movie a title means: ``"Crash (2004)"`` or ``"Crash"`` (then maybe ambiguous).

        A trailing ``(year)``, or ``year``, narrows the search. The result has the movie
        when one is a clear match, else the close candidates (none when nothing is similar).
        """
        text = " ".join(str(title).split())
        if not text or len(text) > MAX_TITLE:
            raise InvalidInput.field("title", f"must be 1..{MAX_TITLE} characters")
        found = _TITLE_YEAR.match(text)
        if found is not None:
            if year is not None and year != int(found["year"]):
                raise InvalidInput.field("year", f"the title names {found['year']}, not {year}")
            return await match_title(self._movies, found["title"], int(found["year"]))
        return await match_title(self._movies, text, year)

    async def remove(self, principal: Principal, movie_id: int) -> bool:
        """Remove a favorite; :class:`NotFound` when the movie is not one."""
        user_id = principal.user_id
        ident = check_movie_id(movie_id)
        async with self._transaction():
            # Lock order user row, then favorite row (as in add): no deadlock between them.
            await self._bump(user_id)
            deleted = await Favorite.filter(user_id=user_id, movie_id=ident).delete()
            if not deleted:
                raise NotFound(
                    f"movie {ident} is not among your favorites", details={"movie_id": ident}
                )
        await self._changed(user_id)
        return True

    async def is_favorite(self, principal: Principal, movie_id: int) -> bool:
        """Whether the user marked this movie as a favorite."""
        ident = check_movie_id(movie_id)
        return await Favorite.filter(user_id=principal.user_id, movie_id=ident).exists()

    async def get(self, principal: Principal, movie_id: int) -> FavoriteItem:
        """One favorite; :class:`NotFound` when the movie is not one."""
        ident = check_movie_id(movie_id)
        row = await Favorite.get_or_none(user_id=principal.user_id, movie_id=ident)
        if row is None:
            raise NotFound(
                f"movie {ident} is not among your favorites", details={"movie_id": ident}
            )
        return _item(row)

    def _query(self, user_id: int, genre_id: int | None) -> QuerySet[Favorite]:
        query = Favorite.filter(user_id=user_id)
        if genre_id is not None:
            genre = checked(GenreId, "genre", genre_id)
            query = query.filter(genre_key__contains=f"|{genre}|")
        return query

    def list_query(
        self,
        principal: Principal,
        *,
        page: int | None = None,
        size: int = 20,
        cursor: str | None = None,
        genre_id: int | None = None,
    ) -> QuerySet[Favorite]:
        """The rows query :meth:`list` runs: ``size + 1`` rows, newest first.

        Public so benchmarks and operators can ``EXPLAIN`` exactly what is served.
        """
        size = checked(PageSize, "size", size)
        if page is not None and cursor is not None:
            raise InvalidInput.field("cursor", "give either page or cursor, not both")
        ordered = self._query(principal.user_id, genre_id).order_by("-created_at", "-id")
        if cursor is not None:
            stamp, ident = _decode_cursor(cursor)
            # (created_at, id) < (stamp, ident), written as one index range plus a filter
            # so PostgreSQL walks (user_id, created_at) backwards and stops after a page.
            ordered = ordered.filter(
                Q(created_at__lt=stamp) | Q(id__lt=ident), created_at__lte=stamp
            )
        else:
            page = checked(PageNo, "page", 1 if page is None else page)
            ordered = ordered.offset((page - 1) * size)
        return ordered.limit(size + 1)

    async def list(
        self,
        principal: Principal,
        *,
        page: int | None = None,
        size: int = 20,
        cursor: str | None = None,
        genre_id: int | None = None,
    ) -> FavoritesPage:
        """The user's favorites, newest first, by ``page`` (from 1) or after ``cursor``.

        ``size`` is 1..100; ``genre_id`` keeps the movies of one TMDb genre.
        """
        query = self.list_query(principal, page=page, size=size, cursor=cursor, genre_id=genre_id)
        total = await self._query(principal.user_id, genre_id).count()
        rows = await query
        more = len(rows) > size
        rows = rows[:size]
        return FavoritesPage(
            items=[_item(row) for row in rows],
            total=total,
            page=(page or 1) if cursor is None else None,
            size=size,
            next_cursor=_encode_cursor(rows[-1]) if more and rows else None,
        )

    async def page_json(
        self,
        principal: Principal,
        *,
        stamp: str | None,
        page: int | None = None,
        size: int = 20,
        cursor: str | None = None,
        genre_id: int | None = None,
    ) -> bytes:
        """:meth:`list` encoded as JSON bytes, reused while the user's ``stamp`` holds.

        ``stamp`` is the one read for this request (``mr.auth.authenticate_stamped``):
        a page encoded under it is served again with no database query; any change to
        the favorites renews the stamp, so the next read is fresh. ``None`` never reuses.
        """
        key = f"fav:{principal.user_id}:{stamp}:{page}:{size}:{cursor}:{genre_id}"
        if stamp is not None:
            hot = self._replies.get(key)
            if hot is not None:
                return hot.body
        listed = await self.list(principal, page=page, size=size, cursor=cursor, genre_id=genre_id)
        body = orjson.dumps(listed.model_dump(mode="json"))
        if stamp is not None:
            self._replies.put(key, HotReply(body, 0), self._replies.ttl)
        return body

    async def all(self, principal: Principal) -> builtins.list[FavoriteItem]:
        """Every favorite of the user, newest first (bounded by the per-user limit)."""
        rows = await Favorite.filter(user_id=principal.user_id).order_by("-created_at", "-id")
        return [_item(row) for row in rows]

    async def export(self, principal: Principal, format: ExportFormat = "json") -> str:
        """The user's favorites as JSON or CSV text (both import back)."""
        if format not in ("json", "csv"):
            raise InvalidInput.field("format", "must be json or csv")
        items = await self.all(principal)
        return render_export(items, format, utc_datetime(self._clock))

    async def import_(
        self,
        principal: Principal,
        content: str,
        format: ImportFormat = "json",
        *,
        skip_errors: bool = False,
        progress: Progress | None = None,
    ) -> ImportReport:
        """Add the movies of an export file; all or nothing unless ``skip_errors``.

        Rows are resolved first (TMDb id, IMDb id through the catalog's links, or title
        and year through search). When any row is ambiguous or unresolvable and
        ``skip_errors`` is false, nothing is stored and :class:`InvalidInput` carries the
        report in ``details``; otherwise the matched rows are added in one transaction.
        """
        limit = self._settings.favorites_import_max_bytes
        if len(content) > limit:
            raise InvalidInput.field("content", f"at most {limit} characters")
        rows = parse_rows(content, format)
        if len(rows) > self.limit:
            raise InvalidInput.field("content", f"at most {self.limit} rows")
        user_id = principal.user_id
        await self._version(user_id)
        plan = await plan_import(self._movies, self._settings, user_id, rows, progress)
        report = plan.report(format)
        if (report.ambiguous or report.skipped) and not skip_errors:
            failed = len(report.ambiguous) + len(report.skipped)
            raise InvalidInput(
                f"{failed} of {len(rows)} rows could not be matched; nothing was imported "
                "(import the rest with --skip-errors in the terminal, "
                '"skip_errors": true over HTTP)',
                details=report.model_dump(mode="json"),
            )
        added = await self._store(user_id, plan)
        return report.model_copy(update={"added": added, "written": True})

    async def _store(self, user_id: int, plan: ImportPlan) -> int:
        if not plan.new_movies:
            return 0
        now = utc_datetime(self._clock)
        async with self._transaction():
            await self._bump(user_id)
            await self._check_room(user_id, len(plan.new_movies))
            wanted = [m.id for m in plan.new_movies]
            present = await owned_movie_ids(user_id, wanted)
            fresh = [m for m in plan.new_movies if m.id not in present]
            # The file's first row ends up newest, so an export imports back in order.
            rows = [
                self._new_row(user_id, movie, now - timedelta(microseconds=index))
                for index, movie in enumerate(fresh)
            ]
            await Favorite.bulk_create(rows, batch_size=500)
        await self._changed(user_id)
        return len(fresh)
