"""Uploads with preview: receive a file and plan it once, confirm the plan, revert a figures upload.

The file is stored whole with its SHA-256 checksum and the plan worked out when it arrived. The
preview shows that plan; a confirm names the checksum and the plan it saw, and applies exactly
that plan once the stored file still has the checksum and every planned row is still as it was
planned. Nothing reads the file again.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

import audit
from accounts.actors import Actor, user_of

from ..models import Revision, Upload
from .kinds import KINDS
from .kinds.base import Context
from .kinds.measured import WithHistory
from .pipeline import Applied, apply_plan, plan_file, preview_of
from .plan import Plan

ACCEPTED_SUFFIXES = (".csv", ".xlsx")
NAME_LENGTH = 200


class UploadRefused(ValueError):
    """The upload cannot go ahead; the message says why in plain words."""


def checksum_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def clean_name(file_name: str) -> str:
    """The file's own name (no folders), at most NAME_LENGTH characters, keeping its suffix."""
    name = (file_name or "upload").replace("\\", "/").rsplit("/", 1)[-1].strip() or "upload"
    if len(name) <= NAME_LENGTH:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 10:
        return name[:NAME_LENGTH]
    return stem[: NAME_LENGTH - len(suffix) - 1] + "." + suffix


def receive_upload(kind: str, file_name: str, content: bytes, actor: Actor) -> Upload:
    """Store an uploaded file with its plan (what confirming would do now), or refuse it."""
    if kind not in KINDS:
        raise UploadRefused(f"'{kind}' is not a kind of file this product reads.")
    name = clean_name(file_name)
    if not name.lower().endswith(ACCEPTED_SUFFIXES):
        raise UploadRefused(
            f"{name} is not a CSV or XLSX file: the name must end in .csv or .xlsx."
        )
    if len(content) > settings.UPLOAD_MAX_BYTES:
        raise UploadRefused(
            f"{name} is {len(content) / 1024 / 1024:.1f} MB; the limit is "
            f"{settings.UPLOAD_MAX_BYTES / 1024 / 1024:.0f} MB."
        )
    expire_unapplied()
    checksum = checksum_of(content)
    plan = plan_file(kind, name, content)
    preview = plan.preview
    same = (
        Upload.objects.filter(kind=kind, checksum=checksum, status=Upload.Status.APPLIED)
        .select_related("applied_by", "uploaded_by")
        .first()
    )
    if same is not None:
        when = timezone.localtime(same.applied_at) if same.applied_at else None
        preview["identical"] = {
            "id": same.pk,
            "file_name": same.file_name,
            "applied_at": f"{when:%d/%m/%Y %H:%M}" if when else "",
        }
    upload = Upload(
        kind=kind,
        file_name=name,
        checksum=checksum,
        size=len(content),
        uploaded_by=user_of(actor),
        status=Upload.Status.PREVIEWED if plan.ok else Upload.Status.REFUSED,
        preview=preview,
        fingerprint=plan.fingerprint if plan.ok else "",
    )
    record_counts(upload, plan)
    upload.file.save(
        f"{checksum[:16]}.{name.rsplit('.', 1)[-1].lower()}", ContentFile(content), save=False
    )
    if plan.ok:
        upload.plan.save(f"{checksum[:16]}.plan.json.gz", ContentFile(plan.to_bytes()), save=False)
    upload.save()
    audit.record(
        actor,
        "upload.received",
        upload,
        kind=kind,
        file_name=name,
        **plan.counts,
        errors=len(plan.errors),
    )
    return upload


def expire_unapplied() -> int:
    """Previewed uploads not confirmed within UPLOAD_PREVIEW_HOURS expire: their plans were
    made against figures that have moved on, and they would pile up."""
    cutoff = timezone.now() - datetime.timedelta(hours=settings.UPLOAD_PREVIEW_HOURS)
    return Upload.objects.filter(status=Upload.Status.PREVIEWED, uploaded_at__lt=cutoff).update(
        status=Upload.Status.EXPIRED
    )


def stored_content(upload: Upload) -> bytes:
    with upload.file.open("rb") as stored:
        return stored.read()


def stored_plan(upload: Upload) -> Plan:
    with upload.plan.open("rb") as stored:
        return Plan.from_bytes(stored.read())


@dataclass(frozen=True)
class Outcome:
    done: bool
    message: str


