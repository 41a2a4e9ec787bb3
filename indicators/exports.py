"""Writing the interchange files: each importable kind and the `summary` (formats.md)."""

from __future__ import annotations

import datetime

import tablib
from django.db.models import QuerySet

from . import performance as perf
from .files import escape_cell
from .models import Framework
from .resources import KINDS, columns_of, resource_for
from .summary import build_summary, summary_table

EXPORT_KINDS = (*KINDS, "summary")


class ExportError(ValueError):
    pass


def export_dataset(
    kind: str, framework: Framework | None = None, month: datetime.date | None = None
) -> tablib.Dataset:
    """The rows of ``kind``, limited to ``framework`` and (for figures) ``month`` when given."""
    if kind == "summary":
        if framework is None or month is None:
            raise ExportError("the summary needs --framework and --month")
        headers, rows = summary_table(build_summary(framework, month))
        return _escaped(headers, rows)
    if kind not in KINDS:
        raise ExportError(f"unknown kind '{kind}': use one of {', '.join(EXPORT_KINDS)}")
    resource = resource_for(kind)
    queryset = _limit(kind, resource.get_queryset(), framework, month)
    dataset = resource.export(queryset)
    return _escaped(list(columns_of(kind)), [list(row) for row in dataset])


def _limit(
    kind: str, queryset: QuerySet, framework: Framework | None, month: datetime.date | None
) -> QuerySet:
    if framework is not None:
        if kind == "sections":
            queryset = queryset.filter(framework=framework)
        elif kind == "indicators":
            queryset = queryset.filter(section__frameworks=framework).distinct()
        else:
            queryset = queryset.filter(indicator__section__frameworks=framework).distinct()
    if month is not None and kind == "figures":
        queryset = queryset.filter(month=month)
    if kind == "sections":
        queryset = queryset.order_by("framework__name", "order")
    return queryset


def _escaped(headers: list[str], rows: list[list[object]]) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        dataset.append([escape_cell("" if cell is None else cell) for cell in row])
    return dataset


def render(dataset: tablib.Dataset, file_name: str | None) -> bytes:
    """CSV (UTF-8), or XLSX when the file name ends in .xlsx."""
    if file_name and file_name.lower().endswith(".xlsx"):
        return dataset.export("xlsx")
    return dataset.export("csv").encode("utf-8")


def parse_month_option(text: str) -> datetime.date:
    try:
        return perf.parse_month(text)
    except ValueError as error:
        raise ExportError(str(error)) from error


def appendix_a(framework: Framework, month: datetime.date) -> bytes:
    """The month's dataset as a workbook: the summary, then every figure of the financial year.

    Text cells that a spreadsheet would run as a formula are escaped, as in every export.
    """
    summary = export_dataset("summary", framework, month)
    summary.title = "Summary"
    year_months = [m for m in perf.months_of_year(perf.financial_year(month)) if m <= month]
    resource = resource_for("figures")
    figures_qs = _limit("figures", resource.get_queryset(), framework, None).filter(
        month__in=year_months
    )
    figures = _escaped(
        list(columns_of("figures")), [list(row) for row in resource.export(figures_qs)]
    )
    figures.title = f"Figures {perf.year_label(perf.financial_year(month))}"
    return tablib.Databook([summary, figures]).export("xlsx")
