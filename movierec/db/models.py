"""Tortoise ORM models: the tables movierec stores.

Indexes follow the queries that use them: favorites are listed per user newest first
``(user_id, created_at)`` and joined across users by movie for co-favorites ``(movie_id)``.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

__all__ = [
    "ApiUsage",
    "AuditEvent",
    "CatalogRating",
    "Dismissal",
    "Favorite",
    "LoginLock",
    "LoginSession",
    "ModelVersion",
    "Movie",
    "Recommendation",
    "RefreshToken",
    "User",
]


class User(Model):
    """An account. ``username_key`` (lower-cased) makes usernames unique case-insensitively.

    ``token_version`` is copied into every access token: bumping it (password change,
    deactivation) makes every token issued before unusable at once.
    """

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=32)
    username_key = fields.CharField(max_length=32, unique=True)
    email = fields.CharField(max_length=254, unique=True)
    display_name = fields.CharField(max_length=64, null=True)
    password_hash = fields.CharField(max_length=128)
    role = fields.CharField(max_length=16, default="user")
    is_active = fields.BooleanField(default=True)
    preferences: dict[str, Any] = fields.JSONField(default=dict)
    favorites_version = fields.IntField(default=0)
    token_version = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "users"


class Favorite(Model):
    """A movie a user marked as a favorite: one row per (user, movie)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="favorites", on_delete=fields.CASCADE
    )
    movie_id = fields.IntField(db_index=True)
    movie_title = fields.CharField(max_length=512)
    poster_url = fields.CharField(max_length=512, null=True)
    release_year = fields.IntField(null=True)
    genre_ids: list[int] = fields.JSONField(default=list)
    genre_key = fields.CharField(max_length=256, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "favorites"
        unique_together = (("user", "movie_id"),)
        indexes = (("user_id", "created_at"),)


class Recommendation(Model):
    """One item of a recommendation list as it was shown to a user (the serving log)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="recommendations", on_delete=fields.CASCADE
    )
    movie_id = fields.IntField()
    score = fields.FloatField()
    reason = fields.CharField(max_length=256)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "recommendations"
        indexes = (("user_id", "created_at"),)


class Dismissal(Model):
    """A movie a user asked never to be recommended again."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="dismissals", on_delete=fields.CASCADE
    )
    movie_id = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "dismissals"
        unique_together = (("user", "movie_id"),)


class Movie(Model):
    """Local copy of movie metadata: seen on TMDb, or imported into the offline catalog."""

    id = fields.IntField(primary_key=True, generated=False)
    title = fields.CharField(max_length=512)
    original_title = fields.CharField(max_length=512, null=True)
    search_title = fields.CharField(max_length=512, db_index=True, default="")
    overview = fields.TextField(default="")
    release_date = fields.DateField(null=True)
    release_year = fields.IntField(null=True, db_index=True)  # known when the date is not
    genre_ids: list[int] = fields.JSONField(default=list)
    genre_key = fields.CharField(max_length=256, default="")
    keywords: list[str] = fields.JSONField(default=list)
    popularity = fields.FloatField(default=0.0)
    vote_average = fields.FloatField(default=0.0)
    vote_count = fields.IntField(default=0)
    poster_path = fields.CharField(max_length=256, null=True)
    imdb_id = fields.CharField(max_length=16, null=True, db_index=True)
    movielens_id = fields.IntField(null=True, db_index=True)
    in_catalog = fields.BooleanField(default=False, db_index=True)
    rating_count = fields.IntField(default=0)
    rating_mean = fields.FloatField(default=0.0)
    recent_rating_count = fields.IntField(default=0)
    fetched_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "movies"


