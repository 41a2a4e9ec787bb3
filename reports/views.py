"""The report pages: editions of a month, an edition, its files and its HTML version.

Thin: who may see or do what is ``rules``; the pages offer only what the rules allow, and the
verbs of ``services`` ask them again, their refusals coming back to the page as messages naming
the reason. A panel member asking for a draft gets 404, as if it did not exist. Files are
private: their responses say ``Cache-Control: no-store``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.access import STAFF_ROLES, SignedInRequest, role_required
from accounts.roles import Role
from indicators.models import ReportingMonth

from . import assembly, pages, rules, services, snapshot
from .forms import PaperForm
from .models import BuildStatus, Edition

EVERYONE = (*STAFF_ROLES, Role.PANEL_MEMBER)


def _edition(request: HttpRequest, pk: int) -> Edition:
    return get_object_or_404(rules.visible_editions(request.user), pk=pk)


def _month(pk: int) -> ReportingMonth:
    return get_object_or_404(ReportingMonth.objects.select_related("framework"), pk=pk)


@role_required(*EVERYONE)
def report_list(request: HttpRequest) -> HttpResponse:
    """Issued reports for everyone (the panel's page); staff also get each month's editions."""
    months = (
        ReportingMonth.objects.select_related("framework").order_by("-month")
        if rules.sees_drafts(request.user)
        else ReportingMonth.objects.none()
    )
    return render(
        request,
        "reports/list.html",
        {"issued": pages.issued_editions(request.user), "months": months},
    )


@role_required(*STAFF_ROLES)
def month_page(request: HttpRequest, month_id: int) -> HttpResponse:
    return render(request, "reports/month.html", pages.month_page(_month(month_id), request.user))


def _on_month(
    request: HttpRequest, month_id: int, verb: Callable[..., Edition], success: str
) -> HttpResponse:
    """Run a month verb; its refusal comes back to the month page as a message naming why."""
    reporting_month = _month(month_id)
    try:
        edition = verb(reporting_month, request.user)
    except services.EditionError as error:
        messages.error(request, str(error))
        return redirect("reports:month", reporting_month.pk)
    # Built in-process already (the embedded default runs tasks at once), or still waiting for
    # a worker: say which, never "queued" about a ready report.
    edition.refresh_from_db()
    if edition.status == BuildStatus.FAILED:
        messages.error(request, f"{edition.label} could not be built: {edition.error}")
    else:
        ready = " It is ready." if edition.is_ready else " This page shows when it is ready."
        messages.success(request, success.format(label=edition.label) + ready)
    return redirect("reports:edition", edition.pk)


def _on_edition(
    request: HttpRequest, pk: int, verb: Callable[..., Edition], success: str
) -> HttpResponse:
    edition = _edition(request, pk)
    try:
        verb(edition, request.user)
    except services.EditionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success.format(label=edition.label))
    return redirect("reports:edition", edition.pk)


@require_POST
@role_required(Role.PERFORMANCE_OFFICER)
def generate(request: HttpRequest, month_id: int) -> HttpResponse:
    return _on_month(
        request,
        month_id,
        services.generate_draft,
        "{label} is generated.",
    )


@role_required(Role.PERFORMANCE_OFFICER)
def issue(request: HttpRequest, month_id: int) -> HttpResponse:
    """GET: what issuing would do (and what would stop it), with a button to do it; POST: issue."""
    if request.method != "POST":
        return render(request, "reports/issue.html", pages.issue_page(_month(month_id)))
    return _on_month(
        request,
        month_id,
        services.issue_report,
        "{label} is issued to the panel; its members are e-mailed a link once it is ready.",
    )


@require_POST
@role_required(Role.APPROVER)
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_edition(
        request, pk, services.sign_off, "You signed off {label}. It can now be issued."
    )


@require_POST
@role_required(Role.PERFORMANCE_OFFICER)
def rebuild(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_edition(request, pk, services.rebuild, "{label} is queued again.")


@role_required(Role.PERFORMANCE_OFFICER)
def paper(request: SignedInRequest, month_id: int) -> HttpResponse:
    reporting_month = _month(month_id)
    action = reverse("reports:paper", args=[reporting_month.pk])
    if request.method == "POST":
        form = PaperForm(request.POST, action=action)
        if form.is_valid():
            try:
                services.save_paper(reporting_month, request.user, form.cleaned_data)
            except services.EditionError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    "Saved. The next draft or issue prints this covering paper. It is part of "
                    "what an approver signs off: issuing needs a draft with it signed off.",
                )
            return redirect("reports:month", reporting_month.pk)
        status = 400
    else:
        form = PaperForm(initial=assembly.paper_of(reporting_month), action=action)
        status = 200
    return render(
        request,
        "reports/paper.html",
        {"reporting_month": reporting_month, "form": form},
        status=status,
    )


@role_required(*EVERYONE)
def edition_page(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition(request, pk)
    return render(
        request,
        "reports/edition.html",
        {
            "edition": edition,
            "can_sign_off": pages.can_sign_off(edition, request.user),
            "sign_off_refusal": pages.sign_off_refusal(edition, request.user),
            "unapproved": rules.unapproved_sections(edition.snapshot),
            "draft_signed_off_on": snapshot.date_text(
                snapshot.current(edition.snapshot)["edition"]["signed_off_on"]
            ),
        },
    )


@role_required(*EVERYONE)
def edition_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Polled by the edition page (static/cpp/editions.js) while a build is queued or running."""
    edition = _edition(request, pk)
    return JsonResponse(
        {
            "status": edition.status,
            "label": edition.get_status_display(),
            "error": edition.error,
            "ready": edition.is_ready,
        }
    )


@never_cache  # a private file: no shared or browser cache keeps a copy
@role_required(*EVERYONE)
def download(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    edition = _edition(request, pk)
    field = edition.pdf if kind == "report" else edition.paper
    if not edition.is_ready or not field:
        raise Http404("This edition has no file yet.")
    suffix = "" if kind == "report" else "-covering-paper"
    return FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=f"{edition.file_stem()}{suffix}.pdf",
        content_type="application/pdf",
    )


@role_required(*EVERYONE)
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """The edition as an accessible web page, from the same frozen snapshot as its PDF."""
    edition = _edition(request, pk)
    context = pages.html_report(edition.snapshot)
    template = "reports/read_board.html" if "board" in context else "reports/read.html"
    return render(request, template, {"edition": edition, **context})
