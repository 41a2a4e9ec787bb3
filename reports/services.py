"""The verbs of report editions: generate a draft, sign it off, issue, and build the files.

Numbering happens here, under a lock on the reporting month, when an edition is asked for; the
Celery task only renders the frozen snapshot (``build_edition``), so a retried or re-delivered
task can neither number twice nor change what an edition prints.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import tempfile
from typing import Any

from django.db import transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.access import has_role
from accounts.roles import Role
from cpp.queueing import enqueue, enqueue_on_commit
from indicators.models import ReportingMonth
from indicators.models.uploads import private_storage as storage_of
from narratives import services as narrative_services

from . import assembly, snapshot
from .models import BuildStatus, Edition, PaperDetails

log = logging.getLogger(__name__)


class EditionError(ValueError):
    """An edition verb refused: the message says why, in the words of the report."""


def _locked_month(reporting_month: ReportingMonth) -> ReportingMonth:
    # One numbering at a time per month: two officers clicking at once get Draft 3 and Draft 4.
    return (
        ReportingMonth.objects.select_for_update()
        .select_related("framework")
        .get(pk=reporting_month.pk)
    )


def current_issue(reporting_month: ReportingMonth) -> int:
    """The issue number the next draft or issue belongs to: one after the last issued."""
    issued = (
        Edition.objects.filter(reporting_month=reporting_month, draft__isnull=True).aggregate(
            n=Max("issue")
        )["n"]
        or 0
    )
    return issued + 1


def latest_signed_draft(reporting_month: ReportingMonth, issue: int) -> Edition | None:
    return (
        Edition.objects.filter(
            reporting_month=reporting_month, issue=issue, signed_off_at__isnull=False
        )
        .select_related("signed_off_by")
        .order_by("-draft")
        .first()
    )


def _queue_build(edition: Edition) -> None:
    from .tasks import build_edition  # the task module imports this one

    enqueue_on_commit(build_edition, edition.pk)


# A build claimed this long ago and not finished has lost its worker (killed, machine restarted).
STALE_BUILD = datetime.timedelta(minutes=10)
# Queued this long ago and not claimed: the broker was down, or the message was lost.
STALE_QUEUE = datetime.timedelta(seconds=60)


def requeue_waiting_builds(now: datetime.datetime | None = None) -> list[int]:
    """Queue again the builds that were never picked up or whose worker died; returns their keys.

    Safe to run at any time: the build claims its edition, so a duplicate does nothing.
    """
    from .tasks import build_edition

    now = now or timezone.now()
    # A queued edition waits from its creation, or from its last claim if it was rebuilt.
    waiting_since = Coalesce("claimed_at", "created_at")
    waiting = list(
        Edition.objects.annotate(waiting_since=waiting_since)
        .filter(
            Q(status=BuildStatus.QUEUED, waiting_since__lt=now - STALE_QUEUE)
            | Q(status=BuildStatus.BUILDING, claimed_at__lt=now - STALE_BUILD)
        )
        .values_list("pk", flat=True)
    )
    for pk in waiting:
        enqueue(build_edition, pk)
    return waiting


def _create(
    reporting_month: ReportingMonth, report: snapshot.Report, user: Any, queue: bool = True
) -> Edition:
    edition = Edition.objects.create(
        reporting_month=reporting_month,
        framework=reporting_month.framework,
        month=reporting_month.month,
        issue=report["edition"]["issue"],
        draft=report["edition"]["draft"],
        snapshot=report,
        content_sha256=assembly.content_sha256(report),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    if queue:
        _queue_build(edition)
    return edition


@transaction.atomic
def generate_draft(
    reporting_month: ReportingMonth, user: Any = None, queue: bool = True
) -> Edition:
    """A new draft of the month's report, numbered now and built in the background.

    ``user`` None is the command line (``build_report``), which speaks for the performance team
    and runs the build itself (``queue`` False).
    """
    if user is not None and not has_role(user, Role.PERFORMANCE_OFFICER):
        raise EditionError("Only a performance officer generates a draft.")
    reporting_month = _locked_month(reporting_month)
    issue = current_issue(reporting_month)
    last = (
        Edition.objects.filter(reporting_month=reporting_month, issue=issue).aggregate(
            n=Max("draft")
        )["n"]
        or 0
    )
    details = assembly.edition_details(
        issue=issue, draft=last + 1, created_on=timezone.localdate(), created_by=user
    )
    return _create(reporting_month, assembly.assemble(reporting_month, details), user, queue)


def unapproved_sections(report: snapshot.Report) -> list[str]:
    return [
        f"{part['title']} ({part['narrative']['status'].lower()})"
        for part in report["sections"]
        if not part["narrative"]["approved"]
    ]


def why_not_sign_off(edition: Edition, user: Any, issue: int) -> str:
    """Why ``user`` may not sign off ``edition`` now ("" when they may); ``issue`` is the
    month's current issue number. The page offers the button and the verb decides by this."""
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
    waiting = unapproved_sections(edition.snapshot)
    if waiting:
        return (
            f"{edition.label} has narratives that were not approved when it was built: "
            f"{'; '.join(waiting)}. Generate a new draft once they are approved."
        )
    return ""


