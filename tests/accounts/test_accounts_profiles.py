"""Profiles and user administration in the library."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from movierec import Conflict, Forbidden, InvalidInput, MovieRec, NotFound, Unauthenticated
from movierec.accounts import AdminUserUpdate, PreferencesUpdate, ProfileUpdate
from movierec.db.models import AuditEvent, Dismissal, Favorite, Recommendation, RefreshToken, User
from tests.helpers.factories import PASSWORD, registered_user, signed_in, signed_in_admin


async def _principal(mr: MovieRec, name: str = "alice"):  # type: ignore[no-untyped-def]
    return await mr.auth.authenticate((await signed_in(mr, name)).access_token)


async def test_updating_the_profile_changes_only_the_given_fields(mr: MovieRec) -> None:
    me = await _principal(mr)
    await mr.profiles.update(
        me, ProfileUpdate(preferences=PreferencesUpdate(genres=[35, 18, 35], language="fr-FR"))
    )
    view = await mr.profiles.update(me, ProfileUpdate(display_name="  Alice  "))
    assert view.display_name == "Alice"
    assert view.preferences.genres == (18, 35)
    assert view.preferences.language == "fr-FR"
    view = await mr.profiles.update(me, ProfileUpdate(preferences=PreferencesUpdate(language=None)))
    assert view.preferences.language is None
    assert view.preferences.genres == (18, 35)


async def test_a_new_email_is_normalized_and_must_be_free(mr: MovieRec) -> None:
    me = await _principal(mr)
    await registered_user(mr, "bob")
    view = await mr.profiles.update(me, ProfileUpdate(email="New@Example.ORG"))
    assert view.email == "new@example.org"
    with pytest.raises(Conflict):
        await mr.profiles.update(me, ProfileUpdate(email="BOB@example.org"))
    with pytest.raises(InvalidInput) as caught:
        await mr.profiles.update(me, ProfileUpdate(email="nope"))
    assert "email" in caught.value.details["fields"]


async def test_changing_the_password_needs_the_current_one(mr: MovieRec) -> None:
    me = await _principal(mr)
    with pytest.raises(InvalidInput) as caught:
        await mr.profiles.change_password(me, "wrong password!", "another long one")
    assert "current_password" in caught.value.details["fields"]
    with pytest.raises(InvalidInput) as weak:
        await mr.profiles.change_password(me, PASSWORD, "short")
    assert "new_password" in weak.value.details["fields"]


async def test_changing_the_password_ends_every_other_session(mr: MovieRec) -> None:
    first = await signed_in(mr)
    second = await mr.auth.login("alice", PASSWORD)
    me = await mr.auth.authenticate(first.access_token)
    fresh = await mr.profiles.change_password(me, PASSWORD, "another long one")
    for token in (first.access_token, second.access_token):
        with pytest.raises(Unauthenticated):
            await mr.auth.authenticate(token)
    with pytest.raises(Unauthenticated):
        await mr.auth.refresh(second.refresh_token)
    assert await mr.auth.authenticate(fresh.access_token)
    assert await mr.auth.login("alice", "another long one")
    with pytest.raises(Unauthenticated):
        await mr.auth.login("alice", PASSWORD)
    actions = [e.action for e in await AuditEvent.filter(action="password_change")]
    assert actions == ["password_change"]


async def test_deleting_the_account_removes_its_data_and_tokens(mr: MovieRec) -> None:
    me = await _principal(mr)
    other = await _principal(mr, "bob")
    for user_id in (me.user_id, other.user_id):
        await Favorite.create(user_id=user_id, movie_id=603, movie_title="The Matrix")
        await Recommendation.create(user_id=user_id, movie_id=604, score=1.0, reason="r")
        await Dismissal.create(user_id=user_id, movie_id=605)
    with pytest.raises(InvalidInput):
        await mr.profiles.delete(me, "wrong password!")
    await mr.profiles.delete(me, PASSWORD)
    assert not await User.filter(id=me.user_id).exists()
    for model in (Favorite, Recommendation, Dismissal, RefreshToken):
        assert await model.filter(user_id=me.user_id).count() == 0
        assert await model.filter(user_id=other.user_id).count() == 1
    event = await AuditEvent.get(action="account_delete", success=True)
    assert event.target_id == me.user_id


async def test_admins_list_and_search_users_a_page_at_a_time(mr: MovieRec) -> None:
    _, admin = await signed_in_admin(mr)
    for name in ("alice", "albert", "bob", "alfred"):
        await registered_user(mr, name)
    page = await mr.admin.list_users(admin, query="AL", size=2)
    assert page.total == 3
    assert [u.username for u in page.items] == ["alice", "albert"]
    page2 = await mr.admin.list_users(admin, query="al", page=2, size=2)
    assert [u.username for u in page2.items] == ["alfred"]
    assert (await mr.admin.list_users(admin, query="example.org")).total == 5
    with pytest.raises(InvalidInput):
        await mr.admin.list_users(admin, size=1000)
    for bad_id in (0, -1, 2**31):
        with pytest.raises(InvalidInput, match="user_id"):
            await mr.admin.get_user(admin, bad_id)


async def test_plain_users_cannot_use_admin_functions(mr: MovieRec) -> None:
    me = await _principal(mr)
    bob = await registered_user(mr, "bob")
    with pytest.raises(Forbidden):
        await mr.admin.list_users(me)
    with pytest.raises(Forbidden):
        await mr.admin.set_role(me, bob.id, "admin")
    with pytest.raises(Forbidden):
        await mr.admin.deactivate(me, bob.id)
    assert (await User.get(id=bob.id)).role == "user"


async def test_role_changes_and_deactivations_are_audited(mr: MovieRec) -> None:
    _, admin = await signed_in_admin(mr)
    bob = await registered_user(mr, "bob")
    await mr.admin.update_user(admin, bob.id, AdminUserUpdate(role="admin", is_active=False))
    events = {e.action: e for e in await AuditEvent.filter(target_id=bob.id)}
    assert events["role_change"].actor_id == admin.user_id
    assert events["role_change"].details == {"from": "user", "to": "admin"}
    assert events["deactivate"].actor_id == admin.user_id


async def test_admins_cannot_change_themselves_and_unknown_ids_are_not_found(
    mr: MovieRec,
) -> None:
    _, admin = await signed_in_admin(mr)
    with pytest.raises(Conflict):
        await mr.admin.set_role(admin, admin.user_id, "user")
    with pytest.raises(NotFound):
        await mr.admin.deactivate(admin, 424242)
    with pytest.raises(InvalidInput):
        await mr.admin.update_user(admin, 424242, AdminUserUpdate())


async def test_the_operator_creates_and_promotes_admins(mr: MovieRec) -> None:
    created = await mr.admin.create_admin("boss", "boss@example.org", PASSWORD)
    assert created.role == "admin"
    await registered_user(mr, "alice")
    assert (await mr.admin.promote("ALICE")).role == "admin"
    with pytest.raises(NotFound):
        await mr.admin.promote("nobody")


def test_a_region_is_normalised_by_the_library_for_both_frontends() -> None:
    assert PreferencesUpdate(region=" us ").region == "US"
    with pytest.raises(ValidationError):
        PreferencesUpdate(region="usa")
