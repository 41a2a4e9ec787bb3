"""Uploads: preview, confirm, revert and the stored original. Performance officers only."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role

from ..forms import UploadForm
from ..importing.pipeline import PREVIEW_ROWS
from ..importing.uploads import (
    UploadRefused,
    confirm_upload,
    expire_unapplied,
    receive_upload,
    revert_upload,
    revertable,
    revisions_of,
)
from ..models import Upload


@role_required(Role.PERFORMANCE_OFFICER)
def uploads_page(request: HttpRequest) -> HttpResponse:
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
            "can_revert": revertable(upload),
        },
    )


@require_POST
@role_required(Role.PERFORMANCE_OFFICER)
def confirm(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = get_object_or_404(Upload, pk=upload_id)
    outcome = confirm_upload(
        upload.pk,
        request.POST.get("checksum", ""),
        request.POST.get("fingerprint", ""),
        request.user,
    )
    (messages.success if outcome.done else messages.error)(request, outcome.message)
    return redirect("indicators:upload", upload.pk)


@require_POST
@role_required(Role.PERFORMANCE_OFFICER)
def revert(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = get_object_or_404(Upload, pk=upload_id)
    outcome = revert_upload(upload.pk, request.user)
    (messages.success if outcome.done else messages.error)(request, outcome.message)
    return redirect("indicators:upload", upload.pk)


@role_required(Role.PERFORMANCE_OFFICER)
def original_file(request: HttpRequest, upload_id: int) -> FileResponse:
    upload = get_object_or_404(Upload, pk=upload_id)
    response = FileResponse(upload.file.open("rb"), as_attachment=True, filename=upload.file_name)
    response["Cache-Control"] = "no-store"
    return response
