"""Hostile input at every route: each is a clear 4xx with the JSON error body, data untouched.

The routes, their parameters and their body fields come from the served OpenAPI document,
so a route added later is attacked too. After every refused request the whole database
is fingerprinted (row count and checksum of every table) and must be unchanged.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.helpers.dbstate import fingerprint
from tests.helpers.factories import HttpAccount, http_account
from tests.helpers.served import ServedApp
from tests.helpers.spec_walk import Operation, operations

pytestmark = pytest.mark.services_only

INJECTIONS = [
    "' OR '1'='1",
    "1; DROP TABLE users; --",
    "admin'--",
    '" OR ""="',
    "1 UNION SELECT username, password_hash FROM users --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    "{{7*7}}${7*7}",
    "../../../../etc/passwd",
    "\u0000null\u0000byte",
]
HUGE_NUMBERS = ["99999999999999999999999", str(2**63), str(2**31), "-1", "0", "1e308", "NaN"]
# Routes that end the caller's session when they succeed; payloads never succeed there,
# but a stray success would break the rest of the drill.
SKIPPED = {"DELETE /me"}


@pytest.fixture(scope="module")
def spec(served: ServedApp) -> dict[str, Any]:
    return httpx.get(served.url + "/openapi.json").json()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def account(served: ServedApp) -> HttpAccount:
    return http_account(served.url)


@pytest.fixture(scope="module")
def client(served: ServedApp) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.url, timeout=30) as client:
        yield client


class Drill:
    """Sends requests, checks each answer, and collects every problem for one report."""

    def __init__(self, client: httpx.Client, dsn: str, account: HttpAccount) -> None:
        self.client = client
        self.dsn = dsn
        self.account = account
        self.problems: list[str] = []
        self.sent = 0

    def send(self, op: Operation, what: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if op.secured:
            headers.update(self.account.headers)
        before = fingerprint(self.dsn)
        response = self.client.request(
            op.method, kwargs.pop("url", op.url()), headers=headers, **kwargs
        )
        self.sent += 1
        self.check(op, what, response, before)
        return response

    def check(
        self, op: Operation, what: str, response: httpx.Response, before: dict[str, Any]
    ) -> None:
        where = f"{op.label} with {what}: {response.status_code}"
        if response.status_code >= 500:
            self.problems.append(f"{where} {response.text[:200]}")
            return
        if "<script>" in response.text and "json" not in response.headers.get("content-type", ""):
            self.problems.append(f"{where} reflects markup as {response.headers['content-type']}")
        if response.status_code < 400:
            return
        try:
            error = response.json()["error"]
            assert isinstance(error["code"], str)
            assert isinstance(error["message"], str)
        except Exception:
            self.problems.append(f"{where} without the JSON error body: {response.text[:200]}")
        if fingerprint(self.dsn) != before:
            self.problems.append(f"{where} but the database changed")

    def report(self) -> None:
        assert self.sent > 0, "no documented route takes this kind of input"
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def drill(client: httpx.Client, module_stack: Any, account: HttpAccount) -> Drill:
    return Drill(client, module_stack.database_url, account)


def _ops(spec: dict[str, Any]) -> list[Operation]:
    return [op for op in operations(spec) if op.label not in SKIPPED]


def test_injection_payloads_in_every_parameter_are_refused_or_harmless(
    drill: Drill, spec: dict[str, Any]
) -> None:
    for op in _ops(spec):
        for param in op.params:
            if param.kind != "string":
                continue
            for payload in INJECTIONS:
                if param.where == "path":
                    drill.send(op, f"{param.name}={payload!r}", url=op.url({param.name: payload}))
                else:
                    query = op.query({param.name: payload})
                    drill.send(op, f"?{param.name}={payload!r}", params=query, json=op.body())
    drill.report()


def test_injection_payloads_in_every_body_field_are_refused_or_harmless(
    drill: Drill, spec: dict[str, Any]
) -> None:
    for op in _ops(spec):
        for name in op.string_fields():
            for payload in INJECTIONS:
                body = {**op.body(), name: payload}
                drill.send(op, f"{name}={payload!r}", params=op.query(), json=body)
    drill.report()


def test_huge_negative_and_non_numeric_numbers_are_refused(
    drill: Drill, spec: dict[str, Any]
) -> None:
    for op in _ops(spec):
        for param in op.params:
            if param.kind not in ("integer", "number"):
                continue
            for text in [*HUGE_NUMBERS, "abc", "1.5"]:
                if param.where == "path":
                    drill.send(op, f"{param.name}={text}", url=op.url({param.name: text}))
                else:
                    query = op.query({param.name: text})
                    drill.send(op, f"?{param.name}={text}", params=query, json=op.body())
        props = (op.body_schema or {}).get("properties", {})
        for name, schema in props.items():
            if schema.get("type") in ("integer", "number"):
                for value in [10**30, -(2**63), -1, 2**31]:
                    body = {**op.body(), name: value}
                    drill.send(op, f"{name}={value}", params=op.query(), json=body)
    drill.report()


def _body_ops(spec: dict[str, Any]) -> list[Operation]:
    return [op for op in _ops(spec) if op.body_schema is not None]


def test_bodies_over_the_size_limit_are_refused_with_413(
    drill: Drill, spec: dict[str, Any], module_stack: Any
) -> None:
    limit = module_stack.settings().max_body_bytes
    payload = b'{"x": "' + b"a" * (limit + 10) + b'"}'
    for op in _body_ops(spec):
        response = drill.send(
            op, "an oversized body", content=payload, headers={"Content-Type": "application/json"}
        )
        if response.status_code != 413:
            drill.problems.append(f"{op.label}: oversized body answered {response.status_code}")
    drill.report()


def test_deeply_nested_json_is_refused(drill: Drill, spec: dict[str, Any]) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    for op in _body_ops(spec):
        drill.send(
            op,
            "JSON nested 100000 deep",
            content=deep,
            headers={"Content-Type": "application/json"},
        )
    drill.report()


def test_invalid_utf8_bodies_and_parameters_are_refused(drill: Drill, spec: dict[str, Any]) -> None:
    for op in _body_ops(spec):
        drill.send(
            op,
            "an invalid UTF-8 body",
            content=b'{"username": "\xff\xfe\xc3\x28"}',
            headers={"Content-Type": "application/json"},
        )
    for op in _ops(spec):
        for param in op.params:
            if param.where == "path":
                url = _fill(op, param.name, "%ff%c3%28")
                drill.send(op, f"{param.name}=<invalid UTF-8>", url=url)
            else:
                raw = "&".join(f"{k}={v}" for k, v in op.query().items() if k != param.name)
                url = f"{op.url()}?{param.name}=%ff%c3%28" + (f"&{raw}" if raw else "")
                drill.send(op, f"?{param.name}=<invalid UTF-8>", url=url, json=op.body())
    drill.report()


def _fill(op: Operation, name: str, raw: str) -> str:
    """The operation's URL with parameter ``name`` replaced by already-encoded ``raw``."""
    marker = "zzmarkerzz"
    return op.url({name: marker}).replace(marker, raw)


def test_wrong_content_types_are_refused(drill: Drill, spec: dict[str, Any]) -> None:
    for op in _body_ops(spec):
        text = json.dumps(op.body())
        for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
            response = drill.send(
                op,
                f"a {content_type} body",
                params=op.query(),
                content=text.encode(),
                headers={"Content-Type": content_type},
            )
            if response.status_code < 400:
                drill.problems.append(f"{op.label} accepted a {content_type} body")
    drill.report()


def test_garbage_on_the_wire_gets_a_4xx_not_a_crash(served: ServedApp) -> None:
    requests = [
        b"GET /health\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Long: " + b"a" * 20_000 + b"\r\n\r\n",
        b"NOT-A-METHOD / HTTP/1.1\r\n\r\n",
    ]
    for raw in requests:
        with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
            sock.sendall(raw)
            status_line = sock.recv(4096).split(b"\r\n", 1)[0]
        status = int(status_line.split()[1])
        assert 400 <= status < 500, (raw[:40], status_line)
    assert httpx.get(served.url + "/health").status_code == 200
