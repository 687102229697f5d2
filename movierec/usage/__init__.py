"""TMDb usage and latency accounting for admins (``mr.usage``).

:class:`UsageRecorder` counts calls and cache lookups in memory, flushes them in batches
to the ``ApiUsage`` table, and answers :meth:`UsageRecorder.summary` with a typed
:class:`UsageReport`.
"""

from movierec.usage.recorder import UsageRecorder
from movierec.usage.report import UsageReport, UsageRow
from movierec.usage.tally import LATENCY_BOUNDS_MS, LATENCY_BUCKETS, status_class

__all__ = [
    "LATENCY_BOUNDS_MS",
    "LATENCY_BUCKETS",
    "UsageRecorder",
    "UsageReport",
    "UsageRow",
    "status_class",
]
