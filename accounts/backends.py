"""Password sign-in: everyone's without single sign-on; with it, only the LOCAL_ACCOUNTS listed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


def password_sign_in_allowed(username: str) -> bool:
    """May ``username`` sign in with a password? (Emergency access and co-opted members only,
    each listed in LOCAL_ACCOUNTS, while single sign-on is on.)"""
    return not settings.OIDC_ISSUER or username in settings.LOCAL_ACCOUNTS


def password_sign_in_offered() -> bool:
    return not settings.OIDC_ISSUER or bool(settings.LOCAL_ACCOUNTS)


class LocalPasswordBackend(ModelBackend):
    """Django's ModelBackend, refusing accounts that may not sign in with a password.

    Here rather than in the sign-in form so the admin's sign-in, and sessions opened before
    single sign-on was turned on, obey it too.
    """

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and password_sign_in_allowed(user.get_username())
