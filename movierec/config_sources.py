"""Where settings come from (config file, environment), without pydantic.

:meth:`~movierec.config.Settings.load` and :func:`cache_address` read the same sources
through these functions, so both resolve a value the same way: defaults < the config
file (``MOVIEREC_CONFIG``, else ``config.toml`` in ``MOVIEREC_CONFIG_DIR`` or the per-user
config folder) < the environment (``MOVIEREC_<NAME>``, TMDb's own names for its fields).

:func:`cache_address` resolves only what a read of the shared cache needs, for a
short-lived process (a warm ``movierec trending``) that would otherwise pay for pydantic
and the whole :class:`~movierec.config.Settings` model. It answers only for plainly valid
values; anything else is ``None``, and the caller loads :class:`Settings`, which reports
the problem. ``tests/foundation/test_config_sources.py`` proves it agrees with
``Settings.load()`` on every source.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from movierec.errors import ConfigurationError

__all__ = [
    "ENV_PREFIX",
    "CacheAddress",
    "cache_address",
    "config_file_values",
    "default_config_dir",
    "default_data_dir",
    "env_value",
    "prefixes_overlap",
]

APP_NAME = "movierec"
ENV_PREFIX = "MOVIEREC_"
TMDB_ALIASES = {
    "tmdb_api_key": "TMDB_API_KEY",
    "tmdb_read_access_token": "TMDB_READ_ACCESS_TOKEN",
    "tmdb_base_url": "TMDB_BASE_URL",
    "tmdb_image_base_url": "TMDB_IMAGE_BASE_URL",
}
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def default_data_dir() -> Path:
    """The per-user data folder (SQLite database, JWT secret, downloaded data sets)."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_config_dir() -> Path:
    """The per-user config folder (config.toml, the CLI's saved login)."""
    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def config_file_values(
    environ: Mapping[str, str], config_file: Path | str | None = None
) -> dict[str, Any]:
    """The config file's settings: ``config_file``, else ``MOVIEREC_CONFIG`` (which must
    exist), else ``config.toml`` in the config folder (if there is one)."""
    path = config_file or environ.get(f"{ENV_PREFIX}CONFIG")
    if path is not None:
        return _read_toml(Path(path), required=True)
    folder = Path(environ.get(f"{ENV_PREFIX}CONFIG_DIR") or default_config_dir())
    return _read_toml(folder / "config.toml", required=False)


def _read_toml(path: Path, *, required: bool) -> dict[str, Any]:
    if not path.is_file():
        if required:
            raise ConfigurationError(f"MOVIEREC_CONFIG: no config file at {path}")
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"config file {path}: {exc}") from None
    section = data.get("movierec", data)
    if not isinstance(section, dict):
        raise ConfigurationError(f"config file {path}: [movierec] must be a table")
    return dict(section)


def env_value(environ: Mapping[str, str], name: str, *, default_is_none: bool) -> str | None:
    """The raw environment value of setting ``name``, or ``None`` when it does not set it.

    An empty value of a setting whose default is ``None`` counts as unset.
    """
    raw = environ.get(ENV_PREFIX + name.upper())
    if raw is None and name in TMDB_ALIASES:
        raw = environ.get(TMDB_ALIASES[name])
    if raw == "" and default_is_none:
        return None
    return raw


def prefixes_overlap(cache_prefix: str, coordination_prefix: str) -> bool:
    """Whether clearing one prefix's keys would clear the other's."""
    return coordination_prefix.startswith(cache_prefix) or cache_prefix.startswith(
        coordination_prefix
    )


@dataclass(frozen=True, slots=True)
class CacheAddress:
    """The settings a read of the shared cache needs (a subset of ``Settings``)."""

    redis_url: str | None
    cache_prefix: str
    tmdb_language: str
    tmdb_enabled: bool


_DEFAULTS: dict[str, str | None] = {
    "redis_url": None,
    "cache_prefix": "movierec:",
    "coordination_prefix": None,
    "tmdb_language": "en-US",
    "tmdb_api_key": None,
    "tmdb_read_access_token": None,
}
"""The defaults of the fields :func:`cache_address` reads (a test checks them against
``Settings``)."""


def cache_address(
    env: Mapping[str, str] | None = None, config_file: Path | str | None = None
) -> CacheAddress | None:
    """What ``Settings.load(env, config_file)`` says about the shared cache, or ``None``
    when a value it reads is not plainly valid (``Settings.load()`` then reports it).

    A bad config file raises :class:`ConfigurationError` as ``Settings.load()`` does.
    Settings it does not read are not checked.
    """
    environ = os.environ if env is None else env
    values: dict[str, object] = dict(_DEFAULTS)
    found = config_file_values(environ, config_file)
    values.update((name, found[name]) for name in _DEFAULTS if name in found)
    for name, default in _DEFAULTS.items():
        raw = env_value(environ, name, default_is_none=default is None)
        if raw is not None:
            values[name] = raw
    if not all(value is None or isinstance(value, str) for value in values.values()):
        return None
    redis_url = values["redis_url"] or None
    prefix, coordination = values["cache_prefix"], values["coordination_prefix"]
    language = values["tmdb_language"]
    if not isinstance(prefix, str) or not prefix or not isinstance(language, str):
        return None
    if isinstance(redis_url, str) and not redis_url.startswith(REDIS_SCHEMES):
        return None
    if prefixes_overlap(prefix, str(coordination or "coord:" + prefix)):
        return None
    return CacheAddress(
        redis_url=redis_url if isinstance(redis_url, str) else None,
        cache_prefix=prefix,
        tmdb_language=language,
        tmdb_enabled=bool(values["tmdb_api_key"] or values["tmdb_read_access_token"]),
    )
