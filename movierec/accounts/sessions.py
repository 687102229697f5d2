"""``mr.auth``: register, log in, refresh, log out, and check access tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from movierec.accounts import rules
from movierec.accounts.passwords import PasswordHasher
from movierec.accounts.refresh import RefreshTokens, ReuseDetected
from movierec.accounts.state import UserStates
from movierec.accounts.throttle import LoginThrottle
from movierec.accounts.tokens import AccessTokens
from movierec.accounts.types import TokenPair, UserView
from movierec.boundary import guarded
from movierec.db.models import User
from movierec.errors import Conflict, Forbidden, Unauthenticated
from movierec.types import Principal

if TYPE_CHECKING:
    from collections.abc import Callable

    from movierec.accounts.audit import Audit
    from movierec.cache import Cache
    from movierec.clock import Clock
    from movierec.config import Settings

__all__ = ["Auth"]

BAD_LOGIN = "invalid username or password"


@guarded
class Auth:
    """Accounts and sessions. Hung off :class:`~movierec.MovieRec` as ``mr.auth``."""

    def __init__(
        self,
        *,
        settings: Settings,
        clock: Clock,
        cache: Cache,
        audit: Audit,
        jwt_secret: Callable[[], str],
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._audit = audit
        self._jwt_secret = jwt_secret
        self.hasher = PasswordHasher(settings.bcrypt_rounds)
        self.refresh_tokens = RefreshTokens(
            clock, settings.refresh_token_ttl, settings.refresh_reuse_grace
        )
        self.states = UserStates(cache)
        self.throttle = LoginThrottle(cache, clock, settings)
        self._tokens: AccessTokens | None = None

    @property
    def tokens(self) -> AccessTokens:
        """The access-token signer (the secret is read on first use)."""
        if self._tokens is None:
            self._tokens = AccessTokens(self._settings, self._jwt_secret(), self._clock)
        return self._tokens

    # --- accounts
    async def register(self, username: str, email: str, password: str) -> UserView:
        """Create a ``user`` account; :class:`InvalidInput` names a bad field,
        :class:`Conflict` a taken username or email."""
        username = rules.normalize_username(username)
        email = rules.normalize_email(email)
        rules.check_password(password, username=username, email=email)
        key = rules.username_key(username)
        await self._ensure_free(key, email)
        password_hash = await self.hasher.hash(password)
        try:
            user = await User.create(
                username=username,
                username_key=key,
                email=email,
                password_hash=password_hash,
                role="user",
            )
        except IntegrityError:
            # Lost a race with a concurrent registration: say which field collided.
            await self._ensure_free(key, email)
            raise Conflict("username or email already taken") from None
        await self._audit.record("register", actor_id=user.id, target_id=user.id)
        return UserView.of(user)

    async def _ensure_free(self, key: str, email: str) -> None:
        if await User.filter(username_key=key).exists():
            raise Conflict(
                "username: already taken", details={"fields": {"username": "already taken"}}
            )
        if await User.filter(email=email).exists():
            raise Conflict(
                "email: already registered", details={"fields": {"email": "already registered"}}
            )

    async def find_user(self, identifier: str) -> User | None:
        """The account a login name (username or email, any case) refers to."""
        name = identifier.strip()
        if "\x00" in name:  # no stored name has one (and PostgreSQL text cannot hold it)
            return None
        if "@" in name:
            email = name.lower()  # as stored by rules.normalize_email
            return await User.get_or_none(email=email) if len(email) <= 254 else None
        key = rules.username_key(name)
        return await User.get_or_none(username_key=key) if 0 < len(key) <= 32 else None

    async def check_password(self, user: User, password: str) -> bool:
        """Verify ``password`` for ``user``; upgrades the hash when the cost setting rose."""
        if not await self.hasher.verify(password, user.password_hash):
            return False
        if self.hasher.needs_rehash(user.password_hash):
            user.password_hash = await self.hasher.hash(password)
            await user.save(update_fields=["password_hash"])
        return True

    # --- sessions
    async def login(self, identifier: str, password: str, ip: str | None = None) -> TokenPair:
        """Check the credentials and start a session.

        An unknown name costs one bcrypt check against a dummy hash, like a wrong
        password, and both answer the same :class:`Unauthenticated`. Repeated failures
        per name or per ``ip`` raise :class:`RateLimited`.
        """
        await self.throttle.check(identifier, ip)
        user = await self.find_user(identifier)
        if user is None:
            await self.hasher.burn(password)
            ok = False
        else:
            ok = await self.check_password(user, password)
        if not ok or user is None:
            await self.throttle.failed(identifier, ip)
            await self._audit.record(
                "login",
                actor_id=user.id if user else None,
                target_id=user.id if user else None,
                ip=ip,
                success=False,
                details={"identifier": identifier[:64]},
            )
            raise Unauthenticated(BAD_LOGIN)
        await self.throttle.succeeded(identifier)
        if not user.is_active:
            await self._audit.record(
                "login", user.id, user.id, ip, False, {"reason": "deactivated"}
            )
            raise Forbidden("this account is deactivated")
        pair = await self.issue(user)
        await self._audit.record("login", user.id, user.id, ip, True)
        return pair

    async def issue(self, user: User, family_id: str | None = None) -> TokenPair:
        """A fresh token pair for ``user`` (continuing ``family_id`` when given)."""
        issued = await self.refresh_tokens.create(user.id, family_id)
        access, _ = self.tokens.issue(
            user_id=user.id,
            username=user.username,
            role=user.role,
            version=user.token_version,
            session_id=issued.family_id,
        )
        settings = self._settings
        return TokenPair(
            access_token=access,
            refresh_token=issued.token,
            expires_in=settings.access_token_ttl,
            refresh_expires_in=settings.refresh_token_ttl,
            user=UserView.of(user),
        )

    async def refresh(self, refresh_token: str, ip: str | None = None) -> TokenPair:
        """Trade a refresh token for a new pair; the old refresh token stops working."""
        try:
            rotation = await self.refresh_tokens.rotate(refresh_token)
        except ReuseDetected as exc:
            user_id = (exc.details or {}).get("user_id")
            await self._audit.record(
                "refresh_reuse", user_id, user_id, ip, False, {"reason": "reuse"}
            )
            raise Unauthenticated(exc.message, details={"reason": "reuse"}) from None
        user = await User.get_or_none(id=rotation.user_id)
        if user is None or not user.is_active:
            await self.refresh_tokens.revoke_family(rotation.family_id)
            raise Unauthenticated("this account is deactivated")
        return await self.issue(user, rotation.family_id)

    async def logout(
        self,
        access_token_or_principal: str | Principal,
        refresh_token: str | None = None,
        ip: str | None = None,
    ) -> None:
        """End the session: revoke its refresh-token family and deny-list the access token."""
        principal = access_token_or_principal
        if isinstance(principal, str):
            principal = await self.authenticate(principal)
        if principal.token_id:
            await self.states.deny(principal.token_id, self._settings.access_token_ttl)
        if principal.session_id:
            await self.refresh_tokens.revoke_family(principal.session_id, user_id=principal.user_id)
        if refresh_token:
            owner = await self.refresh_tokens.owner(refresh_token)
            if owner is not None and owner[0] == principal.user_id:
                await self.refresh_tokens.revoke_family(owner[1], user_id=principal.user_id)
        await self._audit.record("logout", principal.user_id, principal.user_id, ip)

    async def revoke_refresh_token(self, refresh_token: str) -> bool:
        """End the login a refresh token belongs to (its whole family); False if unknown."""
        owner = await self.refresh_tokens.owner(refresh_token)
        if owner is None:
            return False
        await self.refresh_tokens.revoke_family(owner[1], user_id=owner[0])
        await self._audit.record("logout", owner[0], owner[0], None, True, {"by": "refresh"})
        return True

    async def authenticate(self, access_token: str) -> Principal:
        """Who an access token belongs to; :class:`Unauthenticated` if it is not valid now.

        Checks the signature (algorithm pinned), ``iss``, ``aud``, expiry, the deny list,
        and that the account is active with the token's version (cache-first, cheap).
        """
        claims = self.tokens.verify(access_token)
        if await self.states.is_denied(claims.token_id):
            raise Unauthenticated("access token revoked", details={"reason": "revoked"})
        state = await self.states.get(claims.user_id)
        if state is None:
            raise Unauthenticated("this account no longer exists")
        if not state.active:
            raise Unauthenticated("this account is deactivated")
        if state.version != claims.version:
            raise Unauthenticated("access token revoked", details={"reason": "revoked"})
        return Principal(
            user_id=claims.user_id,
            username=state.username,
            role="admin" if state.role == "admin" else "user",
            token_id=claims.token_id,
            session_id=claims.session_id,
        )

    async def end_all_sessions(self, user: User) -> None:
        """Make every token of ``user`` unusable now (version bump + refresh revocation)."""
        await User.filter(id=user.id).update(token_version=F("token_version") + 1)
        await user.refresh_from_db(fields=["token_version"])
        await self.refresh_tokens.revoke_user(user.id)
        await self.states.forget(user.id)
