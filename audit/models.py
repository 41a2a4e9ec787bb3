"""The audit log: one append-only table of events, written by every service verb and the admin.

An event is written in the same transaction as the change it records, so a change that rolls back
leaves no event and a change that commits always has one. Nothing in the product updates or
deletes an event, and the database refuses it too (triggers created in migration 0001).
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class Event(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Who acted: a user, or nobody when the system did (actor_name "system") or when nobody
    # could be identified (a failed sign-in: actor_name is the username tried). An account with
    # events cannot be deleted, only deactivated: the log keeps who did what.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150, db_index=True)
    verb = models.CharField(max_length=60, db_index=True, help_text="e.g. upload.applied")
    # What it was done to: the model's label (``indicators.upload``), its key and its name then.
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_event_target")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.verb} {self.target_repr}"

    @property
    def kind(self) -> str:
        """The part of the verb before the dot: ``upload``, ``narrative``, ``auth``…"""
        return self.verb.partition(".")[0]
