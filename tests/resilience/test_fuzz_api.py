"""Schemathesis fuzzes every route of the served OpenAPI document, anonymous and signed in.

The spec is the contract: every reply must be a documented status code with a body that
matches the documented schema, and nothing may answer 5xx. New routes are covered as
soon as they are documented, since the cases come from the served ``/openapi.json``.
The default run is bounded (a handful of examples per operation); ``pytest -m slow``
runs the long one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from requests.structures import CaseInsensitiveDict
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.helpers.factories import HttpAccount, http_account
from tests.helpers.served import ServedApp

pytestmark = pytest.mark.services_only

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Routes that must not be fuzzed with a real token: they would end the session the other
# cases run with (the token's user deleted, logged out, or its password changed).
SESSION_ENDING = {("DELETE", "/me"), ("POST", "/auth/logout"), ("POST", "/me/password")}


@pytest.fixture(scope="module")
def api_schema(served: ServedApp) -> Any:
    """The served spec, loaded the way a client sees it."""
    schema = schemathesis.openapi.from_url(served.url + "/openapi.json")
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    return schema


@pytest.fixture(scope="module")
def account(served: ServedApp) -> HttpAccount:
    """A signed-in user."""
    return http_account(served.url)


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


schema = schemathesis.pytest.from_fixture("api_schema")

BOUNDED = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
LONG = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _run(case: schemathesis.Case[Any], http: requests.Session, account: HttpAccount) -> None:
    case.call_and_validate(session=http, checks=CHECKS, timeout=30)
    if (case.method.upper(), case.path) in SESSION_ENDING:
        return
    authed = case.headers = CaseInsensitiveDict({**dict(case.headers or {}), **account.headers})
    assert authed
    case.call_and_validate(session=http, checks=CHECKS, timeout=30)


@schema.parametrize()
@BOUNDED
def test_every_route_answers_as_documented_with_and_without_a_token(
    case: schemathesis.Case[Any], http: requests.Session, account: HttpAccount
) -> None:
    _run(case, http, account)


@pytest.mark.slow
@schema.parametrize()
@LONG
def test_every_route_answers_as_documented_under_a_long_fuzz(
    case: schemathesis.Case[Any], http: requests.Session, account: HttpAccount
) -> None:
    _run(case, http, account)
