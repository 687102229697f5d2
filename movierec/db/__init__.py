"""Storage: Tortoise ORM models, connection lifecycle and migrations.

Database failures are translated for callers by :mod:`movierec.boundary`, not here.
"""

from movierec.db.database import Database, migrate_database

__all__ = ["Database", "migrate_database"]
