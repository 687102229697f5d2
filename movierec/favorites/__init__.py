"""Favorites: a user's favorite movies (``mr.favorites``), with import and export."""

from movierec.favorites.formats import detect_format
from movierec.favorites.service import Favorites
from movierec.favorites.types import (
    ExportFormat,
    FavoriteItem,
    FavoriteResult,
    FavoritesExport,
    FavoritesPage,
    ImportCandidate,
    ImportFormat,
    ImportIssue,
    ImportMatch,
    ImportReport,
    TitleMatch,
)

__all__ = [
    "ExportFormat",
    "FavoriteItem",
    "FavoriteResult",
    "Favorites",
    "FavoritesExport",
    "FavoritesPage",
    "ImportCandidate",
    "ImportFormat",
    "ImportIssue",
    "ImportMatch",
    "ImportReport",
    "TitleMatch",
    "detect_format",
]
