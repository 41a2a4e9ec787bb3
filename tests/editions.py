"""Helpers for the report tests: the sample month brought to approval, and who is who."""

from __future__ import annotations

from indicators.models import ReportingMonth
from narratives import services as narrative_services
from narratives.models import Narrative, Status
from tests.cast import make_cast
from tests.narrative_world import author_of


def approve(narrative: Narrative) -> Narrative:
    """Submit (as the section's head of service) and approve (as the approver) one narrative."""
    if narrative.status != Status.SUBMITTED:
        narrative = narrative_services.submit(narrative, author_of(narrative))
    return narrative_services.approve(narrative, make_cast().approver)


def approve_all(reporting_month: ReportingMonth, but: str | None = None) -> None:
    """Approve every narrative of the month, except that of section code ``but``."""
    for narrative in Narrative.objects.filter(reporting_month=reporting_month).select_related(
        "section"
    ):
        if narrative.section.code != but and narrative.status != Status.APPROVED:
            approve(narrative)
