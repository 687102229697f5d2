"""Use movierec from another program: open it, ask it things, close it.

Run: python docs/examples/embed.py  (uses SQLite in a temporary folder, no services)
"""

import asyncio
import tempfile
from pathlib import Path

from movierec import MovieRec, Settings


async def main(folder: Path) -> None:
    settings = Settings.load(data_dir=folder, database_url=f"sqlite://{folder / 'demo.sqlite3'}")
    async with MovieRec(settings) as mr:
        health = await mr.health()
        print("health:", health.status, health.database_kind, health.cache_backend)
        jobs = [job.name for job in mr.jobs.available()]
        print("jobs:", ", ".join(jobs))
        report = await mr.jobs.run("prune")
        print("prune removed:", report.result)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(main(Path(tmp)))
