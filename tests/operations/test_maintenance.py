"""Pruning expired refresh tokens, old usage buckets and old audit events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from movierec import ManualClock
from movierec.db.models import ApiUsage, AuditEvent, LoginSession, Recommendation, RefreshToken
from tests.helpers.factories import stored_user

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


async def _token(user: Any, name: str, expires_at: datetime) -> None:
    await RefreshToken.create(
        user=user, token_hash=name.ljust(64, "0"), family_id=name, expires_at=expires_at
    )


async def test_prune_removes_only_expired_refresh_tokens(make_mr: Any) -> None:
    mr = await make_mr(clock=ManualClock(NOW.timestamp()))
    user = await stored_user("alice")
    await _token(user, "old", NOW - timedelta(seconds=1))
    await _token(user, "live", NOW + timedelta(days=1))
    assert await mr.maintenance.prune_refresh_tokens() == 1
    assert [t.family_id for t in await RefreshToken.all()] == ["live"]


async def test_prune_keeps_usage_and_audit_inside_their_retention(make_mr: Any) -> None:
    mr = await make_mr(
        clock=ManualClock(NOW.timestamp()), usage_retention_days=30, audit_retention_days=90
    )
    for days in (31, 29):
        await ApiUsage.create(
            bucket=NOW - timedelta(days=days), endpoint="search", status_class="2xx"
        )
    for days in (91, 89):
        event = await AuditEvent.create(action="login")
        event.created_at = NOW - timedelta(days=days)
        await event.save(update_fields=["created_at"])
    report = await mr.maintenance.prune()
    assert (report.refresh_tokens, report.usage_buckets, report.audit_events) == (0, 1, 1)
    assert report.total == 2
    assert await ApiUsage.all().count() == 1
    assert await AuditEvent.all().count() == 1


async def test_the_prune_job_reports_what_it_removed(make_mr: Any) -> None:
    mr = await make_mr(clock=ManualClock(NOW.timestamp()))
    user = await stored_user("bob")
    await _token(user, "gone", NOW - timedelta(days=1))
    result = await mr.jobs.run("prune")
    assert result.job == "prune"
    assert result.result == {
        "refresh_tokens": 1,
        "usage_buckets": 0,
        "audit_events": 0,
        "sessions": 0,
        "login_locks": 0,
        "serving_log": 0,
    }


async def test_prune_keeps_the_serving_log_and_sessions_inside_their_retention(
    make_mr: Any,
) -> None:
    mr = await make_mr(clock=ManualClock(NOW.timestamp()), recommendation_log_retention_days=30)
    user = await stored_user("carol")
    for days in (31, 29):
        row = await Recommendation.create(user=user, movie_id=days, score=1.0, reason="r")
        row.created_at = NOW - timedelta(days=days)
        await row.save(update_fields=["created_at"])
    ttl = mr.settings.access_token_ttl
    for name, expires, revoked in [
        ("expired", NOW - timedelta(seconds=1), None),
        ("revoked-long-ago", NOW + timedelta(days=1), NOW - timedelta(seconds=ttl + 1)),
        ("revoked-recently", NOW + timedelta(days=1), NOW - timedelta(seconds=ttl - 60)),
        ("live", NOW + timedelta(days=1), None),
    ]:
        await LoginSession.create(id=name, user=user, expires_at=expires, revoked_at=revoked)
    report = await mr.maintenance.prune()
    assert (report.serving_log, report.sessions) == (1, 2)
    assert [r.movie_id for r in await Recommendation.all()] == [29]
    kept = sorted(s.id for s in await LoginSession.all())
    assert kept == ["live", "revoked-recently"]
