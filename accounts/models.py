"""What the product keeps about a person beyond Django's user: the role title a report prints."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """A person's own details, one-to-one with the user (edited with the user in the admin)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role_title = models.CharField(
        max_length=200,
        blank=True,
        help_text="as reports print it after the name: Head of Service - Corporate Parenting",
    )

    def __str__(self) -> str:
        return f"{self.user}: {self.role_title}" if self.role_title else str(self.user)
