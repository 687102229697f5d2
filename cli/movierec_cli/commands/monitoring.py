"""``movierec admin usage``, ``audit`` and ``quality``: monitoring for admins.

Registered onto the accounts area's ``admin`` group by :func:`register`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Literal

import typer

if TYPE_CHECKING:
    from movierec import (
        AuditPage,
        MovieRec,
        Principal,
        QualityReport,
        UsageReport,
        UsageRow,
    )
from movierec_cli.options import JsonOption, PageOption, SizeOption
from movierec_cli.render import page_caption, print_json, print_table, styled
from movierec_cli.session import run_authed

__all__ = ["audit", "quality", "register", "sparkline", "usage"]

_BARS = "▁▂▃▄▅▆▇█"

SinceOption = Annotated[
    str | None,
    typer.Option("--since", help="A span before now (90m, 24h, 7d, 2w) or an ISO date."),
]


def sparkline(values: Sequence[float], top: float | None = None) -> str:
    """One bar per value, scaled to ``top`` (default the largest; all zeros: the lowest bar)."""
    top = max(values, default=0) if top is None else top
    if top <= 0:
        return _BARS[0] * len(values)
    return "".join(_BARS[min(len(_BARS) - 1, round(v / top * (len(_BARS) - 1)))] for v in values)


def _buckets(report: UsageReport) -> list[datetime]:
    """Every bucket from ``since`` (or the first with data) to now, the last 48 at most."""
    from movierec import bucket_start

    starts = sorted({row.bucket for row in report.rows if row.bucket is not None})
    if not starts:
        return []
    step = timedelta(days=1) if report.bucket == "day" else timedelta(hours=1)
    first = starts[0]
    if report.since is not None:
        first = min(first, bucket_start(report.since, report.bucket))
    last = max(starts[-1], bucket_start(report.until, report.bucket))
    times, moment = [], first
    while moment <= last:
        times.append(moment)
        moment += step
    return times[-48:]


def _series(report: UsageReport, endpoint: str, times: list[datetime]) -> list[int]:
    per_bucket = {row.bucket: row.calls for row in report.rows if row.endpoint == endpoint}
    return [per_bucket.get(moment, 0) for moment in times]


def _latency(row: UsageRow) -> str | None:
    values = (row.latency_p50_ms, row.latency_p95_ms, row.latency_p99_ms)
    if values[0] is None:
        return None
    return "/".join("-" if v is None else f"{v:.0f}" for v in values)


def _row_cells(row: UsageRow, trend: str) -> list[object]:
    statuses = " ".join(f"{k}:{v}" for k, v in row.status.items()) or None
    ratio = None if row.hit_ratio is None else f"{row.hit_ratio:.0%}"
    counts = f"{row.retries}/{row.stale_serves}/{row.rate_limit_waits}"
    return [row.endpoint, row.calls, statuses, ratio, counts, _latency(row), trend]


def usage(
    since: SinceOption = "24h",
    bucket: Annotated[
        Literal["hour", "day"], typer.Option("--bucket", help="Group by hour or by day.")
    ] = "hour",
    json: JsonOption = False,
) -> None:
    """TMDb usage per endpoint: calls, statuses, retries, cache hits, latency, trend."""
    from movierec import parse_since

    async def work(mr: MovieRec, principal: Principal) -> UsageReport:
        start = parse_since(since, mr.clock)
        return await mr.monitoring.usage(principal, since=start, bucket=bucket)

    report = run_authed(work)
    if json:
        print_json(report)
        return
    times = _buckets(report)
    rows = [
        _row_cells(row, sparkline(_series(report, row.endpoint, times))) for row in report.endpoints
    ]
    span = f"since {report.since:%Y-%m-%d %H:%M} UTC" if report.since else "all time"
    columns = ["endpoint", "calls", "status", "hits", "retry/stale/wait", "p50/95/99 ms"]
    columns.append(f"calls per {report.bucket}")
    print_table(f"TMDb usage {span}", columns, rows, caption=f"{len(times)} {bucket}s")


def audit(
    action: Annotated[
        str | None, typer.Option("--action", help="Only this action, e.g. login.")
    ] = None,
    actor: Annotated[
        str | None, typer.Option("--actor", help="Only events by this username or user id.")
    ] = None,
    since: SinceOption = None,
    failed: Annotated[bool, typer.Option("--failed", help="Only failed attempts.")] = False,
    page: PageOption = 1,
    size: SizeOption = 50,
    json: JsonOption = False,
) -> None:
    """The audit log: who did what, when, from where; newest first."""
    from movierec import parse_since

    async def work(mr: MovieRec, principal: Principal) -> AuditPage:
        return await mr.audit.search(
            principal,
            action=action,
            actor=actor,
            since=parse_since(since, mr.clock),
            success=False if failed else None,
            page=page,
            size=size,
        )

    result = run_authed(work)
    if json:
        print_json(result)
        return
    rows = [
        [
            f"{e.created_at:%Y-%m-%d %H:%M:%S}",
            e.action,
            e.actor or e.actor_id,
            e.target or e.target_id,
            e.ip,
            "yes" if e.success else styled("no", "red"),
            " ".join(f"{k}={v}" for k, v in e.details.items()) or None,
        ]
        for e in result.items
    ]
    print_table(
        "Audit log",
        ["when (UTC)", "action", "actor", "target", "ip", "ok", "details"],
        rows,
        caption=page_caption(result, "events"),
    )


def _percent(share: float | None) -> str | None:
    return None if share is None else f"{share:.1%}"


def quality(
    days: Annotated[int, typer.Option(min=1, max=366, help="UTC days up to today.")] = 30,
    window: Annotated[
        int, typer.Option(min=1, max=90, help="Days a favorite may follow the showing.")
    ] = 7,
    json: JsonOption = False,
) -> None:
    """Online quality: served recommendations favorited within the window, per day."""

    async def work(mr: MovieRec, principal: Principal) -> QualityReport:
        return await mr.recommend.quality(principal, days=days, window=window)

    report = run_authed(work)
    if json:
        print_json(report)
        return
    shares = [r.tally.share or 0.0 for r in report.days]
    controls = [r.tally.control_share or 0.0 for r in report.days]
    top = max([*shares, *controls], default=0.0)
    rows = [
        [
            f"{r.day:%Y-%m-%d}" + ("" if r.complete else " *"),
            r.tally.served,
            r.tally.favorited,
            _percent(r.tally.share),
            _percent(r.tally.control_share),
            sparkline([share, control], top),
        ]
        for r, share, control in zip(report.days, shares, controls, strict=True)
        if r.tally.served
    ]
    totals = report.totals
    print_table(
        f"Recommendations favorited within {report.window_days} days, "
        f"{report.since:%Y-%m-%d} to {report.until:%Y-%m-%d}",
        ["day", "served", "favorited", "share", "popularity control", "share | control"],
        rows,
        caption=f"served {sparkline(shares, top)}  control {sparkline(controls, top)}\n"
        f"complete days: {_percent(totals.share) or '-'} of {totals.served} served, "
        f"control {_percent(totals.control_share) or '-'} of {totals.control_served}"
        " (* window still open)",
    )


def register(admin_app: typer.Typer) -> None:
    """Add ``usage``, ``audit`` and ``quality`` to the ``movierec admin`` group."""
    admin_app.command("usage")(usage)
    admin_app.command("audit")(audit)
    admin_app.command("quality")(quality)
