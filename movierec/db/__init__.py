"""Storage: Tortoise ORM models, connection lifecycle and migrations."""

from movierec.db.database import Database

__all__ = ["Database"]
