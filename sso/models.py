"""A directory identity: which account a person of the council's identity provider signs in as."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DirectoryIdentity(models.Model):
    """The provider's stable subject (``iss`` + ``sub``) linked to one account.

    Accounts are found by subject, never by e-mail or username: those are reassigned when people
    leave, and a new starter must never inherit a leaver's account.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_identity"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "directory identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_account_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
