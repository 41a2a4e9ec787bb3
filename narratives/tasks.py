"""Celery tasks of the narrative workflow: thin, they take primary keys and reload.

Queued only after commit (see ``receivers``), so a rolled-back transition sends nothing. An
e-mail that cannot be sent is recorded in the audit log (``email.failed``) and never stops the
others, nor the sweep.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from celery import shared_task
from django.core.mail import EmailMessage
from django.db.models import Model, QuerySet
from django.utils import timezone

import audit
from accounts.actors import SYSTEM
from indicators.models import ReportingMonth

from . import notifications
from .models import Transition

log = logging.getLogger(__name__)


def _deliver(messages: list[EmailMessage], about: Model | None) -> notifications.Delivery:
    """Send ``messages``; each that fails is recorded as ``email.failed`` about ``about``."""
    delivery = notifications.send(messages)
    for message, error in delivery.failed:
        audit.record(
            SYSTEM,
            "email.failed",
            about,
            to=", ".join(message.to),
            subject=message.subject,
            error=f"{type(error).__name__}: {error}"[:500],
        )
    return delivery


def send_once(rows: QuerySet, pk: int, messages: Callable[..., list[EmailMessage]]) -> int:
    """Send the e-mails of the row ``pk`` if they are still pending; returns e-mails sent.

    Claims the row first, so the sweep and a late delivery of the task never send twice. When
    the mail server could not be reached and nothing went, the row is pending again for the
    next sweep; an e-mail refused on its own (a bad address) is recorded, not retried.
    """
    if not rows.filter(pk=pk, email_pending=True).update(email_pending=False):
        return 0
    row = rows.get(pk=pk)
    delivery = _deliver(messages(row), row)
    if delivery.failed and delivery.server_down:
        rows.filter(pk=pk).update(email_pending=True)
    return delivery.sent


@shared_task
def send_month_opened_email(reporting_month_id: int) -> int:
    """Tell each author their narratives of a newly opened month, once; returns e-mails sent."""
    return send_once(
        ReportingMonth.objects.select_related("framework"),
        reporting_month_id,
        notifications.month_opened_messages,
    )


@shared_task
def send_transition_email(transition_id: int) -> int:
    """Tell the people a transition concerns, once; returns e-mails sent."""
    return send_once(
        Transition.objects.select_related(
            "by", "narrative__section", "narrative__reporting_month__framework"
        ),
        transition_id,
        notifications.transition_messages,
    )


@shared_task
def send_pending_emails(older_than_seconds: int = 120) -> int:
    """The sweep (celery beat): send the e-mails of opened months and transitions whose task
    never ran, e.g. because the broker was down when they committed; returns e-mails sent."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    months = ReportingMonth.objects.filter(email_pending=True, opened_at__lt=cutoff)
    transitions = Transition.objects.filter(email_pending=True, at__lt=cutoff)
    work = [(send_month_opened_email, pk) for pk in months.values_list("pk", flat=True)]
    work += [(send_transition_email, pk) for pk in transitions.values_list("pk", flat=True)]
    sent = 0
    for task, pk in work:
        try:
            sent += task(pk)
        except Exception:  # one row's failure must not stop the e-mails of the others
            log.exception("The sweep could not send %s(%s); it goes on with the others", task, pk)
    return sent


@shared_task
def send_reminders(today: str | None = None) -> int:
    """The daily reminders (celery beat); ``today`` as YYYY-MM-DD, default the local date."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return _deliver(notifications.reminder_messages(day), None).sent
