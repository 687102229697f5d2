"""Settings: defaults < config file < environment, and one clear line for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from movierec import ConfigurationError, Settings


def test_embedded_default_is_sqlite_in_the_data_folder(tmp_path: Path) -> None:
    settings = Settings.load(env={"MOVIEREC_DATA_DIR": str(tmp_path)})
    assert settings.resolved_database_url == f"sqlite://{tmp_path / 'movierec.sqlite3'}"
    assert settings.database_kind == "sqlite"
    assert settings.redis_url is None
    assert not settings.tmdb_enabled


def test_environment_overrides_config_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('ttl_trending = 60\ntmdb_language = "fr-FR"\n')
    env = {"MOVIEREC_CONFIG": str(config), "MOVIEREC_TTL_TRENDING": "120"}
    settings = Settings.load(env=env)
    assert settings.ttl_trending == 120
    assert settings.tmdb_language == "fr-FR"


def test_config_file_in_config_dir_is_read_without_being_named(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[movierec]\nbcrypt_rounds = 5\n")
    settings = Settings.load(env={"MOVIEREC_CONFIG_DIR": str(tmp_path)})
    assert settings.bcrypt_rounds == 5


def test_tmdb_names_are_accepted(tmp_path: Path) -> None:
    env = {"TMDB_API_KEY": "abc", "TMDB_BASE_URL": "http://127.0.0.1:1234/3"}
    settings = Settings.load(env=env, config_file=None, data_dir=tmp_path)
    assert settings.tmdb_api_key == "abc"
    assert settings.tmdb_enabled
    assert settings.tmdb_base_url == "http://127.0.0.1:1234/3"


def test_list_settings_are_comma_separated() -> None:
    env = {"MOVIEREC_CORS_ORIGINS": "https://a.example, https://b.example"}
    assert Settings.load(env=env).cors_origins == ("https://a.example", "https://b.example")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MOVIEREC_DATABASE_URL", "mysql://x"),
        ("MOVIEREC_REDIS_URL", "http://localhost"),
        ("MOVIEREC_TTL_TRENDING", "soon"),
        ("MOVIEREC_JWT_SECRET", "short"),
        ("TMDB_BASE_URL", "ftp://example"),
        ("MOVIEREC_LOG_FORMAT", "xml"),
    ],
)
def test_an_invalid_setting_fails_with_one_line_naming_it(name: str, value: str) -> None:
    env_name = name if name.startswith("MOVIEREC_") else "MOVIEREC_" + name
    with pytest.raises(ConfigurationError) as caught:
        Settings.load(env={name: value})
    message = caught.value.message
    assert "\n" not in message
    assert env_name in message


def test_a_named_config_file_that_is_missing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="no config file"):
        Settings.load(env={"MOVIEREC_CONFIG": str(tmp_path / "nope.toml")})


def test_unknown_keys_in_the_config_file_are_rejected(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("no_such_setting = 1\n")
    with pytest.raises(ConfigurationError, match="NO_SUCH_SETTING"):
        Settings.load(env={}, config_file=config)


def test_settings_are_immutable() -> None:
    settings = Settings()
    with pytest.raises(ValueError, match="frozen"):
        settings.ttl_search = 5  # type: ignore[misc]
