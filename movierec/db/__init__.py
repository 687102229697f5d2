"""Storage: Tortoise ORM models, connection lifecycle and migrations."""

from movierec.db.database import Database
from movierec.db.failures import as_invalid_input, as_service_unavailable, is_connection_failure

__all__ = ["Database", "as_invalid_input", "as_service_unavailable", "is_connection_failure"]