@transaction.atomic
def sign_off(edition: Edition, user: Any) -> Edition:
    """An approver signs off a ready draft in which every narrative is approved."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    refusal = why_not_sign_off(edition, user, current_issue(edition.reporting_month))
    if refusal:
        raise EditionError(refusal)
    edition.signed_off_by = user
    edition.signed_off_at = timezone.now()
    edition.save(update_fields=["signed_off_by", "signed_off_at"])
    return edition


@transaction.atomic
def issue_report(reporting_month: ReportingMonth, user: Any = None) -> Edition:
    """Issue the month's report to the panel: every narrative approved, and a signed-off draft
    whose figures and narratives are exactly those issued. Refused, changing nothing, otherwise.
    """
    if user is not None and not has_role(user, Role.PERFORMANCE_OFFICER):
        raise EditionError("Only a performance officer issues a report.")
    reporting_month = _locked_month(reporting_month)
    issue = current_issue(reporting_month)
    signed = latest_signed_draft(reporting_month, issue)
    details = assembly.edition_details(
        issue=issue,
        draft=None,
        created_on=timezone.localdate(),
        created_by=user,
        signed_off_by=signed.signed_off_by if signed else None,
        signed_off_on=timezone.localdate(signed.signed_off_at) if signed else None,
    )
    report = assembly.assemble(reporting_month, details)
    waiting = unapproved_sections(report)
    if waiting:
        raise EditionError(f"Cannot issue: not every narrative is approved: {'; '.join(waiting)}.")
    if signed is None:
        raise EditionError(
            f"Cannot issue: no draft of Issue {issue} has been signed off by an approver."
        )
    if assembly.content_sha256(report) != signed.content_sha256:
        changed = assembly.changed_parts(signed.snapshot, report)
        raise EditionError(
            f"Cannot issue: {', '.join(changed) or 'the report'} changed after {signed.label} "
            "was signed off. Generate a new draft for sign-off."
        )
    try:
        narrative_services.lock_for_issue(reporting_month, user)
    except narrative_services.WorkflowError as error:
        raise EditionError(f"Cannot issue: {error}") from error
    return _create(reporting_month, report, user)


def save_paper(reporting_month: ReportingMonth, user: Any, fields: dict[str, str]) -> PaperDetails:
    if not has_role(user, Role.PERFORMANCE_OFFICER):
        raise EditionError("Only a performance officer edits the covering paper.")
    details, _ = PaperDetails.objects.update_or_create(
        reporting_month=reporting_month, defaults={**fields, "updated_by": user}
    )
    return details


@transaction.atomic
def rebuild(edition: Edition, user: Any) -> Edition:
    """Queue a failed build again (same number, same snapshot)."""
    if not has_role(user, Role.PERFORMANCE_OFFICER):
        raise EditionError("Only a performance officer rebuilds a report.")
    if not Edition.objects.filter(pk=edition.pk, status=BuildStatus.FAILED).update(
        status=BuildStatus.QUEUED, error=""
    ):
        raise EditionError(f"{edition.label} has not failed: there is nothing to rebuild.")
    edition.refresh_from_db()
    _queue_build(edition)
    return edition


# --- the build (run by the Celery task) -------------------------------------------------------


def _write_atomically(name: str, content: bytes) -> None:
    """Write a file whole or not at all: a temporary file in the same folder, then a rename."""
    path = storage_of().path(name)
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".building-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def build_edition(edition_id: int) -> str:
    """Render an edition's PDFs from its snapshot; returns the final status.

    Claims the edition atomically (queued or building → building), so a re-delivered task after
    a crash builds it once more, and a duplicate of a finished build does nothing.
    """
    from . import pdf  # ReportLab is loaded only where PDFs are made

    claimed = Edition.objects.filter(
        pk=edition_id, status__in=[BuildStatus.QUEUED, BuildStatus.BUILDING]
    ).update(status=BuildStatus.BUILDING, attempts=F("attempts") + 1, claimed_at=timezone.now())
    if not claimed:
        edition = Edition.objects.filter(pk=edition_id).first()
        return edition.status if edition else "missing"
    edition = Edition.objects.select_related("framework").get(pk=edition_id)
    try:
        report = pdf.render_report(edition.snapshot)
        paper = pdf.render_paper(edition.snapshot)
        stem = f"reports/{edition.month:%Y-%m}/{edition.file_stem()}"
        _write_atomically(f"{stem}.pdf", report.content)
        _write_atomically(f"{stem}-covering-paper.pdf", paper.content)
    except Exception as error:  # any failure is shown on the page; nothing half-written is kept
        log.exception("Building %s failed", edition)
        Edition.objects.filter(pk=edition_id, status=BuildStatus.BUILDING).update(
            status=BuildStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        return BuildStatus.FAILED
    Edition.objects.filter(pk=edition_id, status=BuildStatus.BUILDING).update(
        status=BuildStatus.READY,
        error="",
        pdf=f"{stem}.pdf",
        pdf_sha256=hashlib.sha256(report.content).hexdigest(),
        paper=f"{stem}-covering-paper.pdf",
        paper_sha256=hashlib.sha256(paper.content).hexdigest(),
        pages=report.pages,
        built_at=timezone.now(),
    )
    return BuildStatus.READY
