"""The report build as a Celery task: thin, it takes the edition's key and renders it.

Queued only after the transaction that numbered the edition commits (``receivers.queue_build``).
Late acknowledgement (settings) means a worker killed mid-build leaves the task to be delivered
again; ``services.build_edition`` then claims and builds it once.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from narratives.tasks import send_once

from . import notifications, services
from .models import Edition

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def build_edition(edition_id: int) -> str:
    return services.build_edition(edition_id)


@shared_task
def requeue_waiting_builds() -> int:
    """The sweep (celery beat, every minute): builds never picked up, or whose worker died."""
    return len(services.requeue_waiting_builds())


@shared_task
def send_edition_email(edition_id: int) -> int:
    """Tell the approvers (a draft to sign off) or the panel (an issue) once; returns e-mails
    sent. The pending flag makes it once: see ``narratives.tasks.send_once``."""
    return send_once(
        Edition.objects.select_related("reporting_month", "framework"),
        edition_id,
        notifications.edition_messages,
    )


@shared_task
def send_pending_edition_emails(older_than_seconds: int = 120) -> int:
    """The sweep (celery beat): editions whose e-mail task never ran; returns e-mails sent."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    sent = 0
    for pk in Edition.objects.filter(email_pending=True, built_at__lt=cutoff).values_list(
        "pk", flat=True
    ):
        try:
            sent += send_edition_email(pk)
        except Exception:  # one edition's failure must not stop the e-mails of the others
            log.exception("The sweep could not send the e-mail of edition %s", pk)
    return sent
