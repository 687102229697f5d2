"""Accounts: registration, passwords, tokens, sessions, profiles, over the library, HTTP and CLI.

Fixtures shared by every area live in ``tests/conftest.py``."""
