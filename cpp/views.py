"""The home page: where each role starts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts.access import SignedInRequest, roles_of
from accounts.roles import Role
from indicators import performance as perf
from indicators.models import Framework, ReportingMonth, Section, Upload
from indicators.months import latest_month
from reports.pages import issued_editions


@login_required
def home(request: SignedInRequest) -> HttpResponse:
    roles = roles_of(request.user)
    framework = Framework.objects.order_by("name").first()
    month = latest_month(framework) if framework else None
    context = {
        "framework": framework,
        "month": month,
        "month_key": perf.month_key(month) if month else "",
        "my_sections": Section.objects.filter(managers=request.user).order_by("code")
        if Role.HEAD_OF_SERVICE in roles
        else Section.objects.none(),
        "open_months": ReportingMonth.objects.select_related("framework")[:5]
        if Role.PERFORMANCE_OFFICER in roles
        else [],
        "recent_uploads": Upload.objects.select_related("uploaded_by")[:5]
        if Role.PERFORMANCE_OFFICER in roles
        else [],
        "no_role": not roles,
        "issued": issued_editions(request.user)[:6] if Role.PANEL_MEMBER in roles else [],
    }
    return render(request, "home.html", context)
