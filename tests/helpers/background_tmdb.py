"""The fake TMDb server (``movierec.testing.FakeTMDb``) on its own event loop thread.

A served app is another process; the fake it talks to must keep serving while the test
blocks on HTTP calls, so it runs on a background loop. Its fault controls (``slow``,
``fail_next``, ...) only set attributes and are safe to call from the test thread.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any


class BackgroundTMDb:
    """``FakeTMDb`` served from a private thread."""

    def __init__(self) -> None:
        from movierec.testing import FakeTMDb

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.fake: Any = FakeTMDb()
        asyncio.run_coroutine_threadsafe(self.fake.start(), self._loop).result(30)

    def env(self) -> dict[str, str]:
        """``MOVIEREC_*`` variables pointing a served app at the fake, with its credential."""
        return {
            "MOVIEREC_TMDB_BASE_URL": self.fake.base_url,
            "MOVIEREC_TMDB_READ_ACCESS_TOKEN": self.fake.read_access_token,
        }

    def close(self) -> None:
        """Stop the fake (slow replies in progress end at once) and its thread."""
        asyncio.run_coroutine_threadsafe(self.fake.close(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()


def tmdb_env(fake: BackgroundTMDb) -> dict[str, str]:
    """A served app's TMDb settings: the fake's."""
    return fake.env()
