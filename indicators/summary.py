"""The performance summary of one framework for one month, as a plain data object.

``build_summary`` reads the database once per kind of row (figures, targets, outturns, benchmarks)
and hands the arithmetic to ``performance``; the web pages, the ``summary`` export and the report
all draw from the object it returns, so they cannot disagree.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q

from . import performance as perf
from .measurements import READING_COLUMNS, Measured, Reading, Rules, plain_number
from .models import Benchmark, Figure, Framework, Indicator, Outturn, Section, Target

SUMMARY_MONTHS = 3
OUTTURN_YEARS = 5
MEASURES = tuple(perf.Measure)


class Cell(NamedTuple):
    """One figure as printed: its text and, when it is a number, the number.

    A year to date built from fewer months than the year so far is ``partial``: ``months`` of
    ``expected``; wherever it is shown it is marked (``marked``).

    A named tuple, not a dataclass: a summary makes 13,000, and tuples of plain values are made
    faster and left alone by the garbage collector.
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
    def count_text(self) -> str:
        """``7 of 7`` where the figure has a numerator and denominator, else ""."""
        if self.numerator is None or self.denominator is None:
            return ""
        return f"{plain_number(self.numerator)} of {plain_number(self.denominator)}"


BLANK = Cell("")
NO_FIGURE = Cell("-")  # cells are frozen: one "-" serves every cell without a figure


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
    shown = Indicator.objects.filter(section__in=sections, retired=False)
    indicators = list(shown.select_related("section", "parent"))
    # The rows below are read by a subquery, not a list of a thousand ids to send and parse.
    ids = shown.order_by().values("id")
    figures = figures_since(
        {indicator.id: first_month_needed(indicator, month, months) for indicator in indicators},
        month,
    )
    targets = {t.indicator_id: t for t in Target.objects.filter(indicator_id__in=ids, year=year)}
    # Outturns and benchmarks as columns, not models: see ``Reading``.
    outturns: dict[int, dict[int, Reading]] = defaultdict(dict)
    for indicator_id, outturn_year, *reading in Outturn.objects.filter(
        indicator_id__in=ids, year__in=outturn_years
    ).values_list("indicator_id", "year", *READING_COLUMNS):
        outturns[indicator_id][outturn_year] = Reading(*reading)
    benchmarks: dict[int, dict[perf.Measure, BenchmarkReading]] = defaultdict(dict)
    for indicator_id, measure, value, places, data_year in Benchmark.objects.filter(
        indicator_id__in=ids
    ).values_list("indicator_id", "measure", "value", "places", "year"):
        benchmarks[indicator_id][perf.Measure(measure)] = BenchmarkReading(value, places, data_year)

    convention = perf.Convention(framework.dot_convention)
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
            convention,
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
) -> dict[int, dict[datetime.date, Reading]]:
    """The figures of each indicator (id: first month needed) from its first month to ``month``,
    by indicator and month, in one query: each indicator is read for the months it needs, not
    the longest history any of them needs."""
    by_first: dict[datetime.date, list[int]] = defaultdict(list)
    for indicator_id, first in firsts.items():
        by_first[first].append(indicator_id)
    figures: dict[int, dict[datetime.date, Reading]] = defaultdict(dict)
    if not by_first:
        return figures
    needed = Q()
    for first, ids in by_first.items():
        needed |= Q(indicator_id__in=ids, month__gte=first)
    for indicator_id, figure_month, *reading in (
        Figure.objects.filter(needed, month__lte=month)
        .order_by()
        .values_list("indicator_id", "month", *READING_COLUMNS)
    ):
        figures[indicator_id][figure_month] = Reading(*reading)
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


class BenchmarkReading(NamedTuple):
    """A benchmark's columns, as ``Reading`` is a figure's."""

    value: Decimal
    places: int | None
    year: str


