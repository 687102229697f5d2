"""``mr.admin``: user administration for admins, and the operator's way to make admins.

Every method for admins takes the acting admin as ``principal`` (first) and the user it
acts on as ``target_id``, and refuses non-admins, even though the HTTP layer checks too.
:meth:`Admin.create_admin` and :meth:`Admin.promote` take no principal: they are for the
operator with direct database access (the CLI), which is how the first admin comes to be;
no HTTP route calls them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from tortoise.expressions import Q

from movierec.accounts.inputs import AdminUserUpdate
from movierec.accounts.types import UserPage, UserView
from movierec.boundary import guarded
from movierec.db.models import User
from movierec.errors import Conflict, Forbidden, InvalidInput, NotFound
from movierec.types import PageNo, PageSize, Principal, UserId, checked

if TYPE_CHECKING:
    from movierec.accounts.audit import Audit
    from movierec.accounts.sessions import Auth

__all__ = ["Admin"]


@guarded
class Admin:
    """List, search, promote, demote, deactivate and reactivate users."""

    def __init__(self, *, auth: Auth, audit: Audit) -> None:
        self._auth = auth
        self._audit = audit

    @staticmethod
    def _require_admin(principal: Principal) -> None:
        if not principal.is_admin:
            raise Forbidden("admins only")

    async def list_users(
        self,
        principal: Principal,
        *,
        query: str | None = None,
        page: int = 1,
        size: int = 20,
    ) -> UserPage:
        """Users by id, optionally those whose username or email contains ``query``."""
        self._require_admin(principal)
        page, size = checked(PageNo, "page", page), checked(PageSize, "size", size)
        users = User.all()
        if query:
            if len(query) > 100 or not query.isprintable():
                raise InvalidInput.field("query", "must be at most 100 printable characters")
            needle = query.casefold()
            users = users.filter(Q(username_key__contains=needle) | Q(email__contains=needle))
        total = await users.count()
        rows = await users.order_by("id").offset((page - 1) * size).limit(size)
        return UserPage(items=[UserView.of(u) for u in rows], page=page, size=size, total=total)

    async def get_user(self, principal: Principal, target_id: int) -> UserView:
        """One user by id."""
        self._require_admin(principal)
        return UserView.of(await self._get(target_id))

    async def update_user(
        self,
        principal: Principal,
        target_id: int,
        changes: AdminUserUpdate,
        ip: str | None = None,
    ) -> UserView:
        """Change a user's role and/or active flag (not your own)."""
        self._require_admin(principal)
        if changes.role is None and changes.is_active is None:
            raise InvalidInput("nothing to change: give role and/or is_active")
        if target_id == principal.user_id:
            raise Conflict("admins cannot change their own role or deactivate themselves")
        user = await self._get(target_id)
        if changes.role is not None and changes.role != user.role:
            await self._set_role(user, changes.role, principal.user_id, ip)
        if changes.is_active is not None and changes.is_active != user.is_active:
            await self._set_active(user, changes.is_active, principal.user_id, ip)
        return UserView.of(user)

    async def set_role(
        self,
        principal: Principal,
        target_id: int,
        role: Literal["user", "admin"],
        ip: str | None = None,
    ) -> UserView:
        """Make a user an admin or a plain user."""
        return await self.update_user(principal, target_id, AdminUserUpdate(role=role), ip)

    async def deactivate(
        self, principal: Principal, target_id: int, ip: str | None = None
    ) -> UserView:
        """Lock a user out: their tokens stop working at once."""
        return await self.update_user(principal, target_id, AdminUserUpdate(is_active=False), ip)

    async def reactivate(
        self, principal: Principal, target_id: int, ip: str | None = None
    ) -> UserView:
        """Let a deactivated user log in again."""
        return await self.update_user(principal, target_id, AdminUserUpdate(is_active=True), ip)

    async def create_admin(self, username: str, email: str, password: str) -> UserView:
        """Register an account with the admin role (operator only: no principal, no HTTP)."""
        view = await self._auth.register(username, email, password)
        user = await self._get(view.id)
        await self._set_role(user, "admin", None, None)
        return UserView.of(user)

    async def promote(self, username: str) -> UserView:
        """Give an existing account the admin role (operator only: no principal, no HTTP)."""
        user = await self._auth.find_user(username)
        if user is None:
            raise NotFound(f"no user named {username!r}")
        if user.role != "admin":
            await self._set_role(user, "admin", None, None)
        return UserView.of(user)

    async def find(self, principal: Principal, username: str) -> UserView:
        """A user by username or email (for the CLI, which names users)."""
        self._require_admin(principal)
        user = await self._auth.find_user(username)
        if user is None:
            raise NotFound(f"no user named {username!r}")
        return UserView.of(user)

    async def _get(self, user_id: int) -> User:
        user_id = checked(UserId, "user_id", user_id)
        user = await User.get_or_none(id=user_id)
        if user is None:
            raise NotFound(f"no user with id {user_id}")
        return user

    async def _set_role(self, user: User, role: str, actor_id: int | None, ip: str | None) -> None:
        old = user.role
        user.role = role
        await user.save(update_fields=["role", "updated_at"])
        await self._auth.guard.user_changed(user.id)
        await self._audit.record(
            "role_change", actor_id, user.id, ip, True, {"from": old, "to": role}
        )

    async def _set_active(
        self, user: User, active: bool, actor_id: int | None, ip: str | None
    ) -> None:
        user.is_active = active
        await user.save(update_fields=["is_active", "updated_at"])
        if not active:
            await self._auth.end_all_sessions(user, "deactivated")
        await self._auth.guard.user_changed(user.id)
        await self._audit.record(
            "deactivate" if not active else "reactivate", actor_id, user.id, ip
        )