def confirm_upload(upload_id: int, checksum: str, fingerprint: str, actor: Actor) -> Outcome:
    """Apply a previewed upload's plan, if it is still the file and the rows that were shown."""
    with transaction.atomic():
        upload, refusal = locked_in_status(
            upload_id, Upload.Status.PREVIEWED, "only a previewed upload can be confirmed"
        )
        if refusal:
            return Outcome(False, refusal)
        if checksum != upload.checksum or checksum_of(stored_content(upload)) != upload.checksum:
            return Outcome(False, "The file does not match the one previewed; upload it again.")
        plan = stored_plan(upload)
        if fingerprint != upload.fingerprint or plan.fingerprint != upload.fingerprint:
            return Outcome(
                False, "This is not the preview that was shown; open the upload and confirm again."
            )
        applied = apply_plan(plan, Context(actor=actor, source=upload.file_name, upload=upload))
        if not applied.applied:
            return Outcome(False, applied.message)
        upload.status = Upload.Status.APPLIED
        upload.applied_at = timezone.now()
        upload.applied_by = user_of(actor)
        upload.save(update_fields=["status", "applied_at", "applied_by"])
        audit.record(actor, "upload.applied", upload, kind=upload.kind, **plan.counts)
    return Outcome(True, applied.message)


def with_history(kind: str) -> WithHistory | None:
    """The kind, if its uploads keep every change as a revision and so can be reverted."""
    kind_class = KINDS.get(kind)
    if kind_class is None or not issubclass(kind_class, WithHistory):
        return None
    return kind_class()


def revertable(upload: Upload) -> bool:
    return upload.status == Upload.Status.APPLIED and with_history(upload.kind) is not None


def revisions_of(upload: Upload, limit: int) -> list[Revision]:
    """The first ``limit`` changes the upload wrote (none for a kind without history)."""
    kind = with_history(upload.kind)
    if kind is None:
        return []
    related = f"{kind.revision_key}__indicator"
    revisions = kind.revision_model._default_manager.filter(upload=upload)
    return list(revisions.select_related(related)[:limit])


def revert_upload(upload_id: int, actor: Actor) -> Outcome:
    """Restore every figure (or breakdown cell) the upload wrote to what it was before, and
    nothing else.

    A figure that no longer holds what the upload wrote (changed again since) is not silently
    overwritten: the revert is refused and names those figures. A later change that was itself
    reverted leaves the figure as the upload wrote it, so the upload can then be reverted. A
    figure the upload created becomes "no figure" (`-`), so its history stays.
    """
    with transaction.atomic():
        upload, refusal = locked_in_status(
            upload_id, Upload.Status.APPLIED, "only an applied upload can be reverted"
        )
        if refusal:
            return Outcome(False, refusal)
        kind = with_history(upload.kind)
        if kind is None:
            return Outcome(
                False,
                "Only figures and breakdowns uploads can be reverted; correct other kinds with "
                "a new upload.",
            )
        plan = kind.revert_plan(upload)
        applied: Applied = apply_plan(
            plan, Context(actor=actor, source=f"revert of upload #{upload.pk}")
        )
        if applied.stale:
            names = ", ".join(row.label for row in applied.stale[:10])
            more = "…" if len(applied.stale) > 10 else ""
            return Outcome(
                False,
                f"{len(applied.stale)} figure(s) changed again after this upload ({names}{more}); "
                "revert the later change first. Nothing was restored.",
            )
        if not applied.applied:
            return Outcome(False, applied.message)
        upload.status = Upload.Status.REVERTED
        upload.reverted_at = timezone.now()
        upload.reverted_by = user_of(actor)
        upload.save(update_fields=["status", "reverted_at", "reverted_by"])
        audit.record(actor, "upload.reverted", upload, figures=len(plan.rows))
    return Outcome(True, f"Upload #{upload.pk} reverted: {len(plan.rows)} figure(s) restored.")


def locked_in_status(upload_id: int, status: str, rule: str) -> tuple[Upload, str]:
    """The upload, locked for this transaction, and ``rule`` as the refusal unless in ``status``."""
    upload = Upload.objects.select_for_update().get(pk=upload_id)
    if upload.status == status:
        return upload, ""
    return upload, f"Upload #{upload.pk} is {upload.get_status_display().lower()}; {rule}."


def record_counts(upload: Upload, plan: Plan) -> None:
    counts = plan.counts
    upload.new_rows = counts["new"]
    upload.changed_rows = counts["changed"]
    upload.unchanged_rows = counts["unchanged"]
    upload.error_count = len(plan.errors)


__all__ = [
    "Outcome",
    "UploadRefused",
    "confirm_upload",
    "expire_unapplied",
    "preview_of",
    "receive_upload",
    "revert_upload",
    "revertable",
    "revisions_of",
    "stored_plan",
]
