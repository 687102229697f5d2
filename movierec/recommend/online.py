"""Online evaluation: did people favorite what they were shown, compared with a popularity control.

For each UTC day of the serving log (``Recommendation`` rows), a *served pair* is a
(user, movie) shown that day, counted once a day at its first showing ``t``. It is a hit
when the user has the movie among their favorites with ``t <= favorited_at <= t + window``.
The day's share is hits / served pairs.

The **popularity control** asks what a most-popular list would have earned from the same
users on the same days: for each user served on day ``d``, the ``n`` most popular movies
(``n`` = movies served to them that day; popularity = positive MovieLens ratings plus
favorites made before ``d``, ties by id), minus what they had already favorited at their
first showing ``t``, and hits counted the same way. It is observational, not an A/B test:
people never saw the control lists, so it measures what they would have favorited anyway,
and a recommender worth serving should beat it.

Favorites removed since are not seen (the log keeps what is, not what was). Days whose
window has not yet passed are reported with ``complete = false`` and left out of totals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import Any

import numpy as np
from tortoise.functions import Count

from movierec.db.models import CatalogRating, Favorite, Recommendation
from movierec.errors import InvalidInput
from movierec.recommend.types import QualityDay, QualityReport, QualityTally

__all__ = ["MAX_DAYS", "online_quality"]

MAX_DAYS = 366
_CHUNK = 500
Pair = tuple[int, int]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _within(liked: datetime | None, shown: datetime, span: timedelta) -> bool:
    return liked is not None and shown <= liked <= shown + span


def _before(liked: datetime | None, moment: datetime) -> bool:
    return liked is not None and liked < moment


def _chunks(values: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])


async def _favorites_of(users: Sequence[int]) -> dict[Pair, datetime]:
    found: dict[Pair, datetime] = {}
    for chunk in _chunks(users):
        rows = await Favorite.filter(user_id__in=chunk).values_list(
            "user_id", "movie_id", "created_at"
        )
        for user, movie, at in rows:
            found[(int(user), int(movie))] = at
    return found


async def _counts(query: Any) -> dict[int, int]:
    rows = await query.annotate(n=Count("id")).group_by("movie_id").values_list("movie_id", "n")
    return {int(movie): int(n) for movie, n in rows}


class _Popularity:
    """Movie popularity day by day: a base count plus favorites made before each day."""

    def __init__(self, base: dict[int, int], later: list[tuple[int, datetime]]) -> None:
        ids = sorted(set(base) | {m for m, _ in later})
        self.ids = np.asarray(ids, dtype=np.int64)
        self._at = {m: i for i, m in enumerate(ids)}
        self.counts = np.asarray([base.get(m, 0) for m in ids], dtype=np.int64)
        self._later = sorted(later, key=lambda row: row[1])
        self._next = 0

    def ranked(self, before: datetime) -> list[int]:
        """Movie ids, most popular first, counting favorites made before ``before``."""
        while self._next < len(self._later) and self._later[self._next][1] < before:
            self.counts[self._at[self._later[self._next][0]]] += 1
            self._next += 1
        order = np.lexsort((self.ids, -self.counts))
        return [int(m) for m in self.ids[order]]


async def _first_showings(start: datetime) -> dict[tuple[int, int, date], datetime]:
    """(user, movie, UTC day) -> first time shown that day, for showings since ``start``."""
    shown: dict[tuple[int, int, date], datetime] = {}
    rows = await Recommendation.filter(created_at__gte=start).values_list(
        "user_id", "movie_id", "created_at"
    )
    for user, movie, at in rows:
        key = (int(user), int(movie), at.astimezone(UTC).date())
        if key not in shown or at < shown[key]:
            shown[key] = at
    return shown


async def _popularity(start: datetime) -> _Popularity:
    """Positive ratings plus favorites before ``start``, then day by day after it."""
    base = await _counts(CatalogRating.filter(rating__gte=4.0))
    for movie, n in (await _counts(Favorite.filter(created_at__lt=start))).items():
        base[movie] = base.get(movie, 0) + n
    later = await Favorite.filter(created_at__gte=start).values_list("movie_id", "created_at")
    return _Popularity(base, [(int(m), at) for m, at in later])


async def online_quality(now: datetime, *, days: int = 30, window: int = 7) -> QualityReport:
    """The report for the ``days`` UTC days up to ``now`` (see the module docstring)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise InvalidInput.field("days", f"must be an integer between 1 and {MAX_DAYS}")
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= 90:
        raise InvalidInput.field("window", "must be an integer between 1 and 90")
    until = now.astimezone(UTC).date()
    since = until - timedelta(days=days - 1)
    start = _midnight(since)
    span = timedelta(days=window)
    shown = await _first_showings(start)
    favorites = await _favorites_of(sorted({u for u, _, _ in shown}))
    lists: dict[date, dict[int, list[datetime]]] = defaultdict(lambda: defaultdict(list))
    hits: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for (user, movie, day), at in shown.items():
        lists[day][user].append(at)
        hits[day][0] += 1
        hits[day][1] += int(_within(favorites.get((user, movie)), at, span))
    popularity = await _popularity(start)
    control: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day in sorted(lists):
        ranked = popularity.ranked(_midnight(day))
        for user, times in lists[day].items():
            first = min(times)
            fresh = (m for m in ranked if not _before(favorites.get((user, m)), first))
            picked = list(islice(fresh, len(times)))
            control[day][0] += len(picked)
            control[day][1] += sum(_within(favorites.get((user, m)), first, span) for m in picked)
    rows = []
    for offset in range(days):
        day = since + timedelta(days=offset)
        rows.append(
            QualityDay(
                day=day,
                complete=_midnight(day + timedelta(days=1)) + span <= now,
                tally=QualityTally.of(*hits.get(day, [0, 0]), *control.get(day, [0, 0])),
            )
        )
    done = [r.tally for r in rows if r.complete]
    return QualityReport(
        window_days=window,
        since=since,
        until=until,
        days=rows,
        totals=QualityTally.of(
            sum(t.served for t in done),
            sum(t.favorited for t in done),
            sum(t.control_served for t in done),
            sum(t.control_favorited for t in done),
        ),
    )
