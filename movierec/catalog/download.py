"""Fetching ml-latest-small from GroupLens once, into the data folder, and checking it.

The archive is streamed to a temporary file (bounded by ``movielens_max_bytes``), then
checked before anything is extracted: the byte count matches ``Content-Length``, the
SHA-256 matches ``movielens_sha256`` when that setting is given (GroupLens publishes only
an MD5 next to the file, and the archive has been re-zipped in the past, so no digest is
pinned by default), the zip's CRCs are intact (``ZipFile.testzip``) and the members a
MovieLens folder needs are present. Only those members are extracted, flat, so a crafted
archive cannot write outside the target folder. A later call finds the folder and
downloads nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import zipfile
import zlib
from pathlib import Path

import aiohttp

from movierec.catalog.movielens import REQUIRED_FILES
from movierec.config import Settings
from movierec.errors import UpstreamError, UpstreamUnavailable
from movierec.types import Progress

__all__ = ["DATASET_NAME", "fetch_movielens", "movielens_folder"]

DATASET_NAME = "ml-latest-small"
_MEMBER = re.compile(r"^(?:[^/]+/)?(movies|links|ratings|tags)\.csv$|^(?:[^/]+/)?README\.txt$")
_CHUNK = 64 * 1024
DOWNLOAD_TIMEOUT = 300.0
_MAX_UNPACK_RATIO = 50  # CSV compresses about 4:1; far more means a zip bomb


def movielens_folder(settings: Settings) -> Path:
    """Where the downloaded data set lives: ``<data_dir>/movielens/ml-latest-small``."""
    return Path(settings.data_dir) / "movielens" / DATASET_NAME


def _complete(folder: Path) -> bool:
    return all((folder / name).is_file() for name in REQUIRED_FILES)


async def fetch_movielens(
    settings: Settings,
    *,
    progress: Progress | None = None,
) -> Path:
    """The local ml-latest-small folder, downloading and checking it on first use."""
    folder = movielens_folder(settings)
    if await asyncio.to_thread(_complete, folder):
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = folder.parent / f"{DATASET_NAME}.zip.part"
    try:
        digest = await _download(settings, partial, progress)
        if settings.movielens_sha256 and digest != settings.movielens_sha256.lower():
            raise UpstreamError(
                f"the MovieLens download does not match MOVIEREC_MOVIELENS_SHA256 (got {digest})"
            )
        await asyncio.to_thread(_extract, partial, folder)
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
    return folder


async def _download(settings: Settings, target: Path, progress: Progress | None) -> str:
    url = settings.movielens_url
    limit = settings.movielens_max_bytes
    digest = hashlib.sha256()
    received = 0
    try:
        async with (
            aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=DOWNLOAD_TIMEOUT, sock_read=60)
            ) as session,
            session.get(url) as response,
        ):
            if response.status != 200:
                raise UpstreamUnavailable(f"downloading {url} failed: HTTP {response.status}")
            expected = response.content_length
            if expected is not None and expected > limit:
                raise UpstreamError(f"{url} is {expected} bytes, over the {limit} byte limit")
            total = expected or None
            if progress:
                progress(0, total, "download")
            with target.open("wb") as handle:
                async for chunk in response.content.iter_chunked(_CHUNK):
                    received += len(chunk)
                    if received > limit:
                        raise UpstreamError(f"{url} is over the {limit} byte limit")
                    digest.update(chunk)
                    handle.write(chunk)
                    if progress:
                        progress(received, total, "download")
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise UpstreamUnavailable(f"downloading {url} failed: {exc or type(exc).__name__}") from exc
    if expected is not None and received != expected:
        raise UpstreamUnavailable(
            f"downloading {url} was cut short ({received} of {expected} bytes)"
        )
    return digest.hexdigest()


def _extract(archive: Path, folder: Path) -> None:
    """Check the archive and extract the MovieLens members into ``folder``."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            broken = bundle.testzip()
            if broken is not None:
                raise UpstreamError(f"the MovieLens archive is corrupt ({broken})")
            members = {
                Path(info.filename).name: info
                for info in bundle.infolist()
                if not info.is_dir() and _MEMBER.match(info.filename)
            }
            unpacked = sum(info.file_size for info in members.values())
            if unpacked > _MAX_UNPACK_RATIO * archive.stat().st_size:
                raise UpstreamError("the MovieLens archive unpacks to an implausible size")
            missing = [name for name in REQUIRED_FILES if name not in members]
            if missing:
                raise UpstreamError(
                    f"the MovieLens archive lacks {', '.join(missing)}: not a MovieLens data set"
                )
            staging = folder.with_name(folder.name + ".tmp")
            staging.mkdir(parents=True, exist_ok=True)
            for name, info in members.items():
                (staging / name).write_bytes(bundle.read(info))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as exc:
        raise UpstreamError(f"the MovieLens download is not a valid zip archive: {exc}") from exc
    if folder.exists():
        for old in folder.iterdir():
            old.unlink()
        folder.rmdir()
    staging.rename(folder)
