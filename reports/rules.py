"""Who may do what to report editions, and when: one place for the services, pages and views.

Staff see drafts; a panel member sees only issued, built reports. A performance officer (or the
system, on the command line) generates drafts; an approver signs off a ready draft whose
narratives were all approved; only a performance officer issues, edits the covering paper and
builds a failed edition again. Each ``why_not_…`` answers None when the actor may, else the reason
in words the person who tried can act on; views offer only what these allow, and the services
ask them again under a lock.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.access import STAFF_ROLES, has_role
from accounts.actors import SYSTEM, Actor
from accounts.roles import Role
from indicators.models import ReportingMonth
from narratives.models import Narrative

from . import snapshot
from .models import BuildStatus, Edition


def sees_drafts(user: Any) -> bool:
    """Staff see drafts; a panel member only ever sees issued, built reports."""
    return has_role(user, *STAFF_ROLES)


def visible_editions(user: Any) -> QuerySet[Edition]:
    """The editions ``user`` may see; any other answers 404 to them, as if it did not exist."""
    editions = Edition.objects.select_related("framework", "created_by", "signed_off_by")
    if sees_drafts(user):
        return editions
    if has_role(user, Role.PANEL_MEMBER):
        return editions.filter(draft__isnull=True, status=BuildStatus.READY)
    return editions.none()


def unapproved_sections(report: snapshot.Report) -> list[str]:
    """The sections of a snapshot whose narrative was not approved, with their status."""
    return [
        f"{part['title']} ({part['narrative']['status'].lower()})"
        for part in report["sections"]
        if not part["narrative"]["approved"]
    ]


def _sections_written_by(edition: Edition, user: Actor) -> list[str]:
    if user is SYSTEM:
        return []
    narratives = Narrative.objects.filter(reporting_month=edition.reporting_month, authors=user)
    return list(narratives.order_by("section__title").values_list("section__title", flat=True))


def _no_sections(reporting_month: ReportingMonth) -> str | None:
    if not reporting_month.framework.sections.exists():
        return f"{reporting_month.framework} has no sections: there is nothing to report."
    return None


def why_not_generate(reporting_month: ReportingMonth, actor: Actor) -> str | None:
    if actor is not SYSTEM and not has_role(actor, Role.PERFORMANCE_OFFICER):
        return "Only a performance officer generates a draft."
    return _no_sections(reporting_month)


def why_not_sign_off(edition: Edition, user: Actor, issue: int) -> str | None:
    """``issue`` is the month's current issue number (read once by a page of many editions)."""
    if not has_role(user, Role.APPROVER):
        return "Only an approver signs off a report."
    if edition.is_issued:
        return f"{edition.label} is already issued."
    if edition.signed_off_at:
        return f"{edition.label} is already signed off."
    if not edition.is_ready:
        return f"{edition.label} is not built yet: sign off what you have read."
    if edition.issue != issue:
        return f"{edition.label} belongs to an issue already sent to the panel."
    written = _sections_written_by(edition, user)
    if written:
        # As with a narrative's approval: nobody signs off a report holding text they wrote,
        # whatever roles they hold now.
        return (
            f"You wrote the narrative of {'; '.join(written)} in {edition.label}: "
            "another approver signs it off."
        )
    waiting = unapproved_sections(edition.snapshot)
    if waiting:
        return (
            f"{edition.label} has narratives that were not approved when it was built: "
            f"{'; '.join(waiting)}. Generate a new draft once they are approved."
        )
    return None


def why_not_issue(reporting_month: ReportingMonth, actor: Actor) -> str | None:
    """Who may issue; what is issued (approved narratives, a signed-off draft of the same
    content and covering paper) is checked by ``services.issue_report`` against the snapshot."""
    if actor is SYSTEM:
        return "A report is issued to the panel by a performance officer, never by the system."
    if not has_role(actor, Role.PERFORMANCE_OFFICER):
        return "Only a performance officer issues a report."
    return _no_sections(reporting_month)


def why_not_edit_paper(actor: Actor) -> str | None:
    if actor is not SYSTEM and not has_role(actor, Role.PERFORMANCE_OFFICER):
        return "Only a performance officer edits the covering paper."
    return None


def why_not_rebuild(edition: Edition, actor: Actor) -> str | None:
    if actor is not SYSTEM and not has_role(actor, Role.PERFORMANCE_OFFICER):
        return "Only a performance officer rebuilds a report."
    if edition.status != BuildStatus.FAILED:
        return f"{edition.label} has not failed: there is nothing to rebuild."
    return None
