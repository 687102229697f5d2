"""Coordination state that workers share but that is neither truth nor cache.

Login lockout counters and API rate buckets live here: in Redis under their own key
prefix (``Settings.resolved_coordination_prefix``), apart from the cache, so clearing
the cache never resets a lockout; in-process when there is no Redis. Revocation is not
here: the database decides it (see :mod:`movierec.accounts.guard`).
"""

from movierec.coordination.store import CoordinationStore

__all__ = ["CoordinationStore"]
