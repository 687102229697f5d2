"""Favorites: add, list, import and export, over the library, HTTP and CLI.

Fixtures shared by every area live in ``tests/conftest.py``."""
