"""Without a path, the import downloads ml-latest-small once and checks it."""

from __future__ import annotations

import hashlib
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from movierec import MovieRec, Settings, UpstreamError, UpstreamUnavailable
from movierec.catalog import Catalog, fetch_movielens, movielens_folder
from movierec.db.models import Movie
from tests.helpers.fileserver import ServedFile, serve_file
from tests.helpers.movielens_catalog import movielens_zip


def _settings(tmp_path: Path, url: str, **extra: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", movielens_url=url, **extra)


async def test_import_without_a_path_downloads_checks_and_imports(
    mr: MovieRec, tmp_path: Path
) -> None:
    served = ServedFile(movielens_zip())
    async with serve_file(served) as url:
        settings = mr.settings.model_copy(update={"movielens_url": url})
        progress: list[tuple[str, int, int | None]] = []
        catalog = Catalog(settings, mr.clock)  # mr.catalog, pointed at the served file
        report = await catalog.import_movielens(
            progress=lambda done, total, stage: progress.append((stage, done, total))
        )
    assert report.movies == 7
    assert await Movie.filter(in_catalog=True).count() == 7
    downloads = [entry for entry in progress if entry[0] == "download"]
    assert downloads[-1] == ("download", len(served.body), len(served.body))
    assert (movielens_folder(mr.settings) / "ratings.csv").is_file()


async def test_the_data_set_is_downloaded_only_once(tmp_path: Path) -> None:
    served = ServedFile(movielens_zip())
    async with serve_file(served) as url:
        settings = _settings(tmp_path, url)
        first = await fetch_movielens(settings)
        second = await fetch_movielens(settings)
    assert first == second
    assert served.requests == 1
    assert sorted(p.name for p in first.iterdir()) == [
        "README.txt",
        "links.csv",
        "movies.csv",
        "ratings.csv",
        "tags.csv",
    ]
    assert not list(first.parent.glob("*.part"))


async def test_a_matching_sha256_is_accepted_and_a_wrong_one_refused(tmp_path: Path) -> None:
    body = movielens_zip()
    served = ServedFile(body)
    async with serve_file(served) as url:
        good = _settings(tmp_path / "a", url, movielens_sha256=hashlib.sha256(body).hexdigest())
        assert (await fetch_movielens(good)).is_dir()
        bad = _settings(tmp_path / "b", url, movielens_sha256="0" * 64)
        with pytest.raises(UpstreamError, match="MOVIEREC_MOVIELENS_SHA256"):
            await fetch_movielens(bad)
    assert not movielens_folder(bad).exists()


async def test_a_corrupt_archive_is_refused(tmp_path: Path) -> None:
    body = bytearray(movielens_zip())
    info = zipfile.ZipFile(BytesIO(bytes(body))).getinfo("ml-latest-small/ratings.csv")
    data_start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    body[data_start + info.compress_size // 2] ^= 0xFF  # inside the compressed ratings
    async with serve_file(ServedFile(bytes(body))) as url:
        with pytest.raises(UpstreamError, match="MovieLens"):
            await fetch_movielens(_settings(tmp_path, url))
    assert not movielens_folder(_settings(tmp_path, "http://x")).exists()


async def test_an_archive_without_ratings_is_not_a_movielens_data_set(tmp_path: Path) -> None:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("ml-latest-small/movies.csv", "movieId,title,genres\n")
        bundle.writestr("ml-latest-small/links.csv", "movieId,imdbId,tmdbId\n")
    async with serve_file(ServedFile(buffer.getvalue())) as url:
        with pytest.raises(UpstreamError, match=r"lacks ratings\.csv"):
            await fetch_movielens(_settings(tmp_path, url))


async def test_members_outside_the_data_set_folder_are_never_written(tmp_path: Path) -> None:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        source = zipfile.ZipFile(BytesIO(movielens_zip()))
        for info in source.infolist():
            bundle.writestr(info.filename, source.read(info))
        bundle.writestr("../../escape.csv", "boom")
        bundle.writestr("../../../elsewhere/ratings.csv", "boom")
    async with serve_file(ServedFile(buffer.getvalue())) as url:
        folder = await fetch_movielens(_settings(tmp_path, url))
    assert not (tmp_path / "escape.csv").exists()
    assert not (folder / "escape.csv").exists()
    assert (folder / "ratings.csv").read_text(encoding="utf-8").startswith("userId,")


async def test_an_http_error_is_upstream_unavailable(tmp_path: Path) -> None:
    async with serve_file(ServedFile(b"gone", status=404)) as url:
        with pytest.raises(UpstreamUnavailable, match="HTTP 404"):
            await fetch_movielens(_settings(tmp_path, url))


async def test_a_download_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    async with serve_file(ServedFile(b"x" * 4096)) as url:
        with pytest.raises(UpstreamError, match="byte limit"):
            await fetch_movielens(_settings(tmp_path, url, movielens_max_bytes=1024))


async def test_an_unreachable_server_is_upstream_unavailable(tmp_path: Path) -> None:
    with pytest.raises(UpstreamUnavailable, match="downloading"):
        await fetch_movielens(_settings(tmp_path, "http://127.0.0.1:9/ml.zip"))
