"""One database connection set per :class:`~movierec.MovieRec`, in its own Tortoise context.

Tortoise 1.x keeps connections in a ``TortoiseContext`` found through a context variable.
Each ``Database`` owns its context, so two ``MovieRec`` instances in one process (tests,
or an app talking to two databases) never share connections. :meth:`Database.activate`
makes the context current in a task that did not inherit it (a server's request task).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from tortoise.context import TortoiseContext, _current_context
from tortoise.migrations.executor import MigrationExecutor

from movierec.boundary import classify_error
from movierec.db.locks import migration_lock, sqlite_path
from movierec.errors import ServiceUnavailable

__all__ = ["Database", "migrate_database"]

APP_LABEL = "models"
MODELS_MODULE = "movierec.db.models"
MIGRATIONS_MODULE = "movierec.db.migrations"


def connection_name(url: str) -> str:
    """The connection label: one per SQL dialect.

    Tortoise caches generated SQL per (connection label, table), process-wide; naming
    the connection after its dialect keeps a SQLite and a PostgreSQL instance in one
    process from reusing each other's statements.
    """
    return "sqlite" if url.startswith("sqlite://") else "postgres"


def tortoise_config(url: str) -> dict[str, Any]:
    """The Tortoise config dict for one database URL."""
    name = connection_name(url)
    return {
        "connections": {name: url},
        "apps": {
            APP_LABEL: {
                "models": [MODELS_MODULE],
                "default_connection": name,
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


class Database:
    """Opens, migrates, checks and closes the database behind one ``MovieRec``."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.kind = "sqlite" if url.startswith("sqlite://") else "postgres"
        self._context = TortoiseContext()
        self._opened = False

    async def open(self, *, migrate: bool = True) -> None:
        """Connect, and bring the schema up to date when ``migrate`` is true."""
        if self.kind == "sqlite":
            path = sqlite_path(self.url)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
        with self.activate():
            try:
                await self._context.init(config=tortoise_config(self.url))
                self._opened = True
                # Connections are lazy: a trivial query proves the database answers.
                await self._context.db(self.kind).execute_query("SELECT 1")
                if migrate:
                    await self.migrate()
            except BaseException as exc:
                await self.close()
                failure = classify_error(exc) if isinstance(exc, Exception) else None
                if failure is None or failure is exc:
                    raise
                raise ServiceUnavailable(f"cannot open the database: {exc}") from exc

    async def migrate(self) -> list[str]:
        """Apply pending migrations; returns the names of those applied.

        Holds the database's migration lock, so concurrent migrators (workers, hosts,
        a CLI) apply each migration once; the others wait and find nothing pending.
        """
        applied: list[str] = []

        def progress(event: str, app_label: str, name: str) -> None:
            if event.endswith("done") or event == "apply_success":
                applied.append(name)

        with self.activate():
            connection = self._context.db(self.kind)
            apps = tortoise_config(self.url)["apps"]
            async with migration_lock(self.url, connection):
                executor = MigrationExecutor(connection, apps)
                await executor.migrate(None, progress=progress)
        return applied

    async def pending_migrations(self) -> list[str]:
        """Names of the migrations not yet applied."""
        with self.activate():
            connection = self._context.db(self.kind)
            executor = MigrationExecutor(connection, tortoise_config(self.url)["apps"])
            plan = await executor.plan(None)
        return [step.migration.name for step in plan]

    @contextlib.contextmanager
    def activate(self) -> Iterator[None]:
        """Make this database's Tortoise context current for the enclosed code."""
        token = _current_context.set(self._context)
        try:
            yield
        finally:
            _current_context.reset(token)

    def enter(self) -> None:
        """Make this database current in the running task until it ends (no reset)."""
        _current_context.set(self._context)

    def connection(self) -> Any:
        """The Tortoise client of this database's connection (for raw SQL and transactions)."""
        return self._context.db(self.kind)

    def model_tables(self) -> list[str]:
        """Table names of every movierec model."""
        apps = self._context.apps
        if apps is None:
            return []
        return [model._meta.db_table for model in apps.get_models_iterable()]

    async def ping(self) -> bool:
        """True when a trivial query succeeds."""
        if not self._opened:
            return False
        try:
            with self.activate():
                await self._context.db(self.kind).execute_query("SELECT 1")
        except Exception:
            return False
        return True

    async def close(self) -> None:
        """Close every connection (idempotent)."""
        if self._opened:
            with self.activate():
                await self._context.close_connections()
            self._opened = False


async def migrate_database(url: str) -> None:
    """Bring the schema at ``url`` up to date, then close: what a supervisor runs once
    before any worker opens the database."""
    database = Database(url)
    await database.open(migrate=True)
    await database.close()
