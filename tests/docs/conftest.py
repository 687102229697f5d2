"""Documentation, README and deployment files stay true to the code.

Fixtures shared by every area live in ``tests/conftest.py``."""
