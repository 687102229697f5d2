"""Admins watch TMDb usage and read the audit log, over HTTP and the library.

Tests that only read or are refused (``@shared``) share one ``MovieRec`` and app per backend
for the module (``module_mr``, ``module_app``); tests that write what they then count (audit
entries, TMDb traffic) or need their own settings or clock keep their own.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sanic import Sanic

from movierec import Forbidden, InvalidInput, ManualClock, MovieRec
from movierec.clock import utc_datetime
from movierec.operations.timespec import parse_since
from movierec.testing import FakeTMDb
from movierec.types import Principal
from movierec_server import create_app
from tests.helpers.factories import bearer, signed_in, signed_in_admin


def endpoint_of(path: str) -> str:
    """The usage endpoint template of a path the fake TMDb server logged."""
    path = re.sub(r"^/trending/movie/(day|week)$", "/trending/movie/{window}", path)
    return re.sub(r"/\d+", "/{id}", path)


def fake_counts(fake: FakeTMDb) -> Counter[str]:
    return Counter(endpoint_of(request.path) for request in fake.requests)


async def some_tmdb_traffic(mr: MovieRec, fake: FakeTMDb) -> None:
    """A few logical calls, one of them retried after a 503."""
    assert mr.tmdb is not None
    week = await mr.tmdb.trending("week")
    await mr.tmdb.trending("day")
    await mr.tmdb.search("the")
    fake.fail_next(1, status=503)
    await mr.tmdb.search("a")
    await mr.tmdb.details(week.items[0].id)


#: Tests on the module's shared ``MovieRec`` and app (they run in the module's event loop).
shared = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
async def tmdb_mr(make_mr: Any, fake_tmdb: FakeTMDb) -> MovieRec:
    from tests.conftest import fast_retries

    mr: MovieRec = await make_mr(**fake_tmdb.settings_overrides(), **fast_retries())
    return mr


async def test_usage_counts_match_the_tmdb_servers_own_request_log(
    tmdb_mr: MovieRec, fake_tmdb: FakeTMDb
) -> None:
    await some_tmdb_traffic(tmdb_mr, fake_tmdb)
    pair, _ = await signed_in_admin(tmdb_mr)
    app = create_app(movierec=tmdb_mr)
    _, response = await app.asgi_client.get(
        "/admin/usage?since=1h&bucket=hour", headers=bearer(pair.access_token)
    )
    assert response.status == 200, response.json
    totals = {row["endpoint"]: row for row in response.json["endpoints"]}
    requests = fake_counts(fake_tmdb)
    assert set(requests) == set(totals)
    for endpoint, sent in requests.items():
        row = totals[endpoint]
        assert row["calls"] + row["retries"] == sent, endpoint
    search = totals["/search/movie"]
    assert (search["calls"], search["retries"], search["status"]) == (2, 1, {"2xx": 2})
    assert totals["/trending/movie/{window}"]["calls"] == 2
    assert totals["/movie/{id}"]["latency_p50_ms"] is not None
    assert {row["bucket"] for row in response.json["rows"]} != {None}


async def test_usage_is_for_admins_only(tmdb_mr: MovieRec) -> None:
    pair = await signed_in(tmdb_mr, "pleb")
    app = create_app(movierec=tmdb_mr)
    _, anonymous = await app.asgi_client.get("/admin/usage")
    _, user = await app.asgi_client.get("/admin/usage", headers=bearer(pair.access_token))
    assert anonymous.status == 401
    assert user.status == 403


@pytest.mark.parametrize(
    ("query", "field"), [("since=yesterday", "since"), ("bucket=week", "bucket")]
)
@shared
async def test_bad_usage_queries_name_the_parameter(
    module_mr: MovieRec, module_app: Sanic[Any, Any], query: str, field: str
) -> None:
    pair, _ = await signed_in_admin(module_mr)
    _, response = await module_app.asgi_client.get(
        f"/admin/usage?{query}", headers=bearer(pair.access_token)
    )
    assert response.status == 400
    assert field in response.json["error"]["details"]["fields"]


@shared
async def test_metrics_need_an_admin_token(
    module_mr: MovieRec, module_app: Sanic[Any, Any]
) -> None:
    pair, _ = await signed_in_admin(module_mr)
    user = await signed_in(module_mr, "pleb")
    client = module_app.asgi_client
    _, anonymous = await client.get("/metrics")
    _, plain = await client.get("/metrics", headers=bearer(user.access_token))
    _, admin = await client.get("/metrics", headers=bearer(pair.access_token))
    assert (anonymous.status, plain.status, admin.status) == (401, 403, 200)
    assert "movierec_http_requests_total" in admin.text


async def test_who_may_read_metrics_is_the_librarys_rule(make_mr: Any) -> None:
    asked: list[str] = []

    def viewer(role: str) -> Any:
        async def verify() -> Principal:
            asked.append(role)
            return Principal(user_id=1, username=role, role=role)

        return verify

    private = (await make_mr()).monitoring
    await private.check_metrics_reader(viewer("admin"))
    with pytest.raises(Forbidden):
        await private.check_metrics_reader(viewer("user"))
    public = (await make_mr(metrics_public=True)).monitoring
    await public.check_metrics_reader(viewer("user"))
    assert asked == ["admin", "user"]  # a public scrape verifies no token


async def test_the_audit_log_shows_logins_newest_first_with_names(mr: MovieRec) -> None:
    await signed_in(mr, "alice")
    with pytest.raises(Exception):  # noqa: B017 - a failed login is audited too
        await mr.auth.login("alice", "wrong password here")
    _, admin = await signed_in_admin(mr)
    page = await mr.audit.search(admin, action="login")
    assert page.total == len(page.items) >= 3
    assert [e.created_at for e in page.items] == sorted(
        (e.created_at for e in page.items), reverse=True
    )
    failed = await mr.audit.search(admin, action="login", success=False)
    assert failed.total == 1
    assert "password" not in str(failed.items[0].details).lower()
    by_alice = await mr.audit.search(admin, actor="Alice")
    assert by_alice.total >= 1
    assert {e.actor for e in by_alice.items} == {"alice"}
    assert (await mr.audit.search(admin, actor="nobody-here")).total == 0


async def test_the_audit_log_pages_and_filters_by_time(make_mr: Any) -> None:
    clock = ManualClock(1_800_000_000.0)
    mr = await make_mr(clock=clock)
    _, admin = await signed_in_admin(mr)
    for number in range(5):
        clock.advance(3600)
        await mr.audit.record("import", actor_id=admin.user_id, details={"n": number})
    first = await mr.audit.search(admin, action="import", page=1, size=2)
    third = await mr.audit.search(admin, action="import", page=3, size=2)
    assert (first.page, first.size, first.total, first.total_pages) == (1, 2, 5, 3)
    assert [e.details["n"] for e in first.items] == [4, 3]
    assert [e.details["n"] for e in third.items] == [0]
    recent = await mr.audit.search(admin, action="import", since=parse_since("90m", clock))
    assert [e.details["n"] for e in recent.items] == [4, 3]


@shared
async def test_the_audit_log_is_for_admins_only(module_mr: MovieRec) -> None:
    viewer = Principal(user_id=1, username="pleb", role="user")
    with pytest.raises(Forbidden):
        await module_mr.audit.search(viewer)


async def test_the_audit_route_filters_and_refuses_non_admins(mr: MovieRec) -> None:
    await signed_in(mr, "alice")
    user = await signed_in(mr, "bob")
    pair, _ = await signed_in_admin(mr)
    app = create_app(movierec=mr)
    headers = bearer(pair.access_token)
    _, response = await app.asgi_client.get(
        "/admin/audit?action=login&actor=alice&since=1h&size=10", headers=headers
    )
    assert response.status == 200, response.json
    body = response.json
    assert body["total"] >= 1
    assert {item["actor"] for item in body["items"]} == {"alice"}
    assert {item["action"] for item in body["items"]} == {"login"}
    _, refused = await app.asgi_client.get("/admin/audit", headers=bearer(user.access_token))
    assert refused.status == 403
    _, bad = await app.asgi_client.get("/admin/audit?success=maybe", headers=headers)
    assert bad.status == 400
    _, old_name = await app.asgi_client.get("/admin/audit?action=login&per_page=1", headers=headers)
    assert old_name.status == 200, old_name.json
    assert (old_name.json["size"], len(old_name.json["items"])) == (1, 1)


def test_since_accepts_spans_and_iso_dates() -> None:
    clock = ManualClock(1_800_000_000.0)
    now = utc_datetime(clock)
    assert parse_since("24h", clock) == now - timedelta(hours=24)
    assert parse_since("2w", clock) == now - timedelta(weeks=2)
    assert parse_since(None, clock) is None
    assert parse_since("2026-01-31", clock) is not None
    assert parse_since("2026-01-31", clock).tzinfo is not None  # type: ignore[union-attr]
    with pytest.raises(InvalidInput):
        parse_since("last tuesday", clock)


@shared
async def test_usage_viewing_is_refused_to_plain_users_in_the_library(module_mr: MovieRec) -> None:
    with pytest.raises(Forbidden):
        await module_mr.monitoring.usage(Principal(user_id=1, username="u"))


@pytest.mark.parametrize("field", ["action", "actor"])
@shared
async def test_audit_filters_with_nul_bytes_are_invalid_input(
    module_mr: MovieRec, field: str
) -> None:
    _, admin = await signed_in_admin(module_mr)
    filters: dict[str, Any] = {field: "lo\x00gin"}
    with pytest.raises(InvalidInput):
        await module_mr.audit.search(admin, **filters)
