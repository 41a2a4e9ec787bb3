"""The performance summary of one framework for one month, as a plain data object.

``build_summary`` reads the database once per kind of row (figures, targets, outturns, benchmarks)
and hands the arithmetic to ``performance``; the web pages, the ``summary`` export and the report
all draw from the object it returns, so they cannot disagree.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from . import performance as perf
from .models import Benchmark, Figure, Framework, Indicator, Outturn, Target

SUMMARY_MONTHS = 3
OUTTURN_YEARS = 5
MEASURES = tuple(perf.Measure)


@dataclass(frozen=True)
class Cell:
    """One figure as printed: its text and, when it is a number, the number."""

    text: str
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


BLANK = Cell("")


@dataclass(frozen=True)
class SummaryRow:
    indicator_id: int
    reference: str
    title: str
    section_code: str
    polarity: perf.Polarity
    unit: perf.Unit
    aggregation: perf.Aggregation
    frequency: perf.Frequency
    months: tuple[Cell, ...]
    ytd: Cell
    dot: perf.Travel | None  # as printed under the framework's convention
    rag: perf.Rag | None
    red: str
    amber: str
    green: str
    outturns: tuple[Cell, ...]
    benchmarks: dict[perf.Measure, Cell]
    band: perf.Band | None

    @property
    def latest(self) -> Cell:
        return self.months[-1]


@dataclass(frozen=True)
class SummarySection:
    code: str
    title: str
    rows: tuple[SummaryRow, ...]


@dataclass(frozen=True)
class Summary:
    framework: str
    month: datetime.date
    months: tuple[datetime.date, ...]
    outturn_years: tuple[int, ...]
    sections: tuple[SummarySection, ...]

    @property
    def financial_year(self) -> int:
        return perf.financial_year(self.month)

    @property
    def rows(self) -> list[SummaryRow]:
        return [row for section in self.sections for row in section.rows]


def reference_key(reference: str) -> tuple[object, ...]:
    """Sort references as people read them: 6.2 before 6.10, `NEW` last."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"[.\s]", reference)
    )


def build_summary(
    framework: Framework, month: datetime.date, section_code: str | None = None
) -> Summary:
    """The summary of ``framework`` as at the end of ``month`` (of one section when
    ``section_code`` is given, e.g. for that section's talking points)."""
    month = month.replace(day=1)
    year = perf.financial_year(month)
    months = tuple(perf.previous_months(month, SUMMARY_MONTHS))
    outturn_years = tuple(range(year - OUTTURN_YEARS, year))
    sections = list(framework.ordered_sections())
    if section_code is not None:
        sections = [s for s in sections if s.code == section_code]
    indicators = list(
        Indicator.objects.filter(section__in=sections, retired=False).select_related("section")
    )
    ids = [indicator.id for indicator in indicators]
    # Twelve months back is enough for every figure the summary uses: the three months shown,
    # the year to date, and the previous figure of a termly or quarterly indicator.
    earliest = min(perf.previous_months(month, 12)[0], months[0])
    figures: dict[int, dict[datetime.date, Figure]] = defaultdict(dict)
    for figure in Figure.objects.filter(
        indicator_id__in=ids, month__gte=earliest, month__lte=month
    ):
        figures[figure.indicator_id][figure.month] = figure
    targets = {t.indicator_id: t for t in Target.objects.filter(indicator_id__in=ids, year=year)}
    outturns: dict[int, dict[int, Outturn]] = defaultdict(dict)
    for outturn in Outturn.objects.filter(indicator_id__in=ids, year__in=outturn_years):
        outturns[outturn.indicator_id][outturn.year] = outturn
    benchmarks: dict[int, dict[perf.Measure, Benchmark]] = defaultdict(dict)
    for benchmark in Benchmark.objects.filter(indicator_id__in=ids).select_related("indicator"):
        benchmarks[benchmark.indicator_id][perf.Measure(benchmark.measure)] = benchmark

    by_section: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        by_section[indicator.section_id].append(indicator)
    built = []
    for section in sections:
        rows = [
            summary_row(
                indicator,
                month,
                months,
                outturn_years,
                figures[indicator.id],
                targets.get(indicator.id),
                outturns[indicator.id],
                benchmarks[indicator.id],
                framework.dot_convention,
            )
            for indicator in sorted(
                by_section[section.id], key=lambda i: reference_key(i.reference)
            )
        ]
        built.append(SummarySection(code=section.code, title=section.title, rows=tuple(rows)))
    return Summary(
        framework=framework.name,
        month=month,
        months=months,
        outturn_years=outturn_years,
        sections=tuple(built),
    )


