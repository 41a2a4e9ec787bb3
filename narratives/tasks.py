"""Celery tasks of the narrative workflow: thin, they take primary keys and reload.

Queued only after commit (see ``receivers``), so a rolled-back transition sends nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from celery import shared_task
from django.core.mail import EmailMessage
from django.db.models import QuerySet
from django.utils import timezone

from indicators.models import ReportingMonth

from . import notifications
from .models import Transition


def _send_once(rows: QuerySet, pk: int, messages: Callable[..., list[EmailMessage]]) -> int:
    """Send the e-mails of the row ``pk`` if they are still pending; returns e-mails sent.

    Claims the row first, so the sweep and a late delivery of the task never send twice; a
    failed send leaves it pending for the next sweep.
    """
    if not rows.filter(pk=pk, email_pending=True).update(email_pending=False):
        return 0
    try:
        return notifications.send(messages(rows.get(pk=pk)))
    except Exception:
        rows.filter(pk=pk).update(email_pending=True)
        raise


@shared_task
def send_month_opened_email(reporting_month_id: int) -> int:
    """Tell each author their narratives of a newly opened month, once; returns e-mails sent."""
    return _send_once(
        ReportingMonth.objects.select_related("framework"),
        reporting_month_id,
        notifications.month_opened_messages,
    )


@shared_task
def send_transition_email(transition_id: int) -> int:
    """Tell the people a transition concerns, once; returns e-mails sent."""
    return _send_once(
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
    return sum(send_month_opened_email(pk) for pk in months.values_list("pk", flat=True)) + sum(
        send_transition_email(pk) for pk in transitions.values_list("pk", flat=True)
    )


@shared_task
def send_reminders(today: str | None = None) -> int:
    """The daily reminders (celery beat); ``today`` as YYYY-MM-DD, default the local date."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return notifications.send(notifications.reminder_messages(day))
