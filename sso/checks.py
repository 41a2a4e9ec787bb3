"""``manage.py check``: single sign-on settings that would refuse everyone are reported before
anyone tries to sign in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register

from .directory import role_named


@register()
def single_sign_on_settings(**_: Any) -> list[Error | Warning]:
    if not settings.OIDC_ISSUER:
        return []
    problems: list[Error | Warning] = []
    for value, keys in settings.OIDC_ROLES.items():
        for key in keys:
            try:
                role_named(key)
            except ValueError as exc:
                problems.append(Error(f"OIDC_ROLES: {value}={key}: {exc}.", id="sso.E001"))
    if not settings.OIDC_ROLES and not settings.OIDC_SECTIONS:
        problems.append(
            Warning(
                "Single sign-on is on but OIDC_ROLES and OIDC_SECTIONS are empty: "
                "every directory sign-in will be refused for want of a role.",
                id="sso.W001",
            )
        )
    return problems
