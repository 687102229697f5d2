"""Reading import files into rows, and writing exports.

Four import formats, one row shape (:class:`ImportRow`):

- ``json``: movierec's own export (``{"items": [...]}``) or a plain list whose items are
  TMDb ids or objects with ``movie_id``, or ``title`` (+ ``year``/``release_year``),
  or ``imdb_id``;
- ``csv``: movierec's own export, a header with ``movie_id`` (or ``title`` + ``year``);
- ``letterboxd``: a Letterboxd export (``Name``, ``Year`` columns: watched, diary,
  watchlist or list files);
- ``imdb``: an IMDb list or ratings export (``Const`` = IMDb id, ``Title``, ``Year``,
  ``Title Type``); TV series and episodes are skipped.

A file that cannot be read at all raises :class:`InvalidInput` naming ``content``; a
single bad row becomes a row with a ``problem``, so the report can name it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from movierec.errors import InvalidInput
from movierec.favorites.types import ExportFormat, FavoriteItem, FavoritesExport, ImportFormat
from movierec.types import MAX_YEAR, MIN_YEAR, MovieId, checked

__all__ = [
    "CSV_COLUMNS",
    "ImportRow",
    "detect_format",
    "parse_rows",
    "render_export",
]

CSV_COLUMNS = ("movie_id", "title", "release_year", "added_at", "poster_url")
_IMDB_ID = re.compile(r"^tt\d{7,10}$")
_SKIPPED_IMDB_TYPES = ("series", "episode", "videogame", "podcast")


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One row of an import file, as read (nothing resolved yet)."""

    line: int
    movie_id: int | None = None
    imdb_id: str | None = None
    title: str | None = None
    year: int | None = None
    problem: str | None = None

    @property
    def label(self) -> str:
        """How the report shows this row."""
        if self.title:
            return f"{self.title} ({self.year})" if self.year else self.title
        if self.imdb_id:
            return self.imdb_id
        return str(self.movie_id) if self.movie_id is not None else ""


def check_movie_id(value: object, name: str = "movie_id") -> int:
    """A :data:`~movierec.types.MovieId`, else :class:`InvalidInput` naming ``name``."""
    return int(checked(MovieId, name, value))


def _int_or_problem(raw: object, name: str) -> tuple[int | None, str | None]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    try:
        value = int(raw.strip()) if isinstance(raw, str) else raw
        return check_movie_id(value, name), None
    except (ValueError, InvalidInput):
        return None, f"{name} must be a positive integer, got {str(raw)[:40]!r}"


def _year(raw: object) -> int | None:
    text = str(raw or "").strip()[:4]
    return int(text) if text.isdigit() and MIN_YEAR <= int(text) <= MAX_YEAR else None


def _text(raw: object, limit: int = 200) -> str | None:
    text = " ".join(str(raw or "").split())
    return text[:limit] or None


def _row(line: int, values: Mapping[str, Any]) -> ImportRow:
    """A row from a mapping with any of movie_id / imdb_id / title / year."""
    movie_id, problem = _int_or_problem(values.get("movie_id"), "movie_id")
    imdb = _text(values.get("imdb_id"), 16)
    if imdb is not None:
        imdb = imdb.lower()
        if not _IMDB_ID.match(imdb):
            problem = problem or f"imdb_id must look like tt0133093, got {imdb!r}"
            imdb = None
    title = _text(values.get("title"))
    year = _year(values.get("year") or values.get("release_year"))
    if problem is None and movie_id is None and imdb is None and title is None:
        problem = "no movie_id, imdb_id or title"
    return ImportRow(line, movie_id, imdb, title, year, problem)


def _json_rows(content: str) -> list[ImportRow]:
    try:
        data = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput.field("content", f"not valid JSON ({exc})") from None
    if isinstance(data, dict):
        data = data.get("items")
    if not isinstance(data, list):
        raise InvalidInput.field("content", "expected a list of favorites or {'items': [...]}")
    rows = []
    for line, item in enumerate(data, start=1):
        if isinstance(item, dict):
            rows.append(_row(line, item))
        elif isinstance(item, int | str) and not isinstance(item, bool):
            rows.append(_row(line, {"movie_id": item}))
        else:
            rows.append(ImportRow(line, problem="expected a movie id or an object"))
    return rows