def summary_row(
    indicator: Indicator,
    month: datetime.date,
    months: tuple[datetime.date, ...],
    outturn_years: tuple[int, ...],
    figures: dict[datetime.date, Figure],
    target: Target | None,
    outturns: dict[int, Outturn],
    benchmarks: dict[perf.Measure, Benchmark],
    convention: str,
) -> SummaryRow:
    polarity = indicator.polarity_enum
    unit = indicator.unit_enum
    latest = _value(indicator, figures.get(month))
    ytd = perf.year_to_date(
        indicator.aggregation_enum,
        unit,
        [
            _month_figure(indicator, figures.get(m))
            for m in perf.months_of_year(perf.financial_year(month))
            if m <= month
        ],
        indicator.decimals,
    )
    benchmark_values = {measure: b.value for measure, b in benchmarks.items()}
    return SummaryRow(
        indicator_id=indicator.id,
        reference=indicator.reference,
        title=indicator.display_title,
        section_code=indicator.section.code,
        polarity=polarity,
        unit=unit,
        aggregation=indicator.aggregation_enum,
        frequency=perf.Frequency(indicator.frequency),
        months=tuple(measurement_cell(indicator, figures.get(m)) for m in months),
        ytd=(
            Cell(indicator.format(ytd.value), ytd.value, ytd.numerator, ytd.denominator)
            if ytd
            else Cell("-")
        ),
        dot=perf.travel(convention, polarity, previous_value(indicator, month, figures), latest),
        rag=perf.rag(target.thresholds, latest) if target else None,
        red=target.red if target else "",
        amber=target.amber if target else "",
        green=target.green if target else "",
        outturns=tuple(measurement_cell(indicator, outturns.get(year)) for year in outturn_years),
        benchmarks={measure: Cell(b.display, b.value) for measure, b in benchmarks.items()},
        band=perf.quartile_band(polarity, latest, benchmark_values),
    )


def previous_value(
    indicator: Indicator, month: datetime.date, figures: dict[datetime.date, Figure]
) -> Decimal | None:
    """The figure DOT compares with: last month's, or for termly and quarterly indicators the
    latest earlier figure (the previous term), as the seeds print arrows for termly rows."""
    earlier = perf.previous_months(month, 13)[:-1]
    if indicator.frequency == perf.Frequency.MONTHLY:
        return _value(indicator, figures.get(earlier[-1]))
    for m in reversed(earlier):
        value = _value(indicator, figures.get(m))
        if value is not None:
            return value
    return None


def _value(indicator: Indicator, figure: Figure | None) -> Decimal | None:
    """The figure as printed, so that comparisons agree with what the reader sees."""
    if figure is None or figure.value is None:
        return None
    return perf.round_to(figure.value, indicator.decimals)


def _month_figure(indicator: Indicator, figure: Figure | None) -> perf.MonthFigure:
    if figure is None:
        return perf.MonthFigure(None)
    return perf.MonthFigure(_value(indicator, figure), figure.numerator, figure.denominator)


def measurement_cell(indicator: Indicator, measurement: Figure | Outturn | None) -> Cell:
    if measurement is None:
        return Cell("-")
    return Cell(
        indicator.format(measurement.value, measurement.marker),
        measurement.value,
        measurement.numerator,
        measurement.denominator,
    )


def summary_table(summary: Summary) -> tuple[list[str], list[list[str]]]:
    """The `summary` kind of formats.md: headers and rows of text."""
    headers = [
        "reference",
        "title",
        "section",
        "polarity",
        "unit",
        "aggregation",
        *(perf.month_key(m) for m in summary.months),
        "ytd",
        "dot",
        "rag",
        "red",
        "amber",
        "green",
        *(perf.year_label(y) for y in summary.outturn_years),
        *(measure.value for measure in MEASURES),
    ]
    rows = [
        [
            row.reference,
            row.title,
            row.section_code,
            row.polarity.value,
            row.unit.value,
            row.aggregation.value,
            *(cell.text for cell in row.months),
            row.ytd.text,
            row.dot.arrow if row.dot else "",
            row.rag.value if row.rag else "",
            row.red,
            row.amber,
            row.green,
            *(cell.text for cell in row.outturns),
            *(row.benchmarks.get(measure, BLANK).text for measure in MEASURES),
        ]
        for row in summary.rows
    ]
    return headers, rows


def worse_than_sn_average(row: SummaryRow) -> bool | None:
    """Whether the latest figure is worse than the SN average; None when it cannot be said."""
    sn = row.benchmarks.get(perf.Measure.SN_AVERAGE)
    latest = row.latest.value
    if sn is None or sn.value is None or latest is None:
        return None
    if row.polarity == perf.Polarity.HIGH:
        return latest < sn.value
    if row.polarity in (perf.Polarity.LOW, perf.Polarity.WITHIN_LIMITS_LOW):
        return latest > sn.value
    return None


def is_exception(row: SummaryRow) -> bool:
    """Red, or worsening, or worse than the statistical-neighbour average."""
    if row.rag == perf.Rag.RED:
        return True
    if row.dot is not None and row.dot.tone == "bad":
        return True
    return bool(worse_than_sn_average(row))


def filter_summary(
    summary: Summary, section: str = "", rag: str = "", exceptions_only: bool = False
) -> Summary:
    """The summary narrowed to a section, a RAG rating ('none' for unrated) and/or exceptions."""

    def keep(row: SummaryRow) -> bool:
        if rag == "none" and row.rag is not None:
            return False
        if rag and rag != "none" and (row.rag is None or row.rag.value != rag):
            return False
        return not exceptions_only or is_exception(row)

    sections = tuple(
        SummarySection(s.code, s.title, tuple(row for row in s.rows if keep(row)))
        for s in summary.sections
        if not section or s.code == section
    )
    return Summary(
        framework=summary.framework,
        month=summary.month,
        months=summary.months,
        outturn_years=summary.outturn_years,
        sections=tuple(s for s in sections if s.rows),
    )
