"""The offline catalog: MovieLens imported into the local database, served like TMDb.

Used when no TMDb credential is configured (and as the recommender's rating prior).
Names resolve on first use (PEP 562): the genre tables load without the importer.
"""

import typing

from movierec._lazy import lazy_names as _lazy_names

if typing.TYPE_CHECKING:
    from movierec.catalog.download import fetch_movielens, movielens_folder
    from movierec.catalog.errors import CatalogEmpty
    from movierec.catalog.genres import MOVIELENS_TO_TMDB, TMDB_GENRES
    from movierec.catalog.importer import CatalogImportReport
    from movierec.catalog.provider import CatalogProvider
    from movierec.catalog.service import Catalog

__all__ = [
    "MOVIELENS_TO_TMDB",
    "TMDB_GENRES",
    "Catalog",
    "CatalogEmpty",
    "CatalogImportReport",
    "CatalogProvider",
    "fetch_movielens",
    "movielens_folder",
]

_WHERE = {
    "MOVIELENS_TO_TMDB": "movierec.catalog.genres",
    "TMDB_GENRES": "movierec.catalog.genres",
    "Catalog": "movierec.catalog.service",
    "CatalogEmpty": "movierec.catalog.errors",
    "CatalogImportReport": "movierec.catalog.importer",
    "CatalogProvider": "movierec.catalog.provider",
    "fetch_movielens": "movierec.catalog.download",
    "movielens_folder": "movierec.catalog.download",
}

__getattr__, __dir__ = _lazy_names(__name__, _WHERE)
