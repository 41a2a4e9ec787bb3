"""Celery tasks of the indicators app: thin, they call the importing services."""

from __future__ import annotations

from celery import shared_task

from .importing import uploads


@shared_task
def expire_unapplied() -> int:
    """The hourly sweep (celery beat): previewed uploads left unconfirmed for longer than
    UPLOAD_PREVIEW_HOURS expire, so they stop piling up; returns how many."""
    return uploads.expire_unapplied()
