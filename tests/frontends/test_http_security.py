"""API security middleware: headers, HTTPS enforcement, CORS, rate limits."""

from __future__ import annotations

from typing import Any

import pytest
from sanic import Sanic

from movierec_server import create_app
from tests.conftest import MakeMovieRec
from tests.helpers.factories import bearer, client_from, signed_in


@pytest.fixture(scope="module")
def app(module_app: Sanic[Any, Any]) -> Sanic[Any, Any]:
    """One app per backend for the tests that only read; they run in the module's loop."""
    return module_app


#: The tests on the shared ``app`` (built once per module and backend).
shared_app = pytest.mark.asyncio(loop_scope="module")


async def _app(make_mr: MakeMovieRec, **overrides: Any) -> Sanic[Any, Any]:
    return create_app(movierec=await make_mr(**overrides))


@shared_app
@pytest.mark.parametrize("path", ["/health", "/no/such/route", "/auth/login"])
async def test_every_reply_carries_the_security_headers(app: Sanic[Any, Any], path: str) -> None:
    _, reply = await app.asgi_client.get(path)
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["x-frame-options"] == "DENY"
    assert reply.headers["referrer-policy"] == "no-referrer"
    assert reply.headers["content-security-policy"].startswith("default-src 'none'")
    assert "strict-transport-security" not in reply.headers  # plain HTTP


@shared_app
async def test_the_docs_page_gets_a_csp_that_allows_only_its_own_scripts(
    app: Sanic[Any, Any],
) -> None:
    _, reply = await app.asgi_client.get("/docs")
    assert reply.status == 200
    csp = reply.headers["content-security-policy"]
    assert "script-src 'self';" in csp
    assert "https:" not in csp
    assert "frame-ancestors 'none'" in csp


@shared_app
async def test_hsts_is_sent_on_https_replies(app: Sanic[Any, Any]) -> None:
    _, reply = await app.asgi_client.get("https://mockserver/health")
    assert reply.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


async def test_force_https_redirects_plain_http_reads(make_mr: MakeMovieRec) -> None:
    app = await _app(make_mr, force_https=True)
    _, reply = await app.asgi_client.get("/me?x=1", follow_redirects=False)
    assert reply.status == 301
    assert reply.headers["location"] == "https://mockserver/me?x=1"


async def test_force_https_refuses_plain_http_writes(make_mr: MakeMovieRec) -> None:
    app = await _app(make_mr, force_https=True)
    _, reply = await app.asgi_client.post("/auth/login", json={"username": "a", "password": "b"})
    assert reply.status == 403
    assert reply.json["error"]["code"] == "https_required"


async def test_force_https_lets_https_and_health_probes_through(make_mr: MakeMovieRec) -> None:
    app = await _app(make_mr, force_https=True)
    _, secure = await app.asgi_client.get("https://mockserver/docs/openapi.json")
    assert secure.status == 200
    _, probe = await app.asgi_client.get("/health")
    assert probe.status == 200


async def test_a_trusted_proxy_saying_https_is_believed(make_mr: MakeMovieRec) -> None:
    app = await _app(make_mr, force_https=True, trusted_proxies=("10.0.0.0/8",))
    proxy = client_from(app, "10.1.2.3")
    _, reply = await proxy.get("/openapi.json", headers={"X-Forwarded-Proto": "https"})
    assert reply.status == 200
    assert "strict-transport-security" in reply.headers
    _, plain = await proxy.get(
        "/openapi.json", headers={"X-Forwarded-Proto": "http"}, follow_redirects=False
    )
    assert plain.status == 301


async def test_an_untrusted_peer_cannot_claim_https(make_mr: MakeMovieRec) -> None:
    app = await _app(make_mr, force_https=True, trusted_proxies=("10.0.0.0/8",))
    outsider = client_from(app, "192.0.2.50")
    _, reply = await outsider.get(
        "/openapi.json", headers={"X-Forwarded-Proto": "https"}, follow_redirects=False
    )
    assert reply.status == 301
    _, write = await outsider.post("/auth/login", headers={"X-Forwarded-Proto": "https"}, json={})
    assert write.status == 403


async def test_a_forged_host_header_is_not_redirected_to(make_mr: MakeMovieRec) -> None:
    app = await _app(make_mr, force_https=True)
    _, reply = await app.asgi_client.get(
        "/me", headers={"Host": "evil.example/path?"}, follow_redirects=False
    )
    assert reply.status == 400


