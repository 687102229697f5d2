"""Published model versions: the ``model_versions`` table every host reads.

A fit is encoded (:mod:`movierec.recommend.artifact`) and inserted as one row; readers
ask for ``max(id)`` (an index lookup) and fetch a blob only when it is new to them.
Encoding and decoding run in a thread; the newest ``keep`` versions are kept.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from movierec.db.models import ModelVersion
from movierec.errors import ModelUnavailable
from movierec.recommend.artifact import FORMAT, decode, encode
from movierec.recommend.model import HybridModel

__all__ = ["ModelInfo", "ModelStore"]

_LISTED = ("id", "created_at", "format", "ratings", "users", "items", "size_bytes", "fit_seconds")


class ModelInfo(BaseModel):
    """One published version, as ``movierec model status`` lists it."""

    model_config = ConfigDict(frozen=True)

    id: int
    created_at: datetime
    format: int
    ratings: int
    users: int
    items: int
    size_bytes: int
    fit_seconds: float


class ModelStore:
    """Writes, lists, loads and prunes model versions in the database."""

    def __init__(self, keep: int) -> None:
        self.keep = keep

    async def publish(
        self, model: HybridModel, *, ratings: int, users: int, fit_seconds: float
    ) -> ModelInfo:
        """Store ``model`` as the newest version, then prune the oldest beyond ``keep``."""
        meta: dict[str, Any] = {
            "ratings": ratings,
            "users": users,
            "items": len(model.items),
            "fit_seconds": round(fit_seconds, 3),
        }
        blob = await asyncio.to_thread(encode, model, meta)
        row = await ModelVersion.create(
            format=FORMAT,
            ratings=ratings,
            users=users,
            items=len(model.items),
            size_bytes=len(blob),
            fit_seconds=round(fit_seconds, 3),
            checksum=hashlib.sha256(blob).hexdigest(),
            meta=meta,
            blob=blob,
        )
        del blob
        await self.prune()
        return _info(row)

    async def newest_id(self) -> int | None:
        """The id of the newest version (one index lookup), or ``None``."""
        found: Any = await ModelVersion.all().order_by("-id").limit(1).values_list("id", flat=True)
        return int(found[0]) if found else None

    async def versions(self) -> list[ModelInfo]:
        """Every kept version, newest first (blobs are not read)."""
        rows = await ModelVersion.all().order_by("-id").values(*_LISTED)
        return [ModelInfo.model_validate(row) for row in rows]

    async def older_ids(self, than: int) -> list[int]:
        """Ids of versions older than ``than``, newest first (the fallbacks)."""
        found: Any = (
            await ModelVersion.filter(id__lt=than).order_by("-id").values_list("id", flat=True)
        )
        return [int(i) for i in found]

    async def load(self, version: int) -> HybridModel:
        """Decode version ``version``; ``ModelUnavailable`` when gone or damaged."""
        rows: Any = await ModelVersion.filter(id=version).values_list("blob", "checksum")
        if not rows:
            raise ModelUnavailable(
                f"model version {version} does not exist", details={"version": version}
            )
        blob, checksum = bytes(rows[0][0]), rows[0][1]
        if hashlib.sha256(blob).hexdigest() != checksum:
            raise ModelUnavailable(
                f"model version {version} is damaged (checksum mismatch)",
                details={"version": version},
            )
        model, _ = await asyncio.to_thread(decode, blob)
        if not isinstance(model, HybridModel):
            raise ModelUnavailable(
                f"model version {version} holds no recommendation model",
                details={"version": version},
            )
        return model

    async def prune(self) -> int:
        """Delete versions beyond the newest ``keep``; how many went."""
        keep: Any = (
            await ModelVersion.all().order_by("-id").limit(self.keep).values_list("id", flat=True)
        )
        if not keep:
            return 0
        return int(await ModelVersion.filter(id__lt=min(int(i) for i in keep)).delete())


def _info(row: ModelVersion) -> ModelInfo:
    return ModelInfo.model_validate({name: getattr(row, name) for name in _LISTED})
