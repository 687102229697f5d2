"""Operations: usage accounting, monitoring, housekeeping, notifications and background jobs.

``mr.usage`` (:class:`UsageRecorder`) counts TMDb calls and cache lookups and flushes them to
the ``ApiUsage`` table; ``mr.monitoring`` answers admins and ``/metrics``; ``mr.maintenance``
prunes old rows; ``mr.notifier`` delivers messages; ``mr.jobs`` runs the named batch jobs
that the CLI and the Celery worker (:mod:`movierec.operations.tasks`, the ``worker`` extra,
not imported here) schedule.
"""

from movierec.operations.health import Health, HealthReport, Liveness, WorkerCount
from movierec.operations.jobs import JOBS, Job, JobContext, JobResult, Jobs
from movierec.operations.maintenance import Maintenance, PruneReport
from movierec.operations.monitoring import (
    CacheCounters,
    Monitoring,
    MonitoringSnapshot,
    TmdbCallTotal,
)
from movierec.operations.notify import (
    LogNotifier,
    Notification,
    Notifier,
    SmtpNotifier,
    make_notifier,
)
from movierec.operations.recorder import UsageRecorder
from movierec.operations.report import UsageReport, UsageRow, bucket_start
from movierec.operations.tally import LATENCY_BOUNDS_MS, LATENCY_BUCKETS, status_class
from movierec.operations.timespec import parse_since

__all__ = [
    "JOBS",
    "LATENCY_BOUNDS_MS",
    "LATENCY_BUCKETS",
    "CacheCounters",
    "Health",
    "HealthReport",
    "Job",
    "JobContext",
    "JobResult",
    "Jobs",
    "Liveness",
    "LogNotifier",
    "Maintenance",
    "Monitoring",
    "MonitoringSnapshot",
    "Notification",
    "Notifier",
    "PruneReport",
    "SmtpNotifier",
    "TmdbCallTotal",
    "UsageRecorder",
    "UsageReport",
    "UsageRow",
    "WorkerCount",
    "bucket_start",
    "make_notifier",
    "parse_since",
    "status_class",
]
