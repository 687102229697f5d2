"""Test helpers that ship with movierec: a TMDb-shaped server to test against.

::

    from movierec import MovieRec, Settings
    from movierec.testing import FakeTMDb

    async with FakeTMDb() as tmdb:
        settings = Settings(**tmdb.settings_overrides())
        async with MovieRec(settings) as mr:
            page = await mr.tmdb.trending("week")
        tmdb.fail_next(3, status=503)      # misbehave on demand
        assert tmdb.calls("/trending/movie/week") == 1

No Python-level mocking: your code talks HTTP to a real server on 127.0.0.1.
"""

from movierec.testing.fixtures import DEFAULT_MOVIES, GENRES, FakeMovie
from movierec.testing.server import FakeTMDb, LoggedRequest, tmdb_error

__all__ = ["DEFAULT_MOVIES", "GENRES", "FakeMovie", "FakeTMDb", "LoggedRequest", "tmdb_error"]
