"""Uploads: preview, confirm, revert and the stored original. Performance officers only."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.access import SignedInRequest, role_required
from accounts.roles import Role

from ..benchmarking import councils
from ..forms import LaitUploadForm, UploadForm
from ..importing.lait import LaitRefused, LaitRequest, receive_lait_upload
from ..importing.pipeline import PREVIEW_ROWS
from ..importing.uploads import (
    UploadRefused,
    confirm_upload,
    expire_unapplied,
    receive_upload,
    revert_upload,
    revertable,
    revision_count,
    revisions_of,
)
from ..models import Upload


@role_required(Role.PERFORMANCE_OFFICER)
def uploads_page(request: SignedInRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            upload = receive_upload(
                form.cleaned_data["kind"], uploaded.name, uploaded.read(), request.user
            )
        except UploadRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            return redirect("indicators:upload", upload.pk)
    expire_unapplied()
    uploads = Upload.objects.select_related("uploaded_by", "applied_by")[:50]
    return render(request, "indicators/uploads.html", {"form": form, "uploads": uploads})


@role_required(Role.PERFORMANCE_OFFICER)
def lait_upload_page(request: SignedInRequest) -> HttpResponse:
    """Benchmarks from the DfE's LAIT files: computed, then previewed and confirmed like any
    upload (the upload page)."""
    form = LaitUploadForm(request.POST or None, request.FILES or None, councils=councils())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        framework = data["framework"]
        lait_request = LaitRequest(
            la=data["council"], framework=framework.name if framework else "", year=data["year"]
        )
        try:
            upload = receive_lait_upload(
                data["file"], data["neighbours"], lait_request, request.user
            )
        except LaitRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            return redirect("indicators:upload", upload.pk)
    return render(request, "indicators/lait_upload.html", {"form": form})


@role_required(Role.PERFORMANCE_OFFICER)
def upload_page(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = get_object_or_404(
        Upload.objects.select_related("uploaded_by", "applied_by", "reverted_by"), pk=upload_id
    )
    preview = upload.preview or {}
    return render(
        request,
        "indicators/upload.html",
        {
            "upload": upload,
            "preview": preview,
            "counts": preview.get("counts", {}),
            "limit": PREVIEW_ROWS,
            "revisions": revisions_of(upload, PREVIEW_ROWS)
            if upload.status in (Upload.Status.APPLIED, Upload.Status.REVERTED)
            else [],
            "benchmark_revisions": upload.benchmark_revisions.select_related(
                "benchmark__indicator"
            )[:PREVIEW_ROWS],
            "can_revert": revertable(upload),
        },
    )


@require_POST
@role_required(Role.PERFORMANCE_OFFICER)
def confirm(request: SignedInRequest, upload_id: int) -> HttpResponse:
    upload = get_object_or_404(Upload, pk=upload_id)
    outcome = confirm_upload(
        upload.pk,
        request.POST.get("checksum", ""),
        request.POST.get("fingerprint", ""),
        request.user,
    )
    (messages.success if outcome.done else messages.error)(request, outcome.message)
    return redirect("indicators:upload", upload.pk)


@role_required(Role.PERFORMANCE_OFFICER)
def revert(request: SignedInRequest, upload_id: int) -> HttpResponse:
    """GET: what reverting would do, with a button to do it; POST: revert."""
    upload = get_object_or_404(Upload.objects.select_related("applied_by"), pk=upload_id)
    if request.method != "POST":
        return render(
            request,
            "indicators/revert.html",
            {
                "upload": upload,
                "can_revert": revertable(upload),
                "count": revision_count(upload),
                "revisions": revisions_of(upload, PREVIEW_ROWS),
                "limit": PREVIEW_ROWS,
            },
        )
    outcome = revert_upload(upload.pk, request.user)
    (messages.success if outcome.done else messages.error)(request, outcome.message)
    return redirect("indicators:upload", upload.pk)


@role_required(Role.PERFORMANCE_OFFICER)
def original_file(request: HttpRequest, upload_id: int) -> FileResponse:
    upload = get_object_or_404(Upload, pk=upload_id)
    response = FileResponse(upload.file.open("rb"), as_attachment=True, filename=upload.file_name)
    response["Cache-Control"] = "no-store"
    return response
