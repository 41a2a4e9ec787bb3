"""Which months a framework can be looked at for."""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import Max

from .models import Figure, Framework, Indicator, ReportingMonth


def months_with_figures(framework: Framework) -> list[datetime.date]:
    """Months with figures or an opened reporting month, newest first."""
    months = set(_figure_months(framework))
    months |= set(
        ReportingMonth.objects.filter(framework=framework).values_list("month", flat=True)
    )
    return sorted(months, reverse=True)


def _figure_months(framework: Framework) -> list[datetime.date]:
    """The months in which any of ``framework``'s indicators has a figure.

    A skip scan of the figures' month index (the next month with any figure after the last one
    found, one step a month) that keeps the months with a figure of the framework: SELECT
    DISTINCT joined every figure row (120,000 for ten years) to its framework to find 120
    months. The indicators are listed, not joined: knowing how many there are, the database
    checks a month through the figures of the month for a framework of most indicators, and
    through its indicators' own index entries for a small one. WITH RECURSIVE and scalar
    subqueries are standard SQL, in PostgreSQL and SQLite alike.
    """
    ids = list(
        Indicator.objects.filter(section__frameworks=framework)
        .order_by()
        .values_list("id", flat=True)
    )
    if not ids:
        return []
    figures = Figure._meta.db_table
    sql = f"""
        WITH RECURSIVE found(month) AS (
            SELECT (SELECT month FROM {figures} ORDER BY month LIMIT 1)
            UNION ALL
            SELECT (
                SELECT f.month FROM {figures} f WHERE f.month > found.month
                ORDER BY f.month LIMIT 1
            )
            FROM found WHERE found.month IS NOT NULL
        )
        SELECT month FROM found
        WHERE month IS NOT NULL AND EXISTS (
            SELECT 1 FROM {figures} f
            WHERE f.month = found.month AND f.indicator_id IN ({", ".join(["%s"] * len(ids))})
        )
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        # SQLite's cursor gives dates as text: the ORM's conversion is not applied to raw SQL.
        return [
            month if isinstance(month, datetime.date) else datetime.date.fromisoformat(month)
            for (month,) in cursor.fetchall()
        ]


def latest_month(framework: Framework) -> datetime.date | None:
    """The newest opened month, or the newest month with figures."""
    opened = ReportingMonth.objects.filter(framework=framework).aggregate(m=Max("month"))["m"]
    if opened:
        return opened
    return Figure.objects.filter(indicator__section__frameworks=framework).aggregate(
        m=Max("month")
    )["m"]
