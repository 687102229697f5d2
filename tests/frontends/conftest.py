"""The frontends themselves: server basics, security, process management, CLI basics.

Fixtures shared by every area live in ``tests/conftest.py``."""
