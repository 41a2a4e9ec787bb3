"""The report build as a Celery task: thin, it takes the edition's key and renders it.

Queued only after the transaction that numbered the edition commits (``receivers.queue_build``).
Late acknowledgement (settings) means a worker killed mid-build leaves the task to be delivered
again; ``services.build_edition`` then claims and builds it once.
"""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def build_edition(edition_id: int) -> str:
    return services.build_edition(edition_id)


@shared_task
def requeue_waiting_builds() -> int:
    """The sweep (celery beat, every minute): builds never picked up, or whose worker died."""
    return len(services.requeue_waiting_builds())
