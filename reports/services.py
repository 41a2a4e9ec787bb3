"""The verbs of report editions: generate a draft, sign it off, issue, and build the files.

Numbering happens here, under a lock on the reporting month, when an edition is asked for; the
Celery task only renders the frozen snapshot (``build_edition``), so a retried or re-delivered
task can neither number twice nor change what an edition prints. Each verb takes who acts (a
user, or ``SYSTEM`` for the command line and the build), asks ``rules`` and records its audit
event in its transaction. A build is asked for with the ``build_wanted`` signal: the task module
imports this one, never the other way round.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import tempfile
from collections.abc import Mapping

from django.db import transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

import audit
from accounts.actors import SYSTEM, Actor, user_of
from indicators.models import ReportingMonth
from indicators.storage import private_storage
from narratives import services as narrative_services

from . import assembly, papers, rules, snapshot
from .models import BuildStatus, Edition, PaperDetails
from .signals import build_wanted, edition_ready

log = logging.getLogger(__name__)


class EditionError(ValueError):
    """An edition verb refused: the message says why, in the words of the report."""


def _refuse_if(reason: str | None) -> None:
    if reason:
        raise EditionError(reason)


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
    # The receiver (``receivers``) queues the Celery task once the transaction commits.
    build_wanted.send(sender=Edition, edition_id=edition.pk)


# A build claimed this long ago and not finished has lost its worker (killed, machine restarted).
STALE_BUILD = datetime.timedelta(minutes=10)
# Queued this long ago and not claimed: the broker was down, or the message was lost.
STALE_QUEUE = datetime.timedelta(seconds=60)


def requeue_waiting_builds(now: datetime.datetime | None = None) -> list[int]:
    """Queue again the builds that were never picked up or whose worker died; returns their keys.

    Safe to run at any time: the build claims its edition, so a duplicate does nothing.
    """
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
        build_wanted.send(sender=Edition, edition_id=pk, now=True)
    return waiting


def _create(
    reporting_month: ReportingMonth,
    report: snapshot.Report,
    actor: Actor,
    verb: str,
    queue: bool = True,
) -> Edition:
    edition = Edition.objects.create(
        reporting_month=reporting_month,
        framework=reporting_month.framework,
        month=reporting_month.month,
        issue=report["edition"]["issue"],
        draft=report["edition"]["draft"],
        snapshot=report,
        content_sha256=assembly.content_sha256(report),
        created_by=user_of(actor),
    )
    audit.record(actor, verb, edition, content_sha256=edition.content_sha256)
    if queue:
        _queue_build(edition)
    return edition


@transaction.atomic
def generate_draft(reporting_month: ReportingMonth, actor: Actor, queue: bool = True) -> Edition:
    """A new draft of the month's report, numbered now and built in the background.

    The command line (``build_report``) acts as ``SYSTEM`` and runs the build itself (``queue``
    False).
    """
    _refuse_if(rules.why_not_generate(reporting_month, actor))
    reporting_month = _locked_month(reporting_month)
    issue = current_issue(reporting_month)
    last = (
        Edition.objects.filter(reporting_month=reporting_month, issue=issue).aggregate(
            n=Max("draft")
        )["n"]
        or 0
    )
    details = assembly.edition_details(
        issue=issue, draft=last + 1, created_on=timezone.localdate(), created_by=actor
    )
    report = assembly.assemble(reporting_month, details)
    return _create(reporting_month, report, actor, "edition.drafted", queue)


@transaction.atomic
def sign_off(edition: Edition, user: Actor) -> Edition:
    """An approver signs off a ready draft in which every narrative is approved: its figures,
    narratives and covering paper, as issuing checks."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    _refuse_if(rules.why_not_sign_off(edition, user, current_issue(edition.reporting_month)))
    edition.signed_off_by = user_of(user)
    edition.signed_off_at = timezone.now()
    edition.save(update_fields=["signed_off_by", "signed_off_at"])
    audit.record(user, "edition.signed_off", edition, content_sha256=edition.content_sha256)
    return edition


@transaction.atomic
def issue_report(reporting_month: ReportingMonth, actor: Actor) -> Edition:
    """Issue the month's report to the panel: every narrative approved, and a signed-off draft
    whose figures, narratives and covering paper are exactly those issued. Refused, changing
    nothing, otherwise.
    """
    _refuse_if(rules.why_not_issue(reporting_month, actor))
    reporting_month = _locked_month(reporting_month)
    issue = current_issue(reporting_month)
    signed = latest_signed_draft(reporting_month, issue)
    details = assembly.edition_details(
        issue=issue,
        draft=None,
        created_on=timezone.localdate(),
        created_by=actor,
        signed_off_by=signed.signed_off_by if signed else None,
        signed_off_on=timezone.localdate(signed.signed_off_at) if signed else None,
    )
    report = assembly.assemble(reporting_month, details)
    waiting = rules.unapproved_sections(report)
    if waiting:
        raise EditionError(f"Cannot issue: not every narrative is approved: {'; '.join(waiting)}.")
    missing = papers.missing_fields(report["paper"])
    if missing:
        raise EditionError(
            "Cannot issue: the covering paper has required fields empty or holding a "
            f"placeholder: {'; '.join(missing)}. Complete them under Edit the covering paper."
        )
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
        narrative_services.lock_for_issue(reporting_month, actor)
    except narrative_services.WorkflowError as error:
        raise EditionError(f"Cannot issue: {error}") from error
    return _create(reporting_month, report, actor, "edition.issued")