def summary_row(
    indicator: Indicator,
    month: datetime.date,
    months: tuple[datetime.date, ...],
    outturn_years: tuple[int, ...],
    figures: Mapping[datetime.date, Measured],
    target: Target | None,
    outturns: Mapping[int, Measured],
    benchmarks: Mapping[perf.Measure, BenchmarkReading],
    convention: perf.Convention,
) -> SummaryRow:
    rules = indicator.rules
    latest = rules.shown(figures.get(month))
    previous, last = travel_pair(rules, month, figures)
    return SummaryRow(
        indicator_id=indicator.id,
        reference=indicator.reference,
        title=indicator.display_title,
        section_code=indicator.section.code,
        polarity=rules.polarity,
        unit=indicator.unit,
        kind=rules.kind,
        aggregation=rules.aggregation,
        frequency=rules.frequency,
        months=tuple(measurement_cell(rules, figures.get(m)) for m in months),
        ytd=ytd_cell(rules, month, figures),
        dot=perf.travel(convention, rules.polarity, previous, last),
        rag=perf.rag(target.thresholds, latest) if target else None,
        red=target.red if target else "",
        amber=target.amber if target else "",
        green=target.green if target else "",
        outturns=tuple(measurement_cell(rules, outturns.get(year)) for year in outturn_years),
        benchmarks={
            measure: Cell(rules.dated(b.value, b.places, b.year), b.value)
            for measure, b in benchmarks.items()
        },
        band=perf.quartile_band(
            rules.polarity, latest, {measure: b.value for measure, b in benchmarks.items()}
        ),
    )


def ytd_cell(rules: Rules, month: datetime.date, figures: Mapping[datetime.date, Measured]) -> Cell:
    """The year to date as at ``month``, marked partial when months of the year lack a figure."""
    if rules.aggregation != perf.Aggregation.FINANCIAL_YEAR:
        return NO_FIGURE  # only a financial-year figure has a year to date (year_to_date)
    ytd = perf.year_to_date(
        rules.aggregation,
        rules.kind,
        rules.factor,
        [_month_figure(rules, figures.get(m)) for m in _year_so_far(month)],
        rules.decimals,
    )
    if ytd is None:
        return NO_FIGURE
    # Only a monthly indicator has a figure every month; a termly one is blank between terms.
    monthly = rules.frequency == perf.Frequency.MONTHLY
    return Cell(
        rules.text(ytd.value),
        ytd.value,
        ytd.numerator,
        ytd.denominator,
        months=ytd.months,
        expected=ytd.expected if monthly else ytd.months,
    )


def travel_pair(
    rules: Rules, month: datetime.date, figures: Mapping[datetime.date, Measured]
) -> tuple[Decimal | None, Decimal | None]:
    """The two figures direction of travel compares (as printed, so that comparisons agree
    with what the reader sees): last month's and this month's, or for a termly or quarterly
    indicator the latest term's figure (as at this month) and the term's before it, as the
    seeds print arrows for termly rows."""
    earlier = _thirteen_months(month)
    if rules.frequency == perf.Frequency.MONTHLY:
        return rules.shown(figures.get(earlier[-2])), rules.shown(figures.get(month))
    valued = [v for v in (rules.shown(figures.get(m)) for m in reversed(earlier)) if v is not None]
    if not valued:
        return None, None
    return (valued[1] if len(valued) > 1 else None), valued[0]


@functools.lru_cache(maxsize=240)
def _year_so_far(month: datetime.date) -> tuple[datetime.date, ...]:
    """April to ``month`` of its financial year (kept: a summary asks for each of its rows)."""
    return tuple(m for m in perf.months_of_year(perf.financial_year(month)) if m <= month)


@functools.lru_cache(maxsize=240)
def _thirteen_months(month: datetime.date) -> tuple[datetime.date, ...]:
    """The year before ``month`` and ``month`` (kept, as ``_year_so_far``)."""
    return tuple(perf.previous_months(month, 13))


def _month_figure(rules: Rules, figure: Measured | None) -> perf.MonthFigure:
    if figure is None:
        return perf.MonthFigure(None)
    return perf.MonthFigure(rules.shown(figure), figure.numerator, figure.denominator)


def measurement_cell(rules: Rules, measurement: Measured | None) -> Cell:
    if measurement is None:
        return NO_FIGURE
    return Cell(
        rules.text(measurement.value, measurement.marker, measurement.places),
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
