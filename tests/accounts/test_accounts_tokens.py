"""Access tokens: what ``mr.auth.authenticate`` accepts and refuses."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest

from movierec import ManualClock, MovieRec, Unauthenticated
from movierec.types import Principal
from tests.conftest import MakeMovieRec
from tests.helpers.factories import PASSWORD, registered_user, signed_in, signed_in_admin

SECRET = "test-secret-" + "x" * 40


def _claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def _forge(claims: dict[str, object], secret: str = SECRET, alg: str = "HS256") -> str:
    return jwt.encode(claims, secret, algorithm=alg)


async def test_a_fresh_access_token_names_the_user(mr: MovieRec) -> None:
    pair = await signed_in(mr, "alice")
    principal = await mr.auth.authenticate(pair.access_token)
    assert principal == Principal(
        user_id=pair.user.id,
        username="alice",
        role="user",
        token_id=principal.token_id,
        session_id=principal.session_id,
    )
    claims = _claims(pair.access_token)
    assert {"sub", "role", "jti", "iat", "exp", "iss", "aud"} <= claims.keys()
    assert claims["exp"] - claims["iat"] == 900
    assert claims["iss"] == claims["aud"] == "movierec"
    assert jwt.get_unverified_header(pair.access_token)["alg"] == "HS256"


async def test_a_tampered_signature_is_refused(mr: MovieRec) -> None:
    token = (await signed_in(mr)).access_token
    head, payload, signature = token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    with pytest.raises(Unauthenticated):
        await mr.auth.authenticate(f"{head}.{payload}.{flipped}")


async def test_a_tampered_payload_is_refused(mr: MovieRec) -> None:
    token = (await signed_in(mr)).access_token
    head, _payload, signature = token.split(".")
    claims = _claims(token)
    claims["role"] = "admin"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(Unauthenticated):
        await mr.auth.authenticate(f"{head}.{forged}.{signature}")


async def test_alg_none_is_refused(mr: MovieRec) -> None:
    claims = _claims((await signed_in(mr)).access_token)
    unsigned = jwt.encode(claims, key=None, algorithm="none")
    with pytest.raises(Unauthenticated):
        await mr.auth.authenticate(unsigned)


async def test_another_hmac_algorithm_is_refused(mr: MovieRec) -> None:
    claims = _claims((await signed_in(mr)).access_token)
    with pytest.raises(Unauthenticated):
        await mr.auth.authenticate(_forge(claims, alg="HS384"))


async def test_a_token_signed_with_another_secret_is_refused(mr: MovieRec) -> None:
    claims = _claims((await signed_in(mr)).access_token)
    with pytest.raises(Unauthenticated):
        await mr.auth.authenticate(_forge(claims, secret="another-secret-" + "y" * 40))


@pytest.mark.parametrize(("claim", "value"), [("aud", "someone-else"), ("iss", "evil")])
async def test_a_wrong_audience_or_issuer_is_refused(mr: MovieRec, claim: str, value: str) -> None:
    claims = _claims((await signed_in(mr)).access_token)
    assert await mr.auth.authenticate(_forge(claims))  # re-signed as is: still valid
    claims[claim] = value
    with pytest.raises(Unauthenticated):
        await mr.auth.authenticate(_forge(claims))


@pytest.mark.parametrize("claim", ["sub", "role", "jti", "iat", "exp", "iss", "aud"])
async def test_a_token_missing_a_claim_is_refused(mr: MovieRec, claim: str) -> None:
    claims = _claims((await signed_in(mr)).access_token)
    del claims[claim]
    with pytest.raises(Unauthenticated):
        await mr.auth.authenticate(_forge(claims))


async def test_a_role_claim_outside_user_and_admin_is_refused(mr: MovieRec) -> None:
    claims = _claims((await signed_in(mr)).access_token)
    claims["role"] = "root"
    with pytest.raises(Unauthenticated):
        await mr.auth.authenticate(_forge(claims))


async def test_an_access_token_expires_after_15_minutes(make_mr: MakeMovieRec) -> None:
    clock = ManualClock()
    mr = await make_mr(clock=clock)
    token = (await signed_in(mr)).access_token
    clock.advance(899)
    assert await mr.auth.authenticate(token)
    clock.advance(1)
    with pytest.raises(Unauthenticated, match="expired"):
        await mr.auth.authenticate(token)


async def test_a_token_issued_in_the_future_is_refused(mr: MovieRec) -> None:
    claims = _claims((await signed_in(mr)).access_token)
    claims["iat"] = int(time.time()) + 3600
    claims["exp"] = int(time.time()) + 7200
    with pytest.raises(Unauthenticated):
        await mr.auth.authenticate(_forge(claims))


@pytest.mark.parametrize(
    "token", ["", "x", "a.b.c", "Bearer x", "é.é.é", "\x00", "." * 3, "e" * 5000]
)
async def test_garbage_tokens_are_unauthenticated(mr: MovieRec, token: str) -> None:
    with pytest.raises(Unauthenticated):
        await mr.auth.authenticate(token)


async def test_a_logged_out_access_token_is_revoked(mr: MovieRec) -> None:
    pair = await signed_in(mr)
    other = await mr.auth.login("alice", PASSWORD)
    await mr.auth.logout(await mr.auth.authenticate(pair.access_token))
    with pytest.raises(Unauthenticated, match="revoked"):
        await mr.auth.authenticate(pair.access_token)
    assert await mr.auth.authenticate(other.access_token)  # another session goes on


async def test_a_deactivated_users_tokens_stop_at_once(mr: MovieRec) -> None:
    _, admin = await signed_in_admin(mr)
    pair = await signed_in(mr, "bob")
    assert await mr.auth.authenticate(pair.access_token)  # state now cached
    await mr.admin.deactivate(admin, pair.user.id)
    with pytest.raises(Unauthenticated):
        await mr.auth.authenticate(pair.access_token)
    with pytest.raises(Unauthenticated):
        await mr.auth.refresh(pair.refresh_token)
    await mr.admin.reactivate(admin, pair.user.id)
    with pytest.raises(Unauthenticated):  # old tokens stay dead after reactivation
        await mr.auth.authenticate(pair.access_token)
    assert await mr.auth.login("bob", PASSWORD)


async def test_a_role_change_applies_to_existing_tokens(mr: MovieRec) -> None:
    _, admin = await signed_in_admin(mr)
    pair = await signed_in(mr, "bob")
    assert not (await mr.auth.authenticate(pair.access_token)).is_admin
    await mr.admin.set_role(admin, pair.user.id, "admin")
    assert (await mr.auth.authenticate(pair.access_token)).is_admin


async def test_a_deleted_users_token_is_refused(mr: MovieRec) -> None:
    pair = await signed_in(mr)
    other = await mr.auth.login("alice", PASSWORD)
    await mr.profiles.delete(await mr.auth.authenticate(pair.access_token), PASSWORD)
    with pytest.raises(Unauthenticated):
        await mr.auth.authenticate(other.access_token)


async def test_the_secret_is_generated_once_when_not_configured(make_mr: MakeMovieRec) -> None:
    mr = await make_mr(jwt_secret=None)
    await registered_user(mr, "alice")
    pair = await mr.auth.login("alice", PASSWORD)
    assert await mr.auth.authenticate(pair.access_token)
    assert (mr.settings.data_dir / "jwt_secret").stat().st_mode & 0o777 == 0o600
