"""The environment of a real ``python -m movierec_server`` on embedded backends in a tmp folder."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def embedded_server_env(folder: Path) -> dict[str, str]:
    """This process's environment without movierec/TMDb settings, data and config in ``folder``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOVIEREC_", "TMDB_"))}
    env |= {
        "HOME": str(folder),
        "MOVIEREC_DATA_DIR": str(folder / "data"),
        "MOVIEREC_CONFIG_DIR": str(folder / "config"),
        "MOVIEREC_JWT_SECRET": "embedded-server-" + "e" * 40,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "cli"), str(ROOT / "server")]),
    }
    return env
