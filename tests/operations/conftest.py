"""Operations: usage accounting, monitoring, jobs, maintenance and notifications.

Fixtures shared by every area live in ``tests/conftest.py``."""
