"""The TMDb v3 client (aiohttp), its response types, retry policy and error mapping.

>>> client = TMDbClient(settings, limiter=mr.limiter, usage=mr.usage)  # doctest: +SKIP

``MovieRec`` builds one as ``mr.tmdb`` when a TMDb credential is configured.
"""

from movierec.tmdb.client import OUTBOUND_KEY, CallRecorder, TMDbClient
from movierec.tmdb.responses import ImageConfiguration, TMDbConfiguration
from movierec.tmdb.retry import RETRYABLE_STATUSES, RetryPolicy, parse_retry_after
from movierec.types import poster_url

__all__ = [
    "OUTBOUND_KEY",
    "RETRYABLE_STATUSES",
    "CallRecorder",
    "ImageConfiguration",
    "RetryPolicy",
    "TMDbClient",
    "TMDbConfiguration",
    "parse_retry_after",
    "poster_url",
]
