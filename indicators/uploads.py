"""Uploads with preview: receive a file, preview exactly what it would write, confirm, revert.

The file is stored whole and identified by its SHA-256 checksum. A confirm names the checksum it
previewed; the stored file is re-read and must still have it, and the rows the confirm writes must
be the rows the preview showed, or nothing is written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .imports import ImportReport, import_file
from .models import Figure, FigureRevision, Upload
from .resources import KINDS

ACCEPTED_SUFFIXES = (".csv", ".xlsx")


class UploadRefused(ValueError):
    """The upload cannot go ahead; the message says why in plain words."""


def checksum_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def receive_upload(
    kind: str, file_name: str, content: bytes, user: Any
) -> tuple[Upload, ImportReport]:
    """Store an uploaded file and preview it (a dry run). Refuses wrong type, size or kind."""
    if kind not in KINDS:
        raise UploadRefused(f"'{kind}' is not a kind of file this product reads.")
    name = (file_name or "upload").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    if not name.lower().endswith(ACCEPTED_SUFFIXES):
        raise UploadRefused(
            f"{name} is not a CSV or XLSX file: the name must end in .csv or .xlsx."
        )
    if len(content) > settings.UPLOAD_MAX_BYTES:
        raise UploadRefused(
            f"{name} is {len(content) / 1024 / 1024:.1f} MB; the limit is "
            f"{settings.UPLOAD_MAX_BYTES / 1024 / 1024:.0f} MB."
        )
    report = import_file(kind, name, content, user=user, dry_run=True)
    upload = Upload(
        kind=kind,
        file_name=name,
        checksum=checksum_of(content),
        size=len(content),
        uploaded_by=user if getattr(user, "pk", None) else None,
    )
    record_counts(upload, report)
    upload.status = Upload.Status.PREVIEWED if report.ok else Upload.Status.REFUSED
    upload.file.save(f"{upload.checksum[:16]}-{name}", ContentFile(content), save=False)
    upload.save()
    return upload, report


def stored_content(upload: Upload) -> bytes:
    with upload.file.open("rb") as stored:
        return stored.read()


def preview_upload(upload: Upload) -> ImportReport:
    """What confirming would write now: a dry run of the stored file against today's data."""
    return import_file(upload.kind, upload.file_name, stored_content(upload), dry_run=True)


@dataclass(frozen=True)
class ConfirmResult:
    applied: bool
    message: str
    report: ImportReport | None = None


def confirm_upload(upload_id: int, checksum: str, fingerprint: str, user: Any) -> ConfirmResult:
    """Apply a previewed upload, if it is still the file and the rows that were previewed."""
    with transaction.atomic():
        upload, refusal = locked_in_status(
            upload_id, Upload.Status.PREVIEWED, "only a previewed upload can be confirmed"
        )
        if refusal:
            return ConfirmResult(False, refusal)
        content = stored_content(upload)
        if checksum != upload.checksum or checksum_of(content) != upload.checksum:
            return ConfirmResult(
                False, "The file does not match the one previewed; upload it again."
            )
        report = import_file(upload.kind, upload.file_name, content, user=user, upload=upload)
        if not report.ok:
            transaction.set_rollback(True)
            return ConfirmResult(
                False,
                "The file no longer imports cleanly; nothing was written. See the errors below.",
                report,
            )
        if report.fingerprint != fingerprint:
            transaction.set_rollback(True)
            return ConfirmResult(
                False,
                "The figures changed since you previewed this file, so "
                "nothing was written. Check the new preview and confirm again.",
            )
        record_counts(upload, report)
        upload.status = Upload.Status.APPLIED
        upload.applied_at = timezone.now()
        upload.save()
    return ConfirmResult(True, report.summary(), report)


@dataclass(frozen=True)
class RevertResult:
    reverted: bool
    message: str


def revert_upload(upload_id: int, user: Any) -> RevertResult:
    """Restore every figure the upload changed, and nothing else, from the revision history.

    A figure changed again since this upload is not silently overwritten: the revert is refused
    and names those figures. A figure the upload created becomes "no figure" (`-`) so that its
    history is kept.
    """
    with transaction.atomic():
        upload, refusal = locked_in_status(
            upload_id, Upload.Status.APPLIED, "only an applied upload can be reverted"
        )
        if refusal:
            return RevertResult(False, refusal)
        if upload.kind != "figures":
            return RevertResult(
                False,
                "Only figures uploads can be reverted; correct other kinds with a new upload.",
            )
        revisions = list(upload.revisions.select_related("figure__indicator").order_by("id"))
        mine = {r.figure_id: r.id for r in revisions}
        since = FigureRevision.objects.filter(
            figure_id__in=list(mine), id__gt=min(mine.values(), default=0)
        ).exclude(upload=upload)
        changed_again = {
            fid for fid, rid in since.values_list("figure_id", "id") if rid > mine[fid]
        }
        later = [r.figure for r in revisions if r.figure_id in changed_again]
        if later:
            names = ", ".join(f"{f.indicator.reference} {f.month:%b-%y}" for f in later[:10])
            return RevertResult(
                False,
                f"{len(later)} figure(s) changed again after this upload "
                f"({names}); revert the later change first.",
            )
        restored: list[Figure] = []
        for revision in revisions:
            figure = revision.figure
            if revision.is_new:
                figure.value, figure.marker = None, "-"
                figure.numerator = figure.denominator = None
            else:
                figure.value, figure.marker = revision.old_value, revision.old_marker
                figure.numerator, figure.denominator = (
                    revision.old_numerator,
                    revision.old_denominator,
                )
            restored.append(figure)
        Figure.objects.bulk_update(restored, ["value", "marker", "numerator", "denominator"])
        FigureRevision.write_many(
            (
                (figure, revision_new_state(revision))
                for figure, revision in zip(restored, revisions, strict=True)
            ),
            user,
            f"revert of upload #{upload.pk}",
        )
        upload.status = Upload.Status.REVERTED
        upload.reverted_at = timezone.now()
        upload.reverted_by = user
        upload.save()
    return RevertResult(True, f"Upload #{upload.pk} reverted: {len(restored)} figure(s) restored.")


def locked_in_status(upload_id: int, status: str, rule: str) -> tuple[Upload, str]:
    """The upload, locked for this transaction, and ``rule`` as the refusal unless in ``status``."""
    upload = Upload.objects.select_for_update().get(pk=upload_id)
    if upload.status == status:
        return upload, ""
    return upload, f"Upload #{upload.pk} is {upload.get_status_display().lower()}; {rule}."


def revision_new_state(revision: FigureRevision) -> tuple[Any, str, Any, Any]:
    return (
        revision.new_value,
        revision.new_marker,
        revision.new_numerator,
        revision.new_denominator,
    )


def record_counts(upload: Upload, report: ImportReport) -> None:
    upload.new_rows = report.new
    upload.changed_rows = report.changed
    upload.unchanged_rows = report.unchanged
    upload.error_count = len(report.errors)
