"""Celery tasks of the narrative workflow: thin, they take primary keys and reload.

Queued only after commit (see ``receivers``), so a rolled-back transition sends nothing.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from indicators.models import ReportingMonth

from . import notifications
from .models import Transition


@shared_task
def send_month_opened_email(reporting_month_id: int) -> int:
    """Tell each author their narratives of a newly opened month, once; returns e-mails sent."""
    # Claim first, so the sweep and a late delivery of this task never send it twice.
    if not ReportingMonth.objects.filter(pk=reporting_month_id, email_pending=True).update(
        email_pending=False
    ):
        return 0
    reporting_month = ReportingMonth.objects.select_related("framework").get(pk=reporting_month_id)
    try:
        return notifications.send(notifications.month_opened_messages(reporting_month))
    except Exception:
        ReportingMonth.objects.filter(pk=reporting_month_id).update(email_pending=True)
        raise


@shared_task
def send_transition_email(transition_id: int) -> int:
    """Tell the people a transition concerns, once; returns e-mails sent."""
    # Claim first, so the sweep and a late delivery of this task never send it twice.
    if not Transition.objects.filter(pk=transition_id, email_pending=True).update(
        email_pending=False
    ):
        return 0
    transition = Transition.objects.select_related(
        "by", "narrative__section", "narrative__reporting_month__framework"
    ).get(pk=transition_id)
    try:
        return notifications.send(notifications.transition_messages(transition))
    except Exception:
        Transition.objects.filter(pk=transition_id).update(email_pending=True)
        raise


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
