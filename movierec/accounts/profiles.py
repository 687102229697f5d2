"""``mr.profiles``: a user's own account: read, update, change password, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise.exceptions import IntegrityError

from movierec.accounts import rules
from movierec.accounts.inputs import ProfileUpdate
from movierec.accounts.types import TokenPair, UserView
from movierec.boundary import guarded
from movierec.db.models import User
from movierec.errors import Conflict, InvalidInput, Unauthenticated
from movierec.types import Principal

if TYPE_CHECKING:
    from movierec.accounts.audit import Audit
    from movierec.accounts.sessions import Auth
    from movierec.config import Settings

__all__ = ["Profiles"]


@guarded
class Profiles:
    """What a signed-in user can do to their own account."""

    def __init__(self, *, settings: Settings, auth: Auth, audit: Audit) -> None:
        self._settings = settings
        self._auth = auth
        self._audit = audit

    async def _user(self, principal: Principal) -> User:
        user = await User.get_or_none(id=principal.user_id)
        if user is None or not user.is_active:
            raise Unauthenticated("this account no longer exists or is deactivated")
        return user

    async def _confirmed(
        self, principal: Principal, password: str, ip: str | None, action: str, field: str
    ) -> User:
        """The caller's row once ``password`` is confirmed (throttled like logins)."""
        auth = self._auth
        user = await self._user(principal)
        account = f"user:{user.id}"
        reservation = await auth.throttle.reserve(account, ip)
        if not await auth.check_password(user, password):
            await auth.throttle.failed(reservation)
            await self._audit.record(action, user.id, user.id, ip, False)
            raise InvalidInput.field(field, "does not match")
        await auth.throttle.succeeded(account)
        return user

    async def get(self, principal: Principal) -> UserView:
        """The caller's profile."""
        return UserView.of(await self._user(principal))

    async def update(self, principal: Principal, changes: ProfileUpdate) -> UserView:
        """Change email, display name and/or preferences; omitted fields stay."""
        user = await self._user(principal)
        fields: list[str] = []
        given = changes.model_fields_set
        if "email" in given and changes.email is not None:
            email = rules.normalize_email(changes.email)
            if email != user.email:
                if await User.filter(email=email).exclude(id=user.id).exists():
                    raise Conflict(
                        "email: already registered",
                        details={"fields": {"email": "already registered"}},
                    )
                user.email = email
                fields.append("email")
        if "display_name" in given:
            user.display_name = rules.check_display_name(changes.display_name)
            fields.append("display_name")
        if "preferences" in given and changes.preferences is not None:
            user.preferences = _merged_preferences(user.preferences, changes)
            fields.append("preferences")
        if fields:
            try:
                await user.save(update_fields=[*fields, "updated_at"])
            except IntegrityError:
                raise Conflict(
                    "email: already registered",
                    details={"fields": {"email": "already registered"}},
                ) from None
            await self._auth.guard.user_changed(user.id)  # replies built on the old profile
            await self._audit.record(
                "profile_update", user.id, user.id, details={"fields": ",".join(fields)}
            )
        return UserView.of(user)

    async def change_password(
        self,
        principal: Principal,
        current_password: str,
        new_password: str,
        ip: str | None = None,
    ) -> TokenPair:
        """Set a new password (the current one is required).

        Every other session ends: all refresh tokens are revoked and all access tokens
        issued before stop working. The returned pair continues the caller's session.
        """
        auth = self._auth
        user = await self._confirmed(
            principal, current_password, ip, "password_change", "current_password"
        )
        rules.check_password(
            new_password, username=user.username, email=user.email, field="new_password"
        )
        if current_password == new_password:
            raise InvalidInput.field("new_password", "must differ from the current password")
        user.password_hash = await auth.hasher.hash(new_password)
        await user.save(update_fields=["password_hash", "updated_at"])
        await auth.end_all_sessions(user, "password_change")
        await self._audit.record("password_change", user.id, user.id, ip, True)
        return await auth.issue(user)

    async def delete(self, principal: Principal, password: str, ip: str | None = None) -> None:
        """Delete the caller's account with its favorites, recommendations and tokens."""
        auth = self._auth
        user = await self._confirmed(principal, password, ip, "account_delete", "password")
        user_id = user.id
        # favorites, recommendations, dismissals, sessions, tokens: ON DELETE CASCADE
        await user.delete()
        await auth.guard.user_changed(user_id)
        await self._audit.record(
            "account_delete", user_id, user_id, ip, True, {"username": user.username}
        )


def _merged_preferences(stored: Any, changes: ProfileUpdate) -> dict[str, Any]:
    current = dict(stored) if isinstance(stored, dict) else {}
    update = changes.preferences
    assert update is not None
    for name in update.model_fields_set:
        value = getattr(update, name)
        if name == "genres" and value is not None:
            value = sorted(set(value))
        if value is None:
            current.pop(name, None)
        else:
            current[name] = value
    return current
