"""``movierec status``: whether the database and the cache answer (the readiness rule)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from movierec import HealthReport, MovieRec
from movierec_cli.options import JsonOption
from movierec_cli.render import print_json, print_table
from movierec_cli.runner import run


def status(json: JsonOption = False) -> None:
    """Check the database and the cache: ok, degraded (cache down) or down (exit 9).

    The same report as the server's ``GET /ready``.

    Example: movierec status --json
    """

    async def work(mr: MovieRec) -> HealthReport:
        return await mr.health()

    report = run(work)
    if json:
        print_json(report.as_dict())
    else:
        print_table(
            f"movierec is {report.status}",
            ["service", "kind", "answers"],
            [
                ("database", report.database_kind, "yes" if report.database else "no"),
                ("cache", report.cache_backend, "yes" if report.cache else "no"),
            ],
        )
    if report.status == "down":
        from movierec import ServiceUnavailable

        raise typer.Exit(ServiceUnavailable.exit_code)
