"""The performance summary of one framework for one month, as a plain data object.

``build_summary`` reads the database once per kind of row (figures, targets, outturns, benchmarks)
and hands the arithmetic to ``performance``; the web pages, the ``summary`` export and the report
all draw from the object it returns, so they cannot disagree.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from . import performance as perf
from .measurements import plain_number
from .models import Benchmark, Figure, Framework, Indicator, Outturn, Section, Target

SUMMARY_MONTHS = 3
OUTTURN_YEARS = 5
MEASURES = tuple(perf.Measure)


@dataclass(frozen=True)
class Cell:
    """One figure as printed: its text and, when it is a number, the number.

    A year to date built from fewer months than the year so far is ``partial``: ``months`` of
    ``expected``; wherever it is shown it is marked (``marked``).
    """

    text: str
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    months: int = 0
    expected: int = 0

    @property
    def partial(self) -> bool:
        return self.months < self.expected

    @property
    def partial_note(self) -> str:
        return f"partial: {self.months} of {self.expected} months" if self.partial else ""

    @property
    def marked(self) -> str:
        """The text with its partial mark, as the export and the PDF print it."""
        return f"{self.text} ({self.partial_note})" if self.partial else self.text

    @property
    def count(self) -> str:
        """``7 of 7`` where the figure has a numerator and denominator, else ""."""
        if self.numerator is None or self.denominator is None:
            return ""
        return f"{plain_number(self.numerator)} of {plain_number(self.denominator)}"


BLANK = Cell("")


@dataclass(frozen=True)
class SummaryRow:
    indicator_id: int
    reference: str
    title: str
    section_code: str
    polarity: perf.Polarity
    unit: str
    kind: perf.Kind
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
    """A band of the summary: one section, or the sections that share a theme."""

    code: str
    title: str
    rows: tuple[SummaryRow, ...]
    link: str = ""  # the section's code when the band is one section (its page)


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
        Indicator.objects.filter(section__in=sections, retired=False).select_related(
            "section", "parent"
        )
    )
    ids = [indicator.id for indicator in indicators]
    figures = figures_since(
        {indicator.id: first_month_needed(indicator, month, months) for indicator in indicators},
        month,
    )
    targets = {t.indicator_id: t for t in Target.objects.filter(indicator_id__in=ids, year=year)}
    outturns: dict[int, dict[int, Outturn]] = defaultdict(dict)
    for outturn in Outturn.objects.filter(indicator_id__in=ids, year__in=outturn_years):
        outturns[outturn.indicator_id][outturn.year] = outturn
    benchmarks: dict[int, dict[perf.Measure, Benchmark]] = defaultdict(dict)
    for benchmark in Benchmark.objects.filter(indicator_id__in=ids):
        benchmarks[benchmark.indicator_id][perf.Measure(benchmark.measure)] = benchmark

    rows = {
        indicator.id: summary_row(
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
        for indicator in indicators
    }
    return Summary(
        framework=framework.name,
        month=month,
        months=months,
        outturn_years=outturn_years,
        sections=tuple(
            SummarySection(
                code,
                title,
                tuple(rows[indicator.id] for indicator in banded),
                link="" if code.startswith("theme:") else code,
            )
            for code, title, banded in bands(sections, indicators)
        ),
    )


def first_month_needed(
    indicator: Indicator, month: datetime.date, months: tuple[datetime.date, ...]
) -> datetime.date:
    """The earliest month whose figure the summary's row of ``indicator`` uses: the months shown
    and the month before (a monthly indicator's DOT), from April on for a year to date, twelve
    months back for the previous figure of a termly or quarterly indicator."""
    first = min(months[0], perf.previous_months(month, 2)[0])
    if indicator.aggregation == perf.Aggregation.FINANCIAL_YEAR:
        first = min(first, perf.months_of_year(perf.financial_year(month))[0])
    if indicator.frequency != perf.Frequency.MONTHLY:
        first = min(first, perf.previous_months(month, 13)[0])
    return first


def figures_since(
    firsts: dict[int, datetime.date], month: datetime.date
) -> dict[int, dict[datetime.date, Figure]]:
    """The figures of each indicator (id: first month needed) from its first month to ``month``,
    by indicator and month, in one query: each indicator is read for the months it needs, not
    the longest history any of them needs."""
    by_first: dict[datetime.date, list[int]] = defaultdict(list)
    for indicator_id, first in firsts.items():
        by_first[first].append(indicator_id)
    figures: dict[int, dict[datetime.date, Figure]] = defaultdict(dict)
    if not by_first:
        return figures
    needed = Q()
    for first, ids in by_first.items():
        needed |= Q(indicator_id__in=ids, month__gte=first)
    for figure in Figure.objects.filter(needed, month__lte=month).order_by():
        figures[figure.indicator_id][figure.month] = figure
    return figures


def bands(
    sections: list[Section], indicators: list[Indicator]
) -> list[tuple[str, str, list[Indicator]]]:
    """The summary's bands in the framework's order: sections that share a theme make one band
    (the published summary's "LOOKED AFTER CHILDREN" holds four sections), any other section is
    a band of its own.

    Bands and the rows within them follow the catalogue's order: a band comes where its first
    indicator does, and its rows interleave its sections by order (the sample's orders are its
    file's, so 6.8 of Reviews sits between 6.7 and 6.9 of Looked After Children, as printed).
    """
    position = {section.id: index for index, section in enumerate(sections)}
    grouped: dict[str, tuple[str, list[Indicator]]] = {}
    for section in sections:
        code = f"theme:{section.theme}" if section.theme else section.code
        grouped.setdefault(code, (section.theme or section.title, []))
    for indicator in indicators:
        section = indicator.section
        code = f"theme:{section.theme}" if section.theme else section.code
        grouped[code][1].append(indicator)

    def row_key(indicator: Indicator) -> tuple[object, ...]:
        catalogue = indicator.catalogue_key()
        return (catalogue[0], position[indicator.section_id], catalogue)

    ordered = [
        (code, title, sorted(members, key=row_key))
        for code, (title, members) in grouped.items()
        if members
    ]
    ordered.sort(key=lambda band: row_key(band[2][0])[:2])
    return ordered


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
    for figure in figures.values():
        figure.indicator = indicator  # loaded already: printing a figure needs no query
    for outturn in outturns.values():
        outturn.indicator = indicator
    for benchmark in benchmarks.values():
        benchmark.indicator = indicator
    polarity = indicator.polarity_enum
    latest = _value(figures.get(month))
    previous, last = travel_pair(indicator, month, figures)
    benchmark_values = {measure: b.value for measure, b in benchmarks.items()}
    return SummaryRow(
        indicator_id=indicator.id,
        reference=indicator.reference,
        title=indicator.display_title,
        section_code=indicator.section.code,
        polarity=polarity,
        unit=indicator.unit,
        kind=indicator.kind_enum,
        aggregation=indicator.aggregation_enum,
        frequency=perf.Frequency(indicator.frequency),
        months=tuple(measurement_cell(indicator, figures.get(m)) for m in months),
        ytd=ytd_cell(indicator, month, figures),
        dot=perf.travel(convention, polarity, previous, last),
        rag=perf.rag(target.thresholds, latest) if target else None,
        red=target.red if target else "",
        amber=target.amber if target else "",
        green=target.green if target else "",
        outturns=tuple(measurement_cell(indicator, outturns.get(year)) for year in outturn_years),
        benchmarks={measure: Cell(b.display, b.value) for measure, b in benchmarks.items()},
        band=perf.quartile_band(polarity, latest, benchmark_values),
    )


def ytd_cell(
    indicator: Indicator, month: datetime.date, figures: dict[datetime.date, Figure]
) -> Cell:
    """The year to date as at ``month``, marked partial when months of the year lack a figure."""
    if indicator.aggregation != perf.Aggregation.FINANCIAL_YEAR:
        return Cell("-")  # only a financial-year figure has a year to date (year_to_date)
    ytd = perf.year_to_date(
        indicator.aggregation_enum,
        indicator.kind_enum,
        indicator.factor,
        [
            _month_figure(figures.get(m))
            for m in perf.months_of_year(perf.financial_year(month))
            if m <= month
        ],
        indicator.decimals,
    )
    if ytd is None:
        return Cell("-")
    # Only a monthly indicator has a figure every month; a termly one is blank between terms.
    monthly = indicator.frequency == perf.Frequency.MONTHLY
    return Cell(
        indicator.format(ytd.value),
        ytd.value,
        ytd.numerator,
        ytd.denominator,
        months=ytd.months,
        expected=ytd.expected if monthly else ytd.months,
    )


def travel_pair(
    indicator: Indicator, month: datetime.date, figures: dict[datetime.date, Figure]
) -> tuple[Decimal | None, Decimal | None]:
    """The two figures direction of travel compares: last month's and this month's, or for a
    termly or quarterly indicator the latest term's figure (as at this month) and the term's
    before it, as the seeds print arrows for termly rows."""
    earlier = perf.previous_months(month, 13)
    if indicator.frequency == perf.Frequency.MONTHLY:
        return _value(figures.get(earlier[-2])), _value(figures.get(month))
    valued = [v for v in (_value(figures.get(m)) for m in reversed(earlier)) if v is not None]
    if not valued:
        return None, None
    return (valued[1] if len(valued) > 1 else None), valued[0]


def _value(figure: Figure | None) -> Decimal | None:
    """The figure as printed, so that comparisons agree with what the reader sees."""
    if figure is None:
        return None
    return figure.shown_value  # the caller has set figure.indicator


def _month_figure(figure: Figure | None) -> perf.MonthFigure:
    if figure is None:
        return perf.MonthFigure(None)
    return perf.MonthFigure(_value(figure), figure.numerator, figure.denominator)


def measurement_cell(indicator: Indicator, measurement: Figure | Outturn | None) -> Cell:
    if measurement is None:
        return Cell("-")
    return Cell(
        indicator.format(measurement.value, measurement.marker, measurement.places),
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
            row.unit,
            row.aggregation.value,
            *(cell.text for cell in row.months),
            row.ytd.marked,
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

    def keep_row(row: SummaryRow) -> bool:
        return (not section or row.section_code == section) and keep(row)

    sections = tuple(
        SummarySection(s.code, s.title, tuple(row for row in s.rows if keep_row(row)), s.link)
        for s in summary.sections
    )
    return Summary(
        framework=summary.framework,
        month=summary.month,
        months=summary.months,
        outturn_years=summary.outturn_years,
        sections=tuple(s for s in sections if s.rows),
    )
