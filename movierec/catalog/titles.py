"""MovieLens titles to display titles, and the folded form search compares.

MovieLens writes ``"Matrix, The (1999)"`` and ``"City of Lost Children, The (Cité des
enfants perdus, La) (1995)"``: a trailing year, a trailing alternative (often original
language) title, and articles moved to the end. :func:`parse_movielens_title` undoes
all three.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from unidecode import unidecode

__all__ = ["ParsedTitle", "fold", "move_article_front", "parse_movielens_title", "search_key"]

_YEAR = re.compile(r"^(?P<rest>.*?)\s*\((?P<year>\d{4})(?:\s*[-\u2013]\s*(?:\d{4})?)?\)\s*$")
_ALTERNATIVE = re.compile(r"^(?P<rest>.+?)\s*\((?P<alt>[^()]+)\)\s*$")
_ARTICLES = "The|A|An|Les|La|Le|L'|Il|El|Der|Die|Das|Los|Las|Une|Un|Den|Det|De|Het|Gli|Lo|Os|As|O"
_TRAILING_ARTICLE = re.compile(rf"^(?P<rest>.+),\s*(?P<article>{_ARTICLES})$", re.IGNORECASE)
_APOSTROPHES = re.compile("['\u2019`\u00b4]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class ParsedTitle:
    """A MovieLens title taken apart."""

    title: str
    year: int | None
    original_title: str | None


def move_article_front(title: str) -> str:
    """``"Matrix, The"`` -> ``"The Matrix"``, ``"Avventura, L'"`` -> ``"L'Avventura"``."""
    match = _TRAILING_ARTICLE.match(title.strip())
    if match is None:
        return title.strip()
    article = match["article"]
    joiner = "" if article.endswith("'") else " "
    return f"{article}{joiner}{match['rest'].strip()}"


def parse_movielens_title(raw: str) -> ParsedTitle:
    """Split a MovieLens title into display title, year and alternative title."""
    text = raw.strip()
    year: int | None = None
    match = _YEAR.match(text)
    if match is not None:
        text, year = match["rest"], int(match["year"])
    original: str | None = None
    match = _ALTERNATIVE.match(text)
    if match is not None:
        alt = match["alt"].strip()
        text = match["rest"]
        alt = re.sub(r"^a\.k\.a\.\s*", "", alt, flags=re.IGNORECASE)
        original = move_article_front(alt) or None
    title = move_article_front(text) or raw.strip()
    return ParsedTitle(title=title, year=year, original_title=original)


def search_key(title: str, original_title: str | None = None) -> str:
    """What catalog search matches: the folded title, then the folded original title.

    One line per title (``"amelie\\nle fabuleux destin d amelie poulain"``), so
    "Le Fabuleux destin d'Amélie Poulain" finds Amélie; ranking scores each line.
    """
    keys = [fold(title)]
    if original_title and fold(original_title) not in keys:
        keys.append(fold(original_title))
    return "\n".join(keys)[:512]


def fold(text: str) -> str:
    """Accent-free, lower-case, punctuation-free form: ``"Amélie"`` -> ``"amelie"``.

    Both stored titles (``Movie.search_title``) and queries go through it, so search is
    case- and accent-insensitive and ``"spider man"`` meets ``"Spider-Man"``.
    """
    ascii_text = unidecode(_APOSTROPHES.sub("", text)).lower()
    ascii_text = _APOSTROPHES.sub("", ascii_text)
    return _NOT_WORD.sub(" ", ascii_text).strip()
