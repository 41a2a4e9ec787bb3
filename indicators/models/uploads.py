"""Uploaded files, kept whole and identified by checksum: a confirm applies what was previewed."""

from __future__ import annotations

from django.conf import settings
from django.db import models

# The storage lives in ``indicators.storage``; migrations 0002 (and reports 0001) still name it
# ``indicators.models.uploads.private_storage``, which this import keeps resolving.
from ..storage import private_storage


class Upload(models.Model):
    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed, not applied"
        REFUSED = "refused", "Refused (errors)"
        APPLIED = "applied", "Applied"
        REVERTED = "reverted", "Reverted"

    kind = models.CharField(max_length=20)
    file = models.FileField(upload_to="uploads/%Y/%m/", storage=private_storage)
    file_name = models.CharField(max_length=255)
    checksum = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    new_rows = models.PositiveIntegerField(default=0)
    changed_rows = models.PositiveIntegerField(default=0)
    unchanged_rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="uploads"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    reverted_at = models.DateTimeField(null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"Upload #{self.pk} {self.file_name} ({self.kind})"
