"""The generated JWT secret file: written atomically, validated when read."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from movierec import ConfigurationError, MovieRec, Settings
from movierec.accounts.keys import jwt_secret


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url="sqlite://:memory:")


@pytest.mark.parametrize("content", ["", "\n", "abc", "x" * 31])
async def test_a_short_or_empty_secret_file_is_a_clear_start_up_error(
    tmp_path: Path, content: str
) -> None:
    settings = _settings(tmp_path)
    settings.data_dir.mkdir(parents=True)
    (settings.data_dir / "jwt_secret").write_text(content)
    with pytest.raises(ConfigurationError, match="at least 32 characters"):
        await MovieRec(settings).open()


def test_concurrent_first_starts_agree_on_one_complete_secret(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    seen: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(16)

    def first_start() -> None:
        start.wait()
        try:
            seen.append(jwt_secret(settings))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=first_start) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(seen)) == 1
    assert len(seen[0]) >= 32
    assert [p.name for p in settings.data_dir.iterdir()] == ["jwt_secret"]  # no temp left
