"""Helpers for the report tests: the sample month brought to approval, and who is who."""

from __future__ import annotations

from indicators.models import ReportingMonth
from narratives import services as narrative_services
from narratives.models import Narrative, Status
from tests.cast import make_cast


def approve(narrative: Narrative) -> Narrative:
    """Submit (as the section's head of service) and approve (as the approver) one narrative."""
    if narrative.status != Status.SUBMITTED:
        author = narrative.authors.first() or narrative.section.managers.first()
        assert author is not None, f"{narrative.section} has no head of service"
        narrative = narrative_services.submit(narrative, author)
    return narrative_services.approve(narrative, make_cast().approver)


def approve_all(reporting_month: ReportingMonth, but: str | None = None) -> None:
    """Approve every narrative of the month, except that of section code ``but``."""
    for narrative in Narrative.objects.filter(reporting_month=reporting_month).select_related(
        "section"
    ):
        if narrative.section.code != but and narrative.status != Status.APPROVED:
            approve(narrative)