def _csv_records(
    content: str, required: Sequence[Sequence[str]]
) -> list[tuple[int, dict[str, str]]]:
    """CSV records keyed by lower-cased header, each with the file line it starts on.

    The header is line 1, so the first record is line 2 (what an editor shows); blank
    lines are skipped but counted, and a quoted field spanning lines counts them all.
    At least one of the ``required`` column sets must be in the header.
    """
    reader = csv.reader(io.StringIO(content.lstrip("\ufeff")))
    records: list[tuple[int, dict[str, str]]] = []
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        start = reader.line_num + 1
        for values in reader:
            if values:
                records.append((start, {k: v for k, v in zip(header, values, strict=False) if k}))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidInput.field("content", f"not valid CSV ({exc})") from None
    if not any(all(col in header for col in cols) for cols in required):
        wanted = " or ".join("+".join(cols) for cols in required)
        raise InvalidInput.field("content", f"CSV header must have {wanted} columns")
    return records


def _csv_rows(content: str) -> list[ImportRow]:
    records = _csv_records(content, [("movie_id",), ("title",), ("imdb_id",)])
    return [_row(line, rec) for line, rec in records]


def _letterboxd_rows(content: str) -> list[ImportRow]:
    records = _csv_records(content, [("name",)])
    return [
        _row(line, {"title": rec.get("name"), "year": rec.get("year")}) for line, rec in records
    ]


def _imdb_rows(content: str) -> list[ImportRow]:
    records = _csv_records(content, [("const",)])
    rows = []
    for line, rec in records:
        kind = rec.get("title type", "").replace(" ", "").lower()
        values = {
            "imdb_id": rec.get("const"),
            "title": rec.get("title"),
            "year": rec.get("year") or rec.get("release date"),
        }
        row = _row(line, values)
        if any(word in kind for word in _SKIPPED_IMDB_TYPES):
            row = ImportRow(line, title=row.title, year=row.year, problem=f"not a movie ({kind})")
        rows.append(row)
    return rows


_PARSERS = {
    "json": _json_rows,
    "csv": _csv_rows,
    "letterboxd": _letterboxd_rows,
    "imdb": _imdb_rows,
}


def parse_rows(content: str, format: ImportFormat) -> list[ImportRow]:
    """Every row of an import file; raises :class:`InvalidInput` for an unreadable file."""
    parser = _PARSERS.get(format)
    if parser is None:
        raise InvalidInput.field("format", f"must be one of {', '.join(_PARSERS)}")
    return parser(content)


def detect_format(content: str, filename: str | None = None) -> ImportFormat:
    """Guess an import file's format from its name and first line.

    ``.json`` (or text starting with ``[``/``{``) is JSON; a CSV header with ``Const`` is
    IMDb, with ``Name`` (and no ``movie_id``) Letterboxd; any other CSV is movierec's.
    """
    head = content.lstrip("\ufeff \t\r\n")
    if (filename or "").lower().endswith(".json") or head[:1] in ("[", "{"):
        return "json"
    header = {name.strip().lower() for name in head.split("\n", 1)[0].split(",")}
    if "const" in header:
        return "imdb"
    if "name" in header and "movie_id" not in header:
        return "letterboxd"
    return "csv"


def render_export(
    items: Iterable[FavoriteItem], format: ExportFormat, exported_at: datetime
) -> str:
    """The favorites as movierec's JSON or CSV export (both import back)."""
    if format == "json":
        document = FavoritesExport(exported_at=exported_at, items=list(items))
        return document.model_dump_json(indent=2) + "\n"
    if format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for item in items:
            writer.writerow(
                [
                    item.movie_id,
                    _csv_safe(item.title),
                    item.release_year or "",
                    item.added_at.isoformat(),
                    item.poster_url or "",
                ]
            )
        return out.getvalue()
    raise InvalidInput.field("format", "must be json or csv")


def _csv_safe(text: str) -> str:
    """Defuse spreadsheet formulas (CSV injection) in free text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
