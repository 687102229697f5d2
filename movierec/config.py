"""Settings: defaults < optional TOML config file < environment variables.

Settings are read once, at start-up, into one immutable :class:`Settings` and passed
down. Nothing else in movierec reads the environment.

Every field ``name`` is read from the environment variable ``MOVIEREC_<NAME>``; the TMDb
fields also accept TMDb's own names (``TMDB_API_KEY``, ``TMDB_READ_ACCESS_TOKEN``,
``TMDB_BASE_URL``, ...). The config file is ``MOVIEREC_CONFIG`` if set, else
``config.toml`` in the per-user config folder; its keys are the field names.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from movierec.config_sources import (
    ENV_PREFIX,
    REDIS_SCHEMES,
    config_file_values,
    default_config_dir,
    default_data_dir,
    env_value,
    prefixes_overlap,
)
from movierec.errors import ConfigurationError

__all__ = ["Settings", "default_config_dir", "default_data_dir"]


class Settings(BaseModel):
    """Every knob of movierec, validated, immutable.

    ``Settings()`` is the embedded default (SQLite in the data folder, in-process cache,
    offline catalog). ``Settings.load()`` layers the config file and environment on top.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    # storage and cache
    data_dir: Path = Field(default_factory=default_data_dir)
    config_dir: Path = Field(default_factory=default_config_dir)
    database_url: str | None = None
    redis_url: str | None = None
    cache_prefix: str = Field("movierec:", min_length=1)
    coordination_prefix: str | None = Field(
        None,
        description=(
            "Redis key prefix of the coordination store (lockouts, rate buckets); "
            "default: 'coord:' + cache_prefix. Must not overlap the cache prefix."
        ),
    )
    cache_max_entries: int = Field(10_000, ge=1)
    cache_hot_ttl: float = Field(5.0, ge=0)
    auto_migrate: bool = True

    # accounts
    jwt_secret: str | None = None
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    jwt_issuer: str = "movierec"
    jwt_audience: str = "movierec"
    access_token_ttl: int = Field(900, ge=30)
    refresh_token_ttl: int = Field(14 * 24 * 3600, ge=60)
    bcrypt_rounds: int = Field(12, ge=4, le=16)
    refresh_reuse_grace: float = Field(2.0, ge=0, le=60)
    login_failures_per_account: int = Field(5, ge=1)
    login_failures_per_ip: int = Field(50, ge=1)
    login_failure_window: int = Field(15 * 60, ge=1)
    login_lockout: int = Field(60, ge=1)
    revocation_check_interval: float = Field(
        1.0,
        ge=0,
        le=60,
        description=(
            "Seconds a process may reuse a session's revocation state read from the "
            "database: the bound for a logout to reach other workers."
        ),
    )
    user_state_max_age: float = Field(
        60.0,
        ge=0,
        le=3600,
        description=(
            "Seconds a worker may reuse a session check or a signed-in reply (favorites, "
            "recommendations) while the user's stamp in Redis is unchanged; every change "
            "renews the stamp, so this bounds only a change whose stamp could not be "
            "written. 0 turns those copies off."
        ),
    )

    # TMDb
    tmdb_api_key: str | None = None
    tmdb_read_access_token: str | None = None
    tmdb_base_url: str = "https://api.themoviedb.org/3"
    tmdb_image_base_url: str = "https://image.tmdb.org/t/p/"
    tmdb_poster_size: str = "w500"
    tmdb_language: str = "en-US"
    tmdb_include_adult: bool = False
    tmdb_include_video: bool = False
    tmdb_timeout: float = Field(10.0, gt=0)
    tmdb_max_retries: int = Field(3, ge=0, le=10)
    tmdb_retry_budget: float = Field(20.0, gt=0)
    tmdb_rate_limit: int = Field(40, ge=1)
    tmdb_backoff_base: float = Field(
        0.5, ge=0, description="First TMDb retry waits up to this many seconds (doubling)."
    )
    tmdb_backoff_max: float = Field(
        8.0, ge=0, description="Longest wait between two TMDb retries, seconds."
    )
    usage_flush_interval: float = Field(
        5.0, gt=0, description="Seconds between writes of TMDb usage counts to the database."
    )

    # offline catalog (MovieLens)
    movielens_url: str = "https://files.grouplens.org/datasets/movielens/ml-latest-small.zip"
    movielens_sha256: str | None = Field(None, pattern=r"^[0-9a-fA-F]{64}$")
    movielens_max_bytes: int = Field(64 * 1024 * 1024, ge=1024)

    # cache lifetimes, seconds
    ttl_trending: int = Field(15 * 60, ge=1)
    ttl_search: int = Field(60 * 60, ge=1)
    ttl_details: int = Field(24 * 3600, ge=1)
    ttl_genres: int = Field(7 * 24 * 3600, ge=1)
    ttl_recommendations: int = Field(60 * 60, ge=1)
    stale_ttl: int = Field(7 * 24 * 3600, ge=0)

    # favorites and dismissals
    dismissals_max_per_user: int = Field(
        1000, ge=1, description="Most movies one user may dismiss from recommendations."
    )
    recommendation_log_retention_days: int = Field(
        90, ge=1, description="Days the serving log (recommendations shown) is kept."
    )
    favorites_max_per_user: int = Field(5000, ge=1)
    favorites_import_max_bytes: int = Field(2_000_000, ge=1024)

    # recommendations (defaults chosen by `movierec eval --tune`, see docs/recommendations.md)
    recommend_weight_collaborative: float = Field(1.0, ge=0)
    recommend_weight_content: float = Field(0.4, ge=0)
    recommend_weight_popularity: float = Field(0.0, ge=0)
    recommend_recency_half_life: float = Field(2.5, ge=0)
    recommend_diversity: float = Field(0.8, ge=0, le=1)
    recommend_neighbours: int = Field(50, ge=1, le=1000)
    recommend_ease_neighbours: int = Field(200, ge=1, le=1000)
    recommend_shrink: float = Field(10.0, ge=0)
    recommend_ease_lambda: float = Field(250.0, gt=0)
    recommend_ease_max_items: int = Field(8000, ge=0, le=20000)
    recommend_seed_favorites: int = Field(3, ge=0, le=50)
    recommend_concurrency: int = Field(4, ge=1, le=64)
    recommend_model_ttl: int = Field(10 * 60, ge=1)

    # the published model (see docs/operations.md, "Scaling out")
    model_fit_on_demand: Literal["auto", "yes", "no"] = "auto"
    model_check_seconds: float = Field(30.0, ge=0)
    model_keep_versions: int = Field(3, ge=1, le=100)
    model_fit_every: int = Field(6 * 3600, ge=60)

    # HTTP server
    rate_limit_anonymous: str = "120/minute"
    rate_limit_user: str = "300/minute"
    force_https: bool = False
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    cors_origins: tuple[str, ...] = ()
    hsts_max_age: int = Field(31_536_000, ge=0)
    max_body_bytes: int = Field(1_000_000, ge=1024)
    log_format: Literal["text", "json"] = "text"
    metrics_public: bool = False
    shutdown_grace: float = Field(
        15.0, ge=0, le=600, description="Seconds a stopping server lets requests in flight finish."
    )

    # operations: background jobs, retention, notifications
    celery_broker_url: str | None = None
    celery_result_backend: str | None = None
    celery_queue: str = "movierec"
    usage_retention_days: int = Field(90, ge=1)
    audit_retention_days: int = Field(365, ge=1)
    notifier: str = "log"
    smtp_host: str = "localhost"
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: str | None = Field(None, repr=False)
    smtp_starttls: bool = False
    smtp_from: str = "movierec@localhost"

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("sqlite://", "postgres://", "postgresql://", "asyncpg://")):
            raise ValueError("must start with sqlite://, postgres:// or postgresql://")
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        if not value.startswith(REDIS_SCHEMES):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("celery_broker_url", "celery_result_backend")
    @classmethod
    def _check_celery_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        if not value.startswith(("redis://", "rediss://", "unix://", "memory://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("notifier")
    @classmethod
    def _check_notifier(cls, value: str) -> str:
        if value not in ("log", "smtp") and ":" not in value:
            raise ValueError("must be log, smtp or a 'package.module:factory' path")
        return value

    @field_validator("tmdb_base_url", "tmdb_image_base_url", "movielens_url")
    @classmethod
    def _check_http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/") + ("/" if value.endswith("/") else "")

    @field_validator("jwt_secret")
    @classmethod
    def _check_secret(cls, value: str | None) -> str | None:
        if value is not None and len(value) < 32:
            raise ValueError("must be at least 32 characters")
        return value

    @model_validator(mode="after")
    def _check_prefixes(self) -> Settings:
        coordination = self.resolved_coordination_prefix
        if prefixes_overlap(self.cache_prefix, coordination):
            raise ValueError(
                "coordination_prefix must not overlap cache_prefix "
                "(clearing the cache would clear lockouts and rate limits)"
            )
        return self

    @property
    def resolved_coordination_prefix(self) -> str:
        """Where lockouts and rate buckets live: apart from the cache, so no clear reaches them."""
        return self.coordination_prefix or "coord:" + self.cache_prefix

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite in the data folder."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://"):
                url = "postgres://" + url.removeprefix("postgresql://")
            return url
        return f"sqlite://{self.data_dir / 'movierec.sqlite3'}"

    @property
    def database_kind(self) -> Literal["sqlite", "postgres"]:
        """Which database engine the URL names."""
        return "sqlite" if self.resolved_database_url.startswith("sqlite://") else "postgres"

    @property
    def fits_on_demand(self) -> bool:
        """Whether a process with no published model fits one itself (embedded mode).

        ``auto`` means yes on SQLite (one process, the embedded default) and no on
        PostgreSQL, where a fit is published once and every serving process reads it.
        """
        if self.model_fit_on_demand == "auto":
            return self.database_kind == "sqlite"
        return self.model_fit_on_demand == "yes"

    @property
    def resolved_broker_url(self) -> str | None:
        """The Celery broker: ``celery_broker_url``, else the Redis URL."""
        return self.celery_broker_url or self.redis_url

    @property
    def resolved_result_backend(self) -> str | None:
        """The Celery result backend: ``celery_result_backend``, else the broker."""
        return self.celery_result_backend or self.resolved_broker_url

    @property
    def tmdb_enabled(self) -> bool:
        """Whether a TMDb credential is configured (else the offline catalog serves)."""
        return bool(self.tmdb_api_key or self.tmdb_read_access_token)

    @classmethod
    def load(
        cls,
        env: Mapping[str, str] | None = None,
        config_file: Path | str | None = None,
        **overrides: Any,
    ) -> Settings:
        """Build settings from defaults, the config file, the environment and ``overrides``.

        Raises :class:`ConfigurationError` with one line naming the bad setting.
        """
        environ = os.environ if env is None else env
        values: dict[str, Any] = config_file_values(environ, config_file)
        values.update(_read_env(environ))
        values.update(overrides)
        try:
            return cls(**values)
        except ValidationError as exc:
            raise ConfigurationError(
                _describe(exc), details=exc.errors(include_url=False)
            ) from None


def _read_env(environ: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, field in Settings.model_fields.items():
        raw = env_value(environ, name, default_is_none=field.default is None)
        if raw is None:
            continue
        origin = getattr(field.annotation, "__origin__", None)
        if origin is tuple:
            values[name] = tuple(part.strip() for part in raw.split(",") if part.strip())
        else:
            values[name] = raw
    return values


def _env_name(field: str) -> str:
    return ENV_PREFIX + field.upper()


def _describe(exc: ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    field = str(first["loc"][0]) if first["loc"] else "settings"
    message = first["msg"].removeprefix("Value error, ")
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"invalid setting {_env_name(field)}: {message}{more}"
