"""The report build queued after commit, when ``services`` asks for it."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from indicators.queueing import enqueue, enqueue_on_commit

from . import tasks
from .signals import build_wanted, edition_ready


@receiver(build_wanted, dispatch_uid="reports.queue_build")
def queue_build(sender: Any, edition_id: int, now: bool = False, **_: Any) -> None:
    """After the asking transaction commits, or ``now`` (the sweep, which commits nothing)."""
    if now:
        enqueue(tasks.build_edition, edition_id)
    else:
        enqueue_on_commit(tasks.build_edition, edition_id)


@receiver(edition_ready, dispatch_uid="reports.queue_edition_email")
def queue_edition_email(sender: Any, edition_id: int, **_: Any) -> None:
    """The approvers (a draft to sign off) or the panel (an issue), once the build commits."""
    enqueue_on_commit(tasks.send_edition_email, edition_id)
