"""Side effects of the workflow, hung off signals and queued to run only after commit."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from indicators.queueing import enqueue_on_commit
from indicators.signals import month_opened

from . import services, tasks
from .models import Transition
from .signals import transitioned


@receiver(month_opened, dispatch_uid="narratives.create_on_month_opened")
def create_narratives_on_month_opened(
    sender: Any, reporting_month: Any, actor: Any, **_: Any
) -> None:
    """A month that opens gets its narratives at once, and their authors an e-mail after commit."""
    services.create_month_narratives(reporting_month, actor)
    type(reporting_month).objects.filter(pk=reporting_month.pk).update(email_pending=True)
    enqueue_on_commit(tasks.send_month_opened_email, reporting_month.pk)


@receiver(transitioned, dispatch_uid="narratives.notify_on_transition")
def notify_on_transition(sender: Any, transition: Transition, **_: Any) -> None:
    if transition.email_pending:
        enqueue_on_commit(tasks.send_transition_email, transition.pk)
