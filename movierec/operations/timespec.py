"""Parsing the ``since`` of admin queries: a relative span (``24h``) or a moment (ISO 8601)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from movierec.clock import Clock, utc_datetime
from movierec.errors import InvalidInput

__all__ = ["parse_since"]

_SPAN = re.compile(r"(\d{1,6})\s*([mhdw])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str | None, clock: Clock, *, field: str = "since") -> datetime | None:
    """``None``/empty: no bound. ``90m``, ``24h``, ``7d``, ``2w``: that long before now.

    Anything else must be an ISO 8601 date or date-time (UTC when no zone is given).
    Raises :class:`InvalidInput` naming ``field``.
    """
    if text is None or not text.strip():
        return None
    value = text.strip().lower()
    span = _SPAN.fullmatch(value)
    if span:
        amount, unit = int(span.group(1)), _UNITS[span.group(2)]
        return utc_datetime(clock) - timedelta(**{unit: amount})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput.field(
            field, "expected a span like 24h, 7d, 2w or an ISO date like 2026-01-31"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
