"""The per-section monthly table (domain.md, "The report" 3) and indicator histories.

Plain data objects built from a bounded number of queries; the section page, the indicator page
and the report draw them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from . import performance as perf
from .charts import chart_of
from .models import (
    Benchmark,
    Breakdown,
    Figure,
    FigureRevision,
    Indicator,
    Outturn,
    Section,
    Target,
)
from .models.catalogue import in_catalogue_order
from .restatements import restatements
from .summary import BLANK, OUTTURN_YEARS, Cell, measurement_cell, ytd_cell


@dataclass(frozen=True)
class Column:
    """One indicator of a section table, with everything printed under it."""

    indicator_id: int
    reference: str
    title: str
    unit: str
    kind: perf.Kind
    polarity: perf.Polarity
    months: tuple[Cell, ...]  # January..March before the year, then April..March (fifteen);
    # blank after the report month
    ytd: Cell  # marked partial when built from fewer months than the year so far
    outturns: tuple[Cell, ...]
    benchmarks: tuple[Cell, ...]  # in perf.Measure order
    green: Decimal | None  # the target line of the chart, when the target has one number
    target_range: tuple[Decimal, Decimal] | None  # the band of a range target (14-20)
    target_text: str


@dataclass(frozen=True)
class SectionTable:
    code: str
    title: str
    definition: str
    month: datetime.date
    months: tuple[datetime.date, ...]
    outturn_years: tuple[int, ...]
    columns: tuple[Column, ...]

    @property
    def year_label(self) -> str:
        return perf.year_label(perf.financial_year(self.month))


def target_line(target: Target | None) -> Decimal | None:
    """The single number a chart draws as the target, where the target has one."""
    if target is None:
        return None
    thresholds = target.thresholds
    if thresholds.kind in (perf.ThresholdKind.BANDS, perf.ThresholdKind.TARGET_ONLY):
        return thresholds.green
    if thresholds.kind == perf.ThresholdKind.TOLERANCE:
        return thresholds.centre
    return None


# The months before the financial year that a section table and its charts also show, so that
# an April report still has a trend (domain.md, "Calendar").
MONTHS_BEFORE_YEAR = 3


def table_months(year: int) -> tuple[datetime.date, ...]:
    """January..March before the financial year ``year``, then its April..March: fifteen."""
    return (*perf.months_of_year(year - 1)[-MONTHS_BEFORE_YEAR:], *perf.months_of_year(year))


def target_range(target: Target | None) -> tuple[Decimal, Decimal] | None:
    """The low and high of a range target, which a chart draws as a band."""
    if target is None or target.thresholds.kind != perf.ThresholdKind.RANGE:
        return None
    low, high = target.thresholds.low, target.thresholds.high
    return (low, high) if low is not None and high is not None else None


def build_section_table(section: Section, month: datetime.date) -> SectionTable:
    month = month.replace(day=1)
    year = perf.financial_year(month)
    months = table_months(year)
    outturn_years = tuple(range(year - OUTTURN_YEARS, year))
    indicators = in_catalogue_order(
        Indicator.objects.filter(section=section, retired=False).select_related("parent")
    )
    ids = [indicator.id for indicator in indicators]
    figures: dict[int, dict[datetime.date, Figure]] = defaultdict(dict)
    for figure in Figure.objects.filter(indicator_id__in=ids, month__in=months, month__lte=month):
        figures[figure.indicator_id][figure.month] = figure
    outturns: dict[int, dict[int, Outturn]] = defaultdict(dict)
    for outturn in Outturn.objects.filter(indicator_id__in=ids, year__in=outturn_years):
        outturns[outturn.indicator_id][outturn.year] = outturn
    targets = {t.indicator_id: t for t in Target.objects.filter(indicator_id__in=ids, year=year)}
    benchmarks: dict[int, dict[str, Benchmark]] = defaultdict(dict)
    for benchmark in Benchmark.objects.filter(indicator_id__in=ids):
        benchmarks[benchmark.indicator_id][benchmark.measure] = benchmark
    columns = []
    for indicator in indicators:
        own = figures[indicator.id]
        rules = indicator.rules
        target = targets.get(indicator.id)
        columns.append(
            Column(
                indicator_id=indicator.id,
                reference=indicator.reference,
                title=indicator.display_title,
                unit=indicator.unit,
                kind=indicator.kind_enum,
                polarity=indicator.polarity_enum,
                months=tuple(
                    measurement_cell(rules, own.get(m)) if m <= month else BLANK for m in months
                ),
                ytd=ytd_cell(rules, month, own),
                outturns=tuple(
                    measurement_cell(rules, outturns[indicator.id].get(y)) for y in outturn_years
                ),
                benchmarks=tuple(
                    Cell(rules.dated(b.value, b.places, b.year), b.value)
                    if (b := benchmarks[indicator.id].get(m.value))
                    else BLANK
                    for m in perf.Measure
                ),
                green=target_line(target),
                target_range=target_range(target),
                target_text=" / ".join(t for t in (target.red, target.amber, target.green) if t)
                if target
                else "",
            )
        )
    return SectionTable(
        code=section.code,
        title=section.title,
        definition=section.definition,
        month=month,
        months=months,
        outturn_years=outturn_years,
        columns=tuple(columns),
    )


def section_figures(
    section: Section,
    month: datetime.date,
    dots: Mapping[int, perf.Travel | None] | None = None,
) -> dict[str, object]:
    """What a page needs to show a section's figures: the table, its rows by month, the
    restatements, the charts (drawn by static/cpp/charts.js from a json_script block) and, given
    ``dots`` (indicator id -> the summary's DOT, under the framework's convention), a DOT row."""
    table = build_section_table(section, month)
    labels = [perf.month_label(m) for m in table.months]
    charts = [
        {
            "id": f"chart-{column.indicator_id}",
            "title": f"{column.reference} {column.title}",
            "labels": labels,
            "values": [float(c.value) if c.value is not None else None for c in column.months],
            "target": float(column.green) if column.green is not None else None,
            "band": [float(v) for v in column.target_range] if column.target_range else None,
            "percent": column.kind == perf.Kind.PERCENTAGE,
            "whole": column.kind == perf.Kind.COUNT,
            "unit": column.unit,
            "alt": chart_of([column], labels)["alt"],
        }
        for column in table.columns
    ]
    rows = (
        list(zip(table.months, zip(*(c.months for c in table.columns), strict=True), strict=True))
        if table.columns
        else []
    )
    dot_list = [dots.get(c.indicator_id) for c in table.columns] if dots is not None else None
    return {
        "table": table,
        "rows": rows,
        # The web table: one line per indicator (months across), with its DOT.
        "lines": list(zip(table.columns, dot_list or [None] * len(table.columns), strict=True)),
        "restated": restatements([c.indicator_id for c in table.columns], table.months),
        "charts": charts,
        "measures": list(perf.Measure),
        "dots": dot_list,
    }


@dataclass(frozen=True)
class HistoryRow:
    month: datetime.date
    figure: Figure
    revisions: tuple[FigureRevision, ...]


def indicator_history(indicator: Indicator) -> list[HistoryRow]:
    """Every figure of an indicator, newest first, each with its revisions (newest first)."""
    figures = list(
        Figure.objects.filter(indicator=indicator)
        .select_related("indicator")
        .order_by("-month")
        .prefetch_related("revisions__changed_by", "revisions__upload")
    )
    return [
        HistoryRow(month=f.month, figure=f, revisions=tuple(f.revisions.all())) for f in figures
    ]


@dataclass(frozen=True)
class BreakdownLine:
    category: str
    cells: tuple[Breakdown | None, ...]  # one per month of the table; None: no figure


@dataclass(frozen=True)
class BreakdownTable:
    """One dimension of an indicator's breakdown (``Gender``): a row per category in print
    order, a column per month."""

    dimension: str
    months: tuple[datetime.date, ...]
    lines: tuple[BreakdownLine, ...]


def breakdown_tables(indicator: Indicator) -> list[BreakdownTable]:
    """The indicator's breakdown tables, one per dimension, in the order they were given."""
    cells = list(Breakdown.objects.filter(indicator=indicator).order_by("order", "month"))
    by_dimension: dict[str, dict[str, dict[datetime.date, Breakdown]]] = {}
    for cell in cells:
        cell.indicator = indicator  # each cell formats itself by its indicator
        by_dimension.setdefault(cell.dimension, {}).setdefault(cell.category, {})[cell.month] = cell
    tables = []
    for dimension, categories in by_dimension.items():
        months = tuple(sorted({month for row in categories.values() for month in row}))
        lines = tuple(
            BreakdownLine(category, tuple(row.get(month) for month in months))
            for category, row in categories.items()
        )
        tables.append(BreakdownTable(dimension, months, lines))
    return tables
