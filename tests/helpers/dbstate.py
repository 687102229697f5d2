"""Fingerprints of a whole PostgreSQL database, to prove a request changed nothing.

The audit log is left out: recording refused requests (failed logins) is its job.
"""

from __future__ import annotations

import asyncio

import asyncpg

# Logs and security state that a refused request legitimately writes to (a failed login is
# audited and may lock the account, a TMDb call is counted); everything else must stay
# byte-for-byte the same.
LOGS = ("audit_events", "api_usage", "login_locks")
TABLES = """
SELECT tablename FROM pg_tables
WHERE schemaname = 'public' AND tablename NOT LIKE 'tortoise%'
  AND tablename <> 'audit_events'
ORDER BY tablename
"""
ROWS = """
SELECT count(*) AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h
FROM "{table}" t
"""


async def fingerprint_async(dsn: str) -> dict[str, tuple[int, str]]:
    """``{table: (row count, md5 of every row)}`` for every table but the :data:`LOGS`."""
    conn = await asyncpg.connect(dsn)
    try:
        tables = [row["tablename"] for row in await conn.fetch(TABLES)]
        tables = [table for table in tables if table not in LOGS]
        result: dict[str, tuple[int, str]] = {}
        for table in tables:
            row = await conn.fetchrow(ROWS.format(table=table))
            result[table] = (int(row["n"]), str(row["h"]))
        return result
    finally:
        await conn.close()


def fingerprint(dsn: str) -> dict[str, tuple[int, str]]:
    """Synchronous :func:`fingerprint_async`."""
    return asyncio.run(fingerprint_async(dsn))
