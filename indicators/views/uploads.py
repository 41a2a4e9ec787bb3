"""Uploads: preview, confirm, revert and the stored original. Performance officers only."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role

from ..forms import UploadForm
from ..models import Upload
from ..uploads import (
    UploadRefused,
    confirm_upload,
    preview_upload,
    receive_upload,
    revert_upload,
)

# A preview lists at most this many rows of each status; the counts are always complete.
PREVIEW_ROWS = 500


@role_required(Role.PERFORMANCE_OFFICER)
def uploads_page(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        if uploaded.size > settings.UPLOAD_MAX_BYTES:
            form.add_error(
                "file",
                f"{uploaded.name} is larger than the "
                f"{settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB limit.",
            )
        else:
            try:
                upload, _ = receive_upload(
                    form.cleaned_data["kind"], uploaded.name, uploaded.read(), request.user
                )
            except UploadRefused as refusal:
                form.add_error("file", str(refusal))
            else:
                return redirect("indicators:upload", upload.pk)
    uploads = Upload.objects.select_related("uploaded_by")[:50]
    return render(request, "indicators/uploads.html", {"form": form, "uploads": uploads})


@role_required(Role.PERFORMANCE_OFFICER)
def upload_page(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = get_object_or_404(Upload.objects.select_related("uploaded_by"), pk=upload_id)
    report = None
    if upload.status in (Upload.Status.PREVIEWED, Upload.Status.REFUSED):
        report = preview_upload(upload)
    return render(request, "indicators/upload.html", upload_context(upload, report))


def upload_context(upload: Upload, report: object) -> dict[str, object]:
    rows = getattr(report, "rows", [])
    return {
        "upload": upload,
        "report": report,
        "new_rows": [r for r in rows if r.status == "new"][:PREVIEW_ROWS],
        "changed_rows": [r for r in rows if r.status == "changed"][:PREVIEW_ROWS],
        "limit": PREVIEW_ROWS,
        "revisions": upload.revisions.select_related("figure__indicator")[:PREVIEW_ROWS]
        if upload.status != Upload.Status.PREVIEWED
        else [],
    }


@require_POST
@role_required(Role.PERFORMANCE_OFFICER)
def confirm(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = get_object_or_404(Upload, pk=upload_id)
    result = confirm_upload(
        upload.pk,
        request.POST.get("checksum", ""),
        request.POST.get("fingerprint", ""),
        request.user,
    )
    if result.applied:
        messages.success(request, result.message)
    else:
        messages.error(request, result.message)
    return redirect("indicators:upload", upload.pk)


@require_POST
@role_required(Role.PERFORMANCE_OFFICER)
def revert(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = get_object_or_404(Upload, pk=upload_id)
    result = revert_upload(upload.pk, request.user)
    (messages.success if result.reverted else messages.error)(request, result.message)
    return redirect("indicators:upload", upload.pk)


@role_required(Role.PERFORMANCE_OFFICER)
def original_file(request: HttpRequest, upload_id: int) -> FileResponse:
    upload = get_object_or_404(Upload, pk=upload_id)
    return FileResponse(upload.file.open("rb"), as_attachment=True, filename=upload.file_name)
