"""Opening a reporting month and its timetable."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.access import SignedInRequest, role_required
from accounts.roles import Role

from .. import performance as perf
from ..forms import OpenMonthForm
from ..models import ReportingMonth
from ..services import TIMETABLE, open_month


@role_required(Role.PERFORMANCE_OFFICER)
def months_page(request: SignedInRequest) -> HttpResponse:
    form = OpenMonthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            month = open_month(
                framework=form.cleaned_data["framework"],
                month=form.cleaned_data["month"],
                timetable={name: form.cleaned_data[name] for name in TIMETABLE},
                actor=request.user,
            )
        except ValidationError as refusal:
            # e.g. another officer opened the same month a moment ago
            form.add_error(None, refusal)
        else:
            messages.success(request, f"{month.label} is open for {month.framework}.")
            return redirect("indicators:summary", month.framework_id, perf.month_key(month.month))
    months = ReportingMonth.objects.select_related("framework", "opened_by")
    return render(request, "indicators/months.html", {"form": form, "months": months})
