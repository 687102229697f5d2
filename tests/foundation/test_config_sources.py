"""The cache's settings read without pydantic agree with ``Settings.load()`` on every source.

A warm ``movierec trending`` resolves only what a cache read needs
(:func:`movierec.config_sources.cache_address`); these cases pin it to ``Settings.load()``
so the two cannot drift: the same values from defaults, the config file and the
environment, and no answer (``None``) wherever ``Settings.load()`` refuses a value.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from movierec import ConfigurationError, Settings
from movierec.config_sources import _DEFAULTS, CacheAddress, cache_address

CONFIG = "config.toml"


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    """An environment whose config folder is ``tmp_path`` (no developer file read)."""
    return {"MOVIEREC_CONFIG_DIR": str(tmp_path), **values}


def _case_env(tmp_path: Path, text: str, extra: dict[str, str]) -> dict[str, str]:
    """A case's environment, its config file (``text``, when any) written first."""
    if text:
        (tmp_path / CONFIG).write_text(text)
    return _env(tmp_path, **extra)


def _expected(settings: Settings) -> CacheAddress:
    return CacheAddress(
        redis_url=settings.redis_url,
        cache_prefix=settings.cache_prefix,
        tmdb_language=settings.tmdb_language,
        tmdb_enabled=settings.tmdb_enabled,
    )


def test_the_defaults_it_assumes_are_the_settings_defaults() -> None:
    assert {name: Settings.model_fields[name].default for name in _DEFAULTS} == _DEFAULTS


AGREEING: dict[str, tuple[str, dict[str, str]]] = {
    "defaults": ("", {}),
    "config file": (
        'redis_url = "redis://127.0.0.1:6379/3"\ncache_prefix = "f:"\ntmdb_language = "fr-FR"\n'
        'database_url = "sqlite:///x.db"\n',
        {},
    ),
    "config file section": ('[movierec]\nredis_url = "unix:///tmp/r.sock?db=2"\n', {}),
    "environment over file": (
        'redis_url = "redis://file:6379"\ncache_prefix = "f:"\n',
        {"MOVIEREC_REDIS_URL": "redis://env:6379/1", "MOVIEREC_CACHE_PREFIX": "e:"},
    ),
    "empty redis variable keeps the file's": (
        'redis_url = "redis://file:6379"\n',
        {"MOVIEREC_REDIS_URL": ""},
    ),
    "empty redis in the file": ('redis_url = ""\n', {}),
    "tmdb's own name": ("", {"TMDB_API_KEY": "k" * 32}),
    "tmdb token in the file": ('tmdb_read_access_token = "t"\n', {}),
    "movierec name over tmdb's": ("", {"TMDB_API_KEY": "a", "MOVIEREC_TMDB_API_KEY": ""}),
    "empty tmdb key": ("", {"MOVIEREC_TMDB_API_KEY": ""}),
    "coordination prefix apart": ('coordination_prefix = "locks:"\ncache_prefix = "c:"\n', {}),
    "tls address": ("", {"MOVIEREC_REDIS_URL": "rediss://h:6380/0"}),
}


@pytest.mark.parametrize("case", sorted(AGREEING))
def test_it_reads_what_settings_load_reads(tmp_path: Path, case: str) -> None:
    env = _case_env(tmp_path, *AGREEING[case])
    assert cache_address(env) == _expected(Settings.load(env))


def test_a_named_config_file_is_read_by_both(tmp_path: Path) -> None:
    named = tmp_path / "elsewhere.toml"
    named.write_text('redis_url = "redis://named:6379"\ncache_prefix = "n:"\n')
    (tmp_path / CONFIG).write_text('redis_url = "redis://not-this:6379"\n')
    env = _env(tmp_path, MOVIEREC_CONFIG=str(named))
    assert cache_address(env) == _expected(Settings.load(env))
    assert cache_address(_env(tmp_path), named) == _expected(Settings.load(_env(tmp_path), named))
    assert cache_address(env) == CacheAddress("redis://named:6379", "n:", "en-US", False)


REFUSED: dict[str, tuple[str, dict[str, str]]] = {
    "redis scheme": ("", {"MOVIEREC_REDIS_URL": "http://h:6379"}),
    "empty cache prefix": ("", {"MOVIEREC_CACHE_PREFIX": ""}),
    "overlapping prefixes": ('cache_prefix = "a:"\ncoordination_prefix = "a:b"\n', {}),
    "redis url not a string": ("redis_url = 6379\n", {}),
    "language not a string": ("tmdb_language = 1\n", {}),
    "tmdb key not a string": ("tmdb_api_key = 12\n", {}),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_it_gives_no_answer_where_settings_load_refuses(tmp_path: Path, case: str) -> None:
    env = _case_env(tmp_path, *REFUSED[case])
    with pytest.raises(ConfigurationError):
        Settings.load(env)
    assert cache_address(env) is None


@pytest.mark.parametrize(
    ("text", "named"), [("redis_url = [", False), ("movierec = 1\n", False), ("", True)]
)
def test_an_unreadable_config_file_is_the_same_error(
    tmp_path: Path, text: str, named: bool
) -> None:
    path = tmp_path / ("missing.toml" if named else CONFIG)
    if not named:
        path.write_text(text)
    env = _env(tmp_path, **({"MOVIEREC_CONFIG": str(path)} if named else {}))
    with pytest.raises(ConfigurationError) as full:
        Settings.load(env)
    with pytest.raises(ConfigurationError) as light:
        cache_address(env)
    assert light.value.message == full.value.message
