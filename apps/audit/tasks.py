"""The audit trail's Celery task: a thin wrapper around the pruner, retried while the database is unwell."""

from celery import shared_task
from django.db import DatabaseError

from apps.audit.prune import audit_prune
from apps.core.locks import cache_lock

PRUNE_TIME_LIMIT = 1900
# The lock outlives the task's hard time limit: only a killed worker's lock is ever left to expire.
LOCK_TTL = PRUNE_TIME_LIMIT + 60


@shared_task(
    autoretry_for=(DatabaseError,),
    retry_backoff=4,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=1800,
    time_limit=PRUNE_TIME_LIMIT,
)
def prune_audit_trail() -> int:
    """One pruner at a time, so the trail records each pruning once; how many events went."""
    with cache_lock(name="audit-prune", ttl=LOCK_TTL) as acquired:
        return audit_prune() if acquired else 0
