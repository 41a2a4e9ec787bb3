"""Which months a framework can be looked at for."""

from __future__ import annotations

import datetime

from django.db.models import Max

from .models import Figure, Framework, ReportingMonth


def months_with_figures(framework: Framework) -> list[datetime.date]:
    """Months with figures or an opened reporting month, newest first."""
    # order_by(): Figure's default ordering would make DISTINCT run over (indicator, month),
    # every figure row, instead of over the months.
    months = set(
        Figure.objects.filter(indicator__section__frameworks=framework)
        .order_by()
        .values_list("month", flat=True)
        .distinct()
    )
    months |= set(
        ReportingMonth.objects.filter(framework=framework).values_list("month", flat=True)
    )
    return sorted(months, reverse=True)


def latest_month(framework: Framework) -> datetime.date | None:
    """The newest opened month, or the newest month with figures."""
    opened = ReportingMonth.objects.filter(framework=framework).aggregate(m=Max("month"))["m"]
    if opened:
        return opened
    return Figure.objects.filter(indicator__section__frameworks=framework).aggregate(
        m=Max("month")
    )["m"]
