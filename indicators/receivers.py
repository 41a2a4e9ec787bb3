"""The indicators app's receivers of other apps' signals."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.actors import SYSTEM
from audit import record
from sso.directory import SOURCE, Reason, SignInRefused, directory_sections

from .models import Section


@receiver(directory_sections, dispatch_uid="indicators.sections_from_directory")
def sections_from_directory(
    sender: Any, user: Any, section_codes: frozenset[str] | None, **_: Any
) -> None:
    """A directory sign-in makes its head of service the manager of exactly the sections the
    claims map to (OIDC_SECTIONS), or leaves sections to the admin when none are mapped."""
    if section_codes is None:
        return
    sections = list(Section.objects.filter(code__in=section_codes))
    unknown = section_codes - {section.code for section in sections}
    if unknown:
        raise SignInRefused(
            Reason.MISCONFIGURED,
            f"OIDC_SECTIONS names sections that do not exist: {', '.join(sorted(unknown))}",
            user,
        )
    held = set(user.managed_sections.values_list("code", flat=True))
    if held == section_codes:
        return
    user.managed_sections.set(sections)
    record(
        SYSTEM,
        "account.sections_changed",
        user,
        added=sorted(section_codes - held),
        removed=sorted(held - section_codes),
        source=SOURCE,
    )
