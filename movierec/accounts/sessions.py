"""``mr.auth``: register, log in, refresh, log out, and check access tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from movierec.accounts import rules
from movierec.accounts.guard import SessionGuard
from movierec.accounts.passwords import PasswordHasher
from movierec.accounts.refresh import Issued, RefreshTokens, ReuseDetected
from movierec.accounts.throttle import LoginThrottle, login_name_key
from movierec.accounts.tokens import AccessTokens
from movierec.accounts.types import TokenPair, UserView
from movierec.boundary import guarded
from movierec.db.models import User
from movierec.errors import Conflict, Forbidden, Unauthenticated
from movierec.types import Principal

if TYPE_CHECKING:
    from collections.abc import Callable

    from movierec.accounts.audit import Audit
    from movierec.accounts.stamps import UserStamps
    from movierec.clock import Clock
    from movierec.config import Settings
    from movierec.coordination import CoordinationStore

__all__ = ["Auth"]

BAD_LOGIN = "invalid username or password"
UNKNOWN_ACCOUNT = "(no such account)"


@guarded
class Auth:
    """Accounts and sessions. Hung off :class:`~movierec.MovieRec` as ``mr.auth``."""

    def __init__(
        self,
        *,
        settings: Settings,
        clock: Clock,
        coordination: CoordinationStore,
        database_kind: str,
        audit: Audit,
        jwt_secret: Callable[[], str],
        stamps: UserStamps | None = None,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._audit = audit
        self._jwt_secret = jwt_secret
        self.hasher = PasswordHasher(settings.bcrypt_rounds)
        self.refresh_tokens = RefreshTokens(
            clock, settings.refresh_token_ttl, settings.refresh_reuse_grace, database_kind
        )
        self.guard = SessionGuard(
            clock, settings.revocation_check_interval, stamps, settings.user_state_max_age
        )
        self.throttle = LoginThrottle(coordination, clock, settings)
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
        password, and both answer the same :class:`Unauthenticated`. Attempts are
        reserved per resolved account and per ``ip`` before the password is checked;
        past the allowance they raise :class:`RateLimited`.
        """
        user = await self.find_user(identifier)
        account = f"user:{user.id}" if user is not None else login_name_key(identifier)
        reservation = await self.throttle.reserve(account, ip)
        if user is None:
            await self.hasher.burn(password)
            ok = False
        else:
            ok = await self.check_password(user, password)
        if not ok or user is None:
            await self.throttle.failed(reservation)
            await self._audit.record(
                "login",
                actor_id=user.id if user else None,
                target_id=user.id if user else None,
                ip=ip,
                success=False,
                # Only a name that is an account is kept: anything else typed there
                # (often a password) is not ours to store.
                details={"identifier": user.username if user else UNKNOWN_ACCOUNT},
            )
            raise Unauthenticated(BAD_LOGIN)
        await self.throttle.succeeded(account)
        if not user.is_active:
            await self._audit.record(
                "login", user.id, user.id, ip, False, {"reason": "deactivated"}
            )
            raise Forbidden("this account is deactivated")
        pair = await self.issue(user)
        await self._audit.record("login", user.id, user.id, ip, True)
        return pair

    async def issue(self, user: User) -> TokenPair:
        """A fresh token pair for ``user`` in a new session."""
        return self._pair(user, await self.refresh_tokens.start(user.id))

    def _pair(self, user: User, issued: Issued) -> TokenPair:
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
            issued = await self.refresh_tokens.rotate(refresh_token)
        except ReuseDetected as exc:
            user_id = (exc.details or {}).get("user_id")
            if isinstance(user_id, int):
                await self.guard.user_changed(user_id)
            await self._audit.record(
                "refresh_reuse", user_id, user_id, ip, False, {"reason": "reuse"}
            )
            raise Unauthenticated(exc.message, details={"reason": "reuse"}) from None
        user = await User.get_or_none(id=issued.user_id)
        if user is None or not user.is_active:
            await self.refresh_tokens.revoke(issued.family_id, reason="deactivated")
            await self.guard.session_ended(issued.family_id, issued.user_id)
            raise Unauthenticated("this account is deactivated")
        return self._pair(user, issued)

    async def _end_session(self, session_id: str, user_id: int, reason: str) -> None:
        await self.refresh_tokens.revoke(session_id, user_id=user_id, reason=reason)
        await self.guard.session_ended(session_id, user_id)

    async def logout(
        self, principal: Principal, refresh_token: str | None = None, ip: str | None = None
    ) -> None:
        """End the session: every refresh and access token of this login stops working.

        ``principal`` is the caller's, from :meth:`authenticate`; ``refresh_token``, when
        given and the caller's, ends its login too.
        """
        if principal.session_id:
            await self._end_session(principal.session_id, principal.user_id, "logout")
        if refresh_token:
            owner = await self.refresh_tokens.owner(refresh_token)
            if owner is not None and owner[0] == principal.user_id:
                await self._end_session(owner[1], principal.user_id, "logout")
        await self._audit.record("logout", principal.user_id, principal.user_id, ip)

    async def revoke_refresh_token(self, refresh_token: str) -> bool:
        """End the login a refresh token belongs to; False if unknown."""
        owner = await self.refresh_tokens.owner(refresh_token)
        if owner is None:
            return False
        await self._end_session(owner[1], owner[0], "logout")
        await self._audit.record("logout", owner[0], owner[0], None, True, {"by": "refresh"})
        return True

    async def authenticate(self, access_token: str) -> Principal:
        """Who an access token belongs to; :class:`Unauthenticated` if it is not valid now.

        Checks the signature (algorithm pinned), ``iss``, ``aud`` and expiry, then asks
        the :class:`~movierec.accounts.guard.SessionGuard` whether the session is live,
        the account active and the token's version current (the database decides,
        through a copy at most ``revocation_check_interval`` seconds old).
        """
        return await self.guard.check(self.tokens.verify(access_token))

    async def authenticate_stamped(
        self, access_token: str, stamp: str | None = None
    ) -> tuple[Principal, str | None]:
        """Like :meth:`authenticate`, with the caller's user stamp read for the check.

        Pass the stamp to the readers that take one (``mr.favorites.page_json``,
        ``mr.recommend.page_json``): their cached replies are then as current as the
        check (see :mod:`movierec.accounts.stamps`). ``None`` when stamps are off.
        ``stamp``: the caller's stamp read a moment ago for this request
        (``mr.stamps.companion``), so the check makes no round trip of its own.
        """
        return await self.guard.verify(self.tokens.verify(access_token), stamp)

    def likely_user(self, access_token: str) -> int | None:
        """The user an access token names, when its signature holds and this process
        last found its session good; else ``None``. No I/O and no verdict: for choosing
        whose rate limit a request counts against before :meth:`authenticate_stamped`
        decides (a revocation this process has not seen yet misplaces one hit)."""
        try:
            claims = self.tokens.verify(access_token)
        except Unauthenticated:
            return None
        return claims.user_id if self.guard.last_seen_live(claims) else None

    async def end_all_sessions(self, user: User, reason: str = "ended") -> None:
        """Make every token of ``user`` unusable now (version bump + session revocation)."""
        await User.filter(id=user.id).update(token_version=F("token_version") + 1)
        await user.refresh_from_db(fields=["token_version"])
        await self.refresh_tokens.revoke_user(user.id, reason=reason)
        await self.guard.user_changed(user.id)
