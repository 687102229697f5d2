"""The model a serving process holds: the newest published version, swapped in place.

:meth:`ModelHolder.get` answers from memory, and at most every ``check_seconds`` asks the
database for the newest version id (one index lookup); a newer one is loaded and swapped
in without a restart. A damaged version is logged, remembered and skipped: the process
keeps what it holds, or falls back to the newest older version that loads.

Serving processes never fit, with one exception: the embedded single-process default
(``fit_on_demand``) fits in-process on first use while nothing is published, says so in
the log, and refits after ``refit_seconds`` until a version is published.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from movierec.clock import Clock
from movierec.errors import ModelUnavailable
from movierec.recommend.model import HybridModel
from movierec.recommend.published import ModelStore

__all__ = ["Held", "ModelHolder"]

log = logging.getLogger(__name__)

LocalFit = Callable[[], Awaitable[HybridModel]]


@dataclass(frozen=True, slots=True)
class Held:
    """A model in memory: its published version (``None``: fitted here) and when it came."""

    model: HybridModel
    version: int | None
    since: float


class ModelHolder:
    """Holds one model per process and keeps it current."""

    def __init__(
        self,
        store: ModelStore,
        clock: Clock,
        *,
        check_seconds: float,
        fit_on_demand: bool,
        refit_seconds: float,
        local_fit: LocalFit,
    ) -> None:
        self._store = store
        self._clock = clock
        self._check_seconds = check_seconds
        self._fit_on_demand = fit_on_demand
        self._refit_seconds = refit_seconds
        self._local_fit = local_fit
        self._held: Held | None = None
        self._next_check = 0.0
        self._bad: set[int] = set()
        self._lock = asyncio.Lock()

    @property
    def held(self) -> Held | None:
        """What is held now (``None`` before the first :meth:`get`)."""
        return self._held

    async def get(self, *, check: bool = False) -> HybridModel:
        """The current model; ``check`` looks for a newer version now."""
        held = self._held
        if held is not None and not check and self._clock.now() < self._next_check:
            return held.model
        async with self._lock:
            if self._held is not None and not check and self._clock.now() < self._next_check:
                return self._held.model
            await self._update(force_refit=check)
            assert self._held is not None
            return self._held.model

    def install(self, model: HybridModel, version: int | None) -> None:
        """Hold ``model`` now (a fit this process just published, or made locally)."""
        self._held = Held(model, version, self._clock.now())
        self._next_check = self._clock.now() + self._check_seconds

    def extend(self, model: HybridModel) -> None:
        """Keep a copy of the held model that knows more items (same version)."""
        held = self._held
        if held is not None and len(model.items) > len(held.model.items):
            self._held = Held(model, held.version, held.since)

    async def _update(self, *, force_refit: bool) -> None:
        now = self._clock.now()
        self._next_check = now + self._check_seconds
        newest = await self._store.newest_id()
        held = self._held
        if newest is not None and (held is None or held.version is None or newest > held.version):
            await self._load_from(newest)
        held = self._held
        if held is not None and held.version is not None:
            return
        if not self._fit_on_demand and held is None and newest is not None:
            raise ModelUnavailable(
                "no published recommendation model can be loaded (every version is damaged): "
                "run `movierec model fit`",
                details={"skipped_versions": sorted(self._bad)},
            )
        if not self._fit_on_demand:
            raise ModelUnavailable(
                "no recommendation model is published yet: run `movierec model fit` "
                "(or the fit-model job) once the catalog is imported",
                details={"hint": "movierec model fit"},
            )
        if held is None or force_refit or now - held.since >= self._refit_seconds:
            log.warning(
                "no published recommendation model: fitting one in this process "
                "(embedded mode; publish one with `movierec model fit`)"
            )
            self.install(await self._local_fit(), None)

    async def _load_from(self, newest: int) -> None:
        held = self._held
        candidates = [newest, *await self._store.older_ids(newest)] if held is None else [newest]
        for version in candidates:
            if version in self._bad:
                continue
            try:
                model = await self._store.load(version)
            except ModelUnavailable as exc:
                self._bad.add(version)
                log.error("model version %s cannot be used, skipped: %s", version, exc.message)
                continue
            if held is not None:
                log.info("model version %s replaces version %s", version, held.version)
            else:
                log.info("model version %s loaded", version)
            self.install(model, version)
            return
