"""The offline catalog: MovieLens imported into the local database, served like TMDb.

Used when no TMDb credential is configured (and as the recommender's rating prior).
"""

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