class LoginSession(Model):
    """One login (a refresh-token family): the truth about whether it may go on.

    Every access token names its session (``sid``); every rotation locks this row with
    a conditional update, so a revocation and a rotation never interleave. Revoking the
    row ends every refresh and access token of the login at once.
    """

    id = fields.CharField(max_length=36, primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sessions", on_delete=fields.CASCADE
    )
    generation = fields.IntField(default=0)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    revoked_reason = fields.CharField(max_length=32, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "login_sessions"
        indexes = (("user_id", "revoked_at"),)


class LoginLock(Model):
    """A login lockout (per account or client address): kept in the database so that a
    Redis restart does not lift it. The counts leading to it live in the coordination store.
    """

    subject = fields.CharField(max_length=48, primary_key=True)
    until = fields.FloatField()
    attempt = fields.IntField()

    class Meta:
        table = "login_locks"


class RefreshToken(Model):
    """An opaque refresh token, stored hashed, rotated on use; its family is a login session.

    A token has no revocation of its own: it is revoked with its session
    (``LoginSession.revoked_at``).
    """

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="refresh_tokens", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    family_id = fields.CharField(max_length=36, db_index=True)
    expires_at = fields.DatetimeField()
    rotated_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "refresh_tokens"


class ApiUsage(Model):
    """TMDb calls and cache lookups per (hour bucket, endpoint template, status class).

    ``status_class`` is 2xx, 4xx, 5xx or err (no usable reply) for calls, and cache for
    cache lookups. Latency is kept as fixed histogram buckets (``latency_le_<ms>``,
    ``latency_gt_10000``) so several processes can add to a row with atomic increments.
    """

    id = fields.IntField(primary_key=True)
    bucket = fields.DatetimeField()
    endpoint = fields.CharField(max_length=64)
    status_class = fields.CharField(max_length=8)
    calls = fields.IntField(default=0)
    retries = fields.IntField(default=0)
    cache_hits = fields.IntField(default=0)
    cache_misses = fields.IntField(default=0)
    stale_serves = fields.IntField(default=0)
    rate_limit_waits = fields.IntField(default=0)
    rate_limit_wait_s = fields.FloatField(default=0.0)
    latency_ms_sum = fields.FloatField(default=0.0)
    latency_le_5 = fields.IntField(default=0)
    latency_le_10 = fields.IntField(default=0)
    latency_le_25 = fields.IntField(default=0)
    latency_le_50 = fields.IntField(default=0)
    latency_le_100 = fields.IntField(default=0)
    latency_le_250 = fields.IntField(default=0)
    latency_le_500 = fields.IntField(default=0)
    latency_le_1000 = fields.IntField(default=0)
    latency_le_2500 = fields.IntField(default=0)
    latency_le_5000 = fields.IntField(default=0)
    latency_le_10000 = fields.IntField(default=0)
    latency_gt_10000 = fields.IntField(default=0)

    class Meta:
        table = "api_usage"
        unique_together = (("bucket", "endpoint", "status_class"),)


class CatalogRating(Model):
    """A rating from an imported public data set (MovieLens): the recommender's prior."""

    id = fields.IntField(primary_key=True)
    rater = fields.IntField()
    movie_id = fields.IntField(db_index=True)
    rating = fields.FloatField()
    rated_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "catalog_ratings"
        indexes = (("rater", "rated_at"),)


class AuditEvent(Model):
    """Who did what, when, from where: logins, role changes, deletions, imports."""

    id = fields.IntField(primary_key=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor_id = fields.IntField(null=True, db_index=True)
    action = fields.CharField(max_length=64, db_index=True)
    target_id = fields.IntField(null=True)
    ip = fields.CharField(max_length=64, null=True)
    success = fields.BooleanField(default=True)
    details: dict[str, Any] = fields.JSONField(default=dict)

    class Meta:
        table = "audit_events"


class ModelVersion(Model):
    """A published recommendation model: one fit, as a compressed artifact every host reads.

    Serving processes poll ``max(id)`` (the primary key index) and load ``blob`` only when
    it changes; the columns beside it are what ``movierec model status`` lists.
    """

    id = fields.IntField(primary_key=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    format = fields.IntField()
    ratings = fields.IntField(default=0)
    users = fields.IntField(default=0)
    items = fields.IntField(default=0)
    size_bytes = fields.IntField(default=0)
    fit_seconds = fields.FloatField(default=0.0)
    checksum = fields.CharField(max_length=64)
    meta: dict[str, Any] = fields.JSONField(default=dict)
    blob = fields.BinaryField()

    class Meta:
        table = "model_versions"
