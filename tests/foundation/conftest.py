"""Foundation: settings, the database, the cache, rate limits, the error boundary, the public API.

Fixtures shared by every area live in ``tests/conftest.py``."""