async def test_cors_answers_a_preflight_from_a_configured_origin(make_mr: MakeMovieRec) -> None:
    app = await _app(make_mr, cors_origins=("https://app.example",))
    _, reply = await app.asgi_client.options(
        "/me",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "PATCH"},
    )
    assert reply.status == 204
    assert reply.headers["access-control-allow-origin"] == "https://app.example"
    assert "PATCH" in reply.headers["access-control-allow-methods"]
    assert "Authorization" in reply.headers["access-control-allow-headers"]
    assert "access-control-allow-credentials" not in reply.headers
    _, get = await app.asgi_client.get("/health", headers={"Origin": "https://app.example"})
    assert get.headers["access-control-allow-origin"] == "https://app.example"
    assert "RateLimit-Remaining" in get.headers["access-control-expose-headers"]
    assert "Origin" in get.headers["vary"]


async def test_cors_refuses_other_origins(make_mr: MakeMovieRec) -> None:
    app = await _app(make_mr, cors_origins=("https://app.example",))
    _, reply = await app.asgi_client.options(
        "/me",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert reply.status == 403
    assert "access-control-allow-origin" not in reply.headers
    _, get = await app.asgi_client.get("/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in get.headers


@shared_app
async def test_without_configured_origins_no_cors_headers_are_sent(app: Sanic[Any, Any]) -> None:
    _, get = await app.asgi_client.get("/health", headers={"Origin": "https://app.example"})
    assert "access-control-allow-origin" not in get.headers


@shared_app
async def test_every_reply_carries_rate_limit_headers(app: Sanic[Any, Any]) -> None:
    _, first = await app.asgi_client.get("/health")
    _, second = await app.asgi_client.get("/no/such/route")
    assert first.headers["ratelimit-limit"] == "120"
    assert (
        int(second.headers["ratelimit-remaining"]) == int(first.headers["ratelimit-remaining"]) - 1
    )
    assert 0 <= int(first.headers["ratelimit-reset"]) <= 60


async def test_anonymous_callers_past_the_limit_get_429_with_retry_after(
    make_mr: MakeMovieRec,
) -> None:
    app = await _app(make_mr, rate_limit_anonymous="3/minute")
    statuses = []
    for _ in range(4):
        _, reply = await app.asgi_client.get("/health")
        statuses.append(reply.status)
    assert statuses == [200, 200, 200, 429]
    assert reply.json["error"]["code"] == "rate_limited"
    # When the request would fit again: within two periods for a sliding window counter,
    # whose previous window weighs in while it slides out (docs/security.md).
    assert 1 <= int(reply.headers["retry-after"]) <= 120
    assert reply.headers["ratelimit-remaining"] == "0"


async def test_users_are_limited_per_account_not_per_address(make_mr: MakeMovieRec) -> None:
    mr = await make_mr(rate_limit_anonymous="2/minute", rate_limit_user="5/minute")
    app = create_app(movierec=mr)
    pair = await signed_in(mr, "alice")
    statuses = []
    for _ in range(6):
        _, reply = await app.asgi_client.get("/me", headers=bearer(pair.access_token))
        statuses.append(reply.status)
    assert statuses == [200] * 5 + [429]
    assert reply.headers["ratelimit-limit"] == "5"
    _, anonymous = await app.asgi_client.get("/health")
    assert anonymous.status == 200  # the address's own budget is untouched
    assert anonymous.headers["ratelimit-limit"] == "2"


async def test_a_bad_token_is_limited_as_anonymous(make_mr: MakeMovieRec) -> None:
    app = await _app(make_mr, rate_limit_anonymous="7/minute")
    _, reply = await app.asgi_client.get("/me", headers=bearer("forged.token.value"))
    assert reply.status == 401
    assert reply.headers["ratelimit-limit"] == "7"


async def test_forwarded_addresses_count_only_from_trusted_proxies(make_mr: MakeMovieRec) -> None:
    app = await _app(make_mr, rate_limit_anonymous="1/minute", trusted_proxies=("10.0.0.1",))
    proxy = client_from(app, "10.0.0.1")
    _, first = await proxy.get("/health", headers={"X-Forwarded-For": "198.51.100.1"})
    _, second = await proxy.get("/health", headers={"X-Forwarded-For": "198.51.100.2"})
    assert first.status == second.status == 200  # two clients behind one proxy
    outsider = client_from(app, "192.0.2.7")
    _, third = await outsider.get("/health", headers={"X-Forwarded-For": "198.51.100.3"})
    _, fourth = await outsider.get("/health", headers={"X-Forwarded-For": "198.51.100.4"})
    assert (third.status, fourth.status) == (200, 429)  # forged header ignored


@pytest.mark.services_only
async def test_workers_sharing_redis_share_the_api_limit(make_mr: MakeMovieRec) -> None:
    first = create_app(movierec=await make_mr(rate_limit_anonymous="2/minute"))
    second = create_app(movierec=await make_mr(rate_limit_anonymous="2/minute"))
    _, a = await first.asgi_client.get("/health")
    _, b = await second.asgi_client.get("/health")
    _, c = await first.asgi_client.get("/health")
    assert (a.status, b.status, c.status) == (200, 200, 429)
