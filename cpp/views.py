"""The home page: where each role starts."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import resolve

from accounts.access import STAFF_ROLES, SignedInRequest, roles_of
from accounts.roles import Role
from indicators import performance as perf
from indicators.models import Framework, Section, Upload
from indicators.months import latest_month
from narratives import pages as narrative_pages
from narratives import views as narrative_views
from reports import pages as report_pages


@login_required
def home(request: SignedInRequest) -> HttpResponse:
    """Each role's work list for the open months, with the next action as a button."""
    roles = roles_of(request.user)
    framework = Framework.objects.order_by("name").first()
    month = latest_month(framework) if framework else None
    officer, approver = Role.PERFORMANCE_OFFICER in roles, Role.APPROVER in roles
    months = report_pages.open_months() if roles & set(STAFF_ROLES) else []
    context = {
        "framework": framework,
        "month": month,
        "month_key": perf.month_key(month) if month else "",
        "no_role": not roles,
        "open_months": months,
        "progress": [report_pages.month_progress(m, with_figures=officer) for m in months]
        if officer or approver
        else [],
        "my_work": narrative_pages.author_work(request.user, months)
        if Role.HEAD_OF_SERVICE in roles
        else [],
        "my_sections": list(Section.objects.filter(managers=request.user).order_by("code"))
        if Role.HEAD_OF_SERVICE in roles
        else [],
        "to_review": narrative_pages.review_queue(request.user, months) if approver else [],
        "to_sign": report_pages.drafts_awaiting_sign_off(request.user, months) if approver else [],
        "recent_uploads": Upload.objects.select_related("uploaded_by")[:5] if officer else [],
        **(report_pages.panel_home(request.user) if Role.PANEL_MEMBER in roles else {}),
    }
    return render(request, "home.html", context)


# A post to a narrative larger than this is not read back at all (only the reason is given).
READ_BACK_LIMIT = 64 * 1024 * 1024


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400, with words: a narrative post larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` comes back
    as the narrative page holding the text that was sent, saying nothing was saved."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    if isinstance(exception, RequestDataTooBig):
        size = int(request.META.get("CONTENT_LENGTH") or 0)
        match = resolve(request.path_info)
        if (
            match.view_name == "narratives:save"
            and request.content_type == "application/x-www-form-urlencoded"
            and 0 < size <= READ_BACK_LIMIT
        ):
            # Not yet read: Django refused on the declared length, before reading the body.
            posted = QueryDict(request.read(size), encoding="utf-8")
            return narrative_views.oversized(request, match.kwargs["pk"], posted, limit)
        reason = (
            f"What was sent ({size / 1024 / 1024:.1f} MB) is more than the "
            f"{limit / 1024 / 1024:.0f} MB a page may send. Nothing was saved."
        )
        return render(request, "400.html", {"reason": reason}, status=413)
    return render(
        request, "400.html", {"reason": "The request was not valid. Nothing was saved."}, status=400
    )