@transaction.atomic
def save_paper(
    reporting_month: ReportingMonth, actor: Actor, fields: Mapping[str, object]
) -> PaperDetails:
    """Save the covering paper's text for the month's next draft or issue. It is part of what an
    approver signs off: a change after sign-off needs a new draft and sign-off before issue."""
    _refuse_if(rules.why_not_edit_paper(actor))
    before = assembly.paper_of(reporting_month)
    details, _ = PaperDetails.objects.update_or_create(
        reporting_month=reporting_month, defaults={**fields, "updated_by": user_of(actor)}
    )
    changed = sorted(name for name, value in fields.items() if before.get(name) != value)
    audit.record(actor, "paper.saved", reporting_month, changed=changed)
    return details


@transaction.atomic
def rebuild(edition: Edition, actor: Actor) -> Edition:
    """Queue a failed build again (same number, same snapshot)."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    _refuse_if(rules.why_not_rebuild(edition, actor))
    edition.status, edition.error = BuildStatus.QUEUED, ""
    edition.save(update_fields=["status", "error"])
    audit.record(actor, "edition.rebuild_queued", edition)
    _queue_build(edition)
    return edition


# --- the build (run by the Celery task) -------------------------------------------------------


def write_once(name: str, content: bytes) -> None:
    """Write a new private file whole, or not at all, and never over an existing one.

    A temporary file in the same folder is written and synced, then hard-linked to ``name``:
    the link appears complete or not at all, and fails (``FileExistsError``) when ``name``
    exists, so no build can replace a file an edition already points to (an issued report's
    PDF keeps its recorded SHA-256).
    """
    path = private_storage().path(name)
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".building-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.link(temporary, path)
    finally:
        os.unlink(temporary)


def build_edition(edition_id: int) -> str:
    """Render an edition's PDFs from its snapshot; returns the final status.

    Claims the edition atomically (queued or building → building), so a re-delivered task after
    a crash builds it once more, and a duplicate of a finished build does nothing. Each attempt
    writes files of its own (``Edition.storage_name``), never over another's.
    """
    from . import pdf  # ReportLab is loaded only where PDFs are made

    claimed = Edition.objects.filter(
        pk=edition_id, status__in=[BuildStatus.QUEUED, BuildStatus.BUILDING]
    ).update(status=BuildStatus.BUILDING, attempts=F("attempts") + 1, claimed_at=timezone.now())
    if not claimed:
        edition = Edition.objects.filter(pk=edition_id).first()
        return edition.status if edition else "missing"
    edition = Edition.objects.select_related("framework").get(pk=edition_id)
    building = Edition.objects.filter(pk=edition_id, status=BuildStatus.BUILDING)
    report_name, paper_name = edition.storage_name("report"), edition.storage_name("covering-paper")
    try:
        report = pdf.render_report(edition.snapshot)
        paper = pdf.render_paper(edition.snapshot)
        write_once(report_name, report.content)
        write_once(paper_name, paper.content)
    except Exception as error:  # any failure is shown on the page; nothing half-written is kept
        log.exception("Building %s failed", edition)
        reason = f"{type(error).__name__}: {error}"[:2000]
        with transaction.atomic():
            if building.update(status=BuildStatus.FAILED, error=reason):
                audit.record(SYSTEM, "edition.build_failed", edition, error=reason)
        return BuildStatus.FAILED
    with transaction.atomic():
        if building.update(
            status=BuildStatus.READY,
            error="",
            pdf=report_name,
            pdf_sha256=hashlib.sha256(report.content).hexdigest(),
            paper=paper_name,
            paper_sha256=hashlib.sha256(paper.content).hexdigest(),
            pages=report.pages,
            built_at=timezone.now(),
            # An issue tells the panel; a draft whose narratives are all approved, the approvers.
            email_pending=edition.is_issued or not rules.unapproved_sections(edition.snapshot),
        ):
            audit.record(SYSTEM, "edition.built", edition, pages=report.pages)
            edition_ready.send(sender=Edition, edition_id=edition_id)
    return BuildStatus.READY
