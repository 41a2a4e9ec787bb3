"""The performance pages: summary, section, indicator, data quality and Appendix A."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from accounts.access import STAFF_ROLES, role_required
from accounts.roles import Role

from .. import performance as perf
from ..exports import appendix_a
from ..forms import SummaryFilterForm
from ..models import Benchmark, Framework, Indicator, Section, Target
from ..months import latest_month, months_with_figures
from ..quality import check_month
from ..restatements import restatements
from ..summary import build_summary, filter_summary
from ..tables import breakdown_tables, indicator_history, section_figures, target_line


def month_from_url(text: str) -> datetime.date:
    try:
        return perf.parse_month(text)
    except ValueError as error:
        raise Http404(str(error)) from error


def month_nav(framework: Framework, month: datetime.date) -> list[dict[str, Any]]:
    """Links to the summary of every month the framework has figures for."""
    return [
        {
            "label": m.strftime("%b %Y"),
            "url": reverse("indicators:summary", args=[framework.pk, perf.month_key(m)]),
            "current": m == month,
        }
        for m in months_with_figures(framework)
    ]


@role_required(*STAFF_ROLES)
def summary_latest(request: HttpRequest) -> HttpResponse:
    framework = Framework.objects.order_by("name").first()
    if framework is None:
        return render(request, "indicators/empty.html", status=200)
    month = latest_month(framework)
    if month is None:
        return render(request, "indicators/empty.html", {"framework": framework})
    return redirect("indicators:summary", framework.pk, perf.month_key(month))


@role_required(*STAFF_ROLES)
def summary_page(request: HttpRequest, framework_id: int, month: str) -> HttpResponse:
    framework = get_object_or_404(Framework, pk=framework_id)
    month_date = month_from_url(month)
    summary = build_summary(framework, month_date)
    sections = [(s.code, s.title) for s in framework.ordered_sections()]
    form = SummaryFilterForm(request.GET or None, sections=sections)
    shown = summary
    if form.is_valid():
        shown = filter_summary(
            summary,
            section=form.cleaned_data["section"],
            rag=form.cleaned_data["rag"],
            exceptions_only=form.cleaned_data["exceptions"],
        )
    restated = restatements([row.indicator_id for row in summary.rows], summary.months)
    return render(
        request,
        "indicators/summary.html",
        {
            "framework": framework,
            "summary": shown,
            "total_rows": len(summary.rows),
            "shown_rows": len(shown.rows),
            "form": form,
            "restated": restated,
            "months_nav": month_nav(framework, month_date),
            "year_label": perf.year_label(summary.financial_year),
            "measures": list(perf.Measure),
        },
    )


@role_required(*STAFF_ROLES)
def section_page(request: HttpRequest, framework_id: int, month: str, code: str) -> HttpResponse:
    framework = get_object_or_404(Framework, pk=framework_id)
    section = get_object_or_404(Section, code=code, frameworks=framework)
    month_date = month_from_url(month)
    rows = build_summary(framework, month_date, section_code=section.code).rows
    return render(
        request,
        "indicators/section.html",
        {
            "framework": framework,
            "month": month_date,
            "month_key": perf.month_key(month_date),
            **section_figures(section, month_date, {row.indicator_id: row.dot for row in rows}),
        },
    )


@role_required(*STAFF_ROLES)
def indicator_page(request: HttpRequest, reference: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.select_related("section"), reference=reference)
    history = indicator_history(indicator)
    latest = next((row.figure for row in history if row.figure.value is not None), None)
    benchmarks = list(Benchmark.objects.filter(indicator=indicator))
    band = perf.quartile_band(
        indicator.polarity_enum,
        perf.round_to(latest.value, indicator.decimals) if latest else None,
        {perf.Measure(b.measure): b.value for b in benchmarks},
    )
    targets = list(Target.objects.filter(indicator=indicator).order_by("-year"))
    # The DOT of the latest figure in each report the indicator is printed in, under that
    # report's convention.
    travels = [
        (framework, latest.month, row.dot)
        for framework in (indicator.section.frameworks.order_by("name") if latest else [])
        for row in build_summary(framework, latest.month, section_code=indicator.section.code).rows
        if row.indicator_id == indicator.id
    ]
    chronological = list(reversed(history))
    line = target_line(targets[0] if targets else None)
    chart = {
        "id": "history",
        "title": f"{indicator.reference} {indicator.display_title}",
        "labels": [perf.month_label(row.month) for row in chronological],
        "values": [
            float(row.figure.value) if row.figure.value is not None else None
            for row in chronological
        ],
        "target": float(line) if line is not None else None,
        "percent": indicator.kind_enum == perf.Kind.PERCENTAGE,
    }
    return render(
        request,
        "indicators/indicator.html",
        {
            "indicator": indicator,
            "history": history,
            "latest": latest,
            "benchmarks": benchmarks,
            "band": band,
            "targets": targets,
            "chart_list": [chart],
            "frameworks": indicator.section.frameworks.all(),
            "travels": travels,
            "breakdown_tables": breakdown_tables(indicator),
        },
    )


@never_cache  # a private file: no shared or browser cache keeps a copy
@role_required(*STAFF_ROLES)
def appendix_a_download(request: HttpRequest, framework_id: int, month: str) -> HttpResponse:
    framework = get_object_or_404(Framework, pk=framework_id)
    month_date = month_from_url(month)
    content = appendix_a(framework, month_date)
    name = f"Appendix A - {framework.name} - {month_date:%B %Y}.xlsx"
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(Role.PERFORMANCE_OFFICER)
def quality_page(request: HttpRequest, framework_id: int, month: str) -> HttpResponse:
    framework = get_object_or_404(Framework, pk=framework_id)
    month_date = month_from_url(month)
    issues = check_month(framework, month_date)
    by_check: dict[str, list[Any]] = {}
    for issue in issues:
        by_check.setdefault(issue.check.value, []).append(issue)
    return render(
        request,
        "indicators/quality.html",
        {
            "framework": framework,
            "month": month_date,
            "month_key": perf.month_key(month_date),
            "by_check": by_check,
            "count": len(issues),
        },
    )
