"""Template helpers of the narrative pages."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from accounts.people import name_of

from .. import markup
from ..models import Status

register = template.Library()

BADGES: dict[str, str] = {
    Status.NOT_STARTED: "text-bg-light border",
    Status.DRAFT: "text-bg-secondary",
    Status.SUBMITTED: "text-bg-info",
    Status.CHANGES_REQUESTED: "text-bg-warning",
    Status.APPROVED: "text-bg-success",
}


@register.filter
def narrative_markup(text: str) -> SafeString:
    """Narrative text as safe HTML (paragraphs, bullets, bold; everything else escaped)."""
    return markup.render(text)


@register.filter
def status_badge(status: str) -> str:
    return BADGES.get(status, "text-bg-light")


@register.filter
def person(user: object) -> str:
    return name_of(user, nobody="the system")
