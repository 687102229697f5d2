"""The models, their constraints and indexes, on both databases."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from tortoise.exceptions import IntegrityError

from movierec import MovieRec, Settings
from movierec.db.models import Favorite, Movie, Recommendation, RefreshToken, User
from tests.helpers.factories import stored_user


async def test_a_fresh_database_has_every_table_and_no_pending_migration(mr: MovieRec) -> None:
    assert await mr.db.pending_migrations() == []
    assert {"users", "favorites", "movies", "recommendations", "refresh_tokens"} <= set(
        mr.db.model_tables()
    )


async def test_a_refresh_token_has_no_revocation_of_its_own(mr: MovieRec) -> None:
    """Migration 0005 dropped ``refresh_tokens.revoked_at``: the session row says it."""
    connection = mr.db.connection()
    await connection.execute_query("SELECT rotated_at FROM refresh_tokens")
    with pytest.raises(Exception, match="revoked_at"):
        await connection.execute_query("SELECT revoked_at FROM refresh_tokens")


async def test_usernames_are_unique_case_insensitively(mr: MovieRec) -> None:
    await stored_user("Alice")
    with pytest.raises(IntegrityError):
        await User.create(
            username="ALICE", username_key="alice", email="other@example.com", password_hash="x"
        )


async def test_one_favorite_row_per_user_and_movie(mr: MovieRec) -> None:
    user = await stored_user()
    await Favorite.create(user=user, movie_id=603, movie_title="The Matrix")
    with pytest.raises(IntegrityError):
        await Favorite.create(user=user, movie_id=603, movie_title="The Matrix")
    other = await stored_user("bob")
    await Favorite.create(user=other, movie_id=603, movie_title="The Matrix")
    assert await Favorite.filter(movie_id=603).count() == 2


async def test_deleting_a_user_cascades_to_their_rows(mr: MovieRec) -> None:
    user = await stored_user()
    await Favorite.create(user=user, movie_id=1, movie_title="One")
    await Recommendation.create(user=user, movie_id=2, score=0.5, reason="because")
    await user.delete()
    assert await Favorite.all().count() == 0
    assert await Recommendation.all().count() == 0


async def test_movies_keep_the_tmdb_id_as_primary_key(mr: MovieRec) -> None:
    await Movie.create(id=603, title="The Matrix", genre_ids=[28, 878])
    movie = await Movie.get(id=603)
    assert movie.genre_ids == [28, 878]


async def test_refresh_token_hashes_are_unique(mr: MovieRec) -> None:
    from datetime import UTC, datetime

    user = await stored_user()
    expires = datetime(2030, 1, 1, tzinfo=UTC)
    await RefreshToken.create(user=user, token_hash="h" * 64, family_id="f", expires_at=expires)
    with pytest.raises(IntegrityError):
        await RefreshToken.create(user=user, token_hash="h" * 64, family_id="g", expires_at=expires)


@pytest.mark.services_only
async def test_favorites_have_the_indexes_their_queries_need(mr: MovieRec) -> None:
    conn = mr.db.connection()
    with mr.db.activate():
        rows = await conn.execute_query_dict(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'favorites'"
        )
    definitions = " ".join(row["indexdef"] for row in rows)
    assert "(user_id, created_at)" in definitions
    assert "(movie_id)" in definitions
    assert "UNIQUE" in definitions


async def test_two_instances_keep_their_databases_apart(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, jwt_secret="s" * 40)
    first = MovieRec(settings.model_copy(update={"database_url": f"sqlite://{tmp_path}/a.db"}))
    second = MovieRec(settings.model_copy(update={"database_url": f"sqlite://{tmp_path}/b.db"}))
    async with first, second:
        with first.db.activate():
            await stored_user("only_in_a")
        with second.db.activate():
            assert await User.all().count() == 0
        with first.db.activate():
            assert await User.all().count() == 1


async def test_the_embedded_default_creates_its_database_file(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "fresh" / "data", jwt_secret="s" * 40)
    async with MovieRec(settings) as mr:
        assert (await mr.health()).status == "ok"
    assert (tmp_path / "fresh" / "data" / "movierec.sqlite3").is_file()


async def test_concurrent_tasks_see_the_instance_database(mr: MovieRec) -> None:
    async def count() -> int:
        return await User.all().count()

    await stored_user()
    assert list(await asyncio.gather(count(), count())) == [1, 1]


async def test_migration_0004_keeps_the_year_and_drops_invented_catalog_dates(
    mr: MovieRec,
) -> None:
    from datetime import date
    from importlib import import_module

    migration = import_module("movierec.db.migrations.0004_movie_release_year").Migration
    await Movie.create(id=1, title="Catalog", release_date=date(1999, 1, 1), movielens_id=7)
    await Movie.create(id=2, title="TMDb", release_date=date(2001, 1, 1))
    await Movie.create(
        id=3, title="Catalog, real date", release_date=date(1995, 5, 4), movielens_id=8
    )
    await Movie.create(id=4, title="No date")
    connection = mr.db.connection()
    for statement in migration.operations[1].sql:  # the data step, on rows as 0003 left them
        await connection.execute_script(statement)
    rows = await Movie.all().order_by("id").values_list("release_date", "release_year")
    assert rows == [
        (None, 1999),
        (date(2001, 1, 1), 2001),
        (date(1995, 5, 4), 1995),
        (None, None),
    ]
