"""The month's data-quality checks a performance officer looks at before any draft report.

``check_month`` reads the framework's non-retired indicators with their figures, targets and
benchmarks in a fixed number of queries (five, however many indicators there are) and returns
at most one ``QualityIssue`` per indicator and check, ordered by the framework's section order,
then reference, then check. There are no views: pages and exports draw from the list.

The checks:

``MISSING_FIGURE``
    An indicator that is due in the month has no figure, or only the marker ``-`` (no figure) or
    ``TBC`` (awaited). ``n/a`` is a legitimate "not applicable" and is not an issue. Monthly
    indicators are due every month; termly indicators only in April, July and December, the
    months a school term's end-of-term figures are reported (the April 2020 report shows termly
    figures in Apr-20 and ``-`` in Feb and Mar); quarterly indicators only in June, September,
    December and March.
``UNUSUAL_MOVE``
    The month's value against the previous figure (last month's, or for termly and quarterly
    indicators the latest figure with a value in the 12 months before), judged against the
    indicator's usual move over the 12 months before (36 for termly and quarterly indicators,
    which have only three or four figures a year); the rule is ``unusual_move``.
``NO_TARGET``
    No target row for the month's financial year, or a row that only says the target is still
    to be set (blank, ``range to be set``), for an indicator whose polarity is not ``Info``.
    A target of ``n/a`` is a decision recorded in the catalogue, not a gap.
``OLD_BENCHMARK``
    A benchmark whose data year is more than three years before ``today``, or whose data year is
    blank or unreadable; see ``benchmark_year`` and ``is_old``.
``RATIO_DISAGREES``
    The month's figure has a numerator and denominator and its value, rounded to the indicator's
    decimals, is not what they give (figures typed in the admin are not re-derived), or a
    percentage's numerator is above its denominator.

Values are compared as printed: rounded half up to the indicator's decimals.
"""

from __future__ import annotations

import datetime
import itertools
import re
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from . import performance as perf
from .measurements import Measured, plain_number
from .models import Benchmark, Framework, Indicator, Target
from .summary import bands, figures_since


class Check(perf.StrEnum):
    """The kinds of data-quality issue, in the order they are listed for one indicator."""

    MISSING_FIGURE = "No figure for the month"
    UNUSUAL_MOVE = "Unusual move from the previous figure"
    NO_TARGET = "No target for the year"
    OLD_BENCHMARK = "Old or undated benchmark"
    RATIO_DISAGREES = "Value disagrees with its numerator and denominator"


@dataclass(frozen=True)
class QualityIssue:
    check: Check
    indicator_id: int
    reference: str
    title: str
    section_code: str
    detail: str  # a plain sentence naming the figures involved


# --------------------------------------------------------------------------------------------
# When a figure is due
# --------------------------------------------------------------------------------------------

#: months (1-12) in which an indicator of each frequency is expected to have a figure
DUE_MONTHS: dict[perf.Frequency, frozenset[int]] = {
    perf.Frequency.MONTHLY: frozenset(range(1, 13)),
    perf.Frequency.TERMLY: frozenset({4, 7, 12}),
    perf.Frequency.QUARTERLY: frozenset({6, 9, 12, 3}),
}


def is_due(frequency: perf.Frequency, month: datetime.date) -> bool:
    """Whether an indicator of ``frequency`` should have a figure for ``month``.

    Monthly: every month. Termly: April, July and December only (end-of-term reporting; the
    seed prints ``-`` for termly rows in other months). Quarterly: June, September, December
    and March.
    """
    return month.month in DUE_MONTHS[frequency]


# --------------------------------------------------------------------------------------------
# Unusual moves
# --------------------------------------------------------------------------------------------

#: the move is unusual when it is more than this many times the usual (median) move
USUAL_MOVE_FACTOR = 3
#: earlier changes needed before the usual move is trusted
MIN_EARLIER_CHANGES = 3
#: months of history whose changes make the usual move of a monthly indicator ...
HISTORY_MONTHS = 12
#: ... and of a termly or quarterly one, which has only three or four figures a year
SPARSE_HISTORY_MONTHS = 36
#: how far back the previous figure of a termly or quarterly indicator may be (as for DOT)
PREVIOUS_FIGURE_MONTHS = 12
#: when the usual move is 0: a percentage may move this many points ...
STILL_PERCENTAGE_POINTS = Decimal(5)
#: ... and any other unit this fraction of its previous value
STILL_FRACTION = Decimal("0.1")
#: any other unit is unusual when it moves by more than this fraction of a previous value ...
BIG_MOVE_FRACTION = Decimal("0.5")
#: ... above this (a count of 3 going to 1 is not news)
BIG_MOVE_FLOOR = Decimal(10)


class MoveRule(perf.StrEnum):
    """Which part of ``unusual_move`` flagged a move."""

    BEYOND_USUAL = "more than 3 times the usual move"
    USUALLY_STILL = "the figure usually does not move"
    MORE_THAN_HALF = "more than half the previous figure"


@dataclass(frozen=True)
class UnusualMove:
    rule: MoveRule
    usual: Decimal | None = None  # the median earlier change, when the rule used it


def unusual_move(
    previous: Decimal, current: Decimal, earlier_changes: Sequence[Decimal], kind: perf.Kind
) -> UnusualMove | None:
    """Why the move from ``previous`` to ``current`` is unusual, or None when it is not.

    ``earlier_changes`` are the absolute changes between consecutive figures of the indicator
    before this move: those of the 12 months before this one for a monthly indicator, of the 36
    months before for a termly or quarterly one (12 months hold only 2 or 3 of its changes).
    With at least 3 of them, their median is the usual move, and the move is unusual when:

    * the usual move is above 0 and the move is more than 3 times it (``BEYOND_USUAL``); or
    * the usual move is 0 and the move is more than 5 points for a percentage, or more than 10%
      of the previous value for any other unit (``USUALLY_STILL``).

    Whatever the history, a unit other than a percentage (a count, rate, days, average) whose
    previous value is above 10 is unusual when it moves by more than 50% (``MORE_THAN_HALF``).
    Percentages are compared in points, so a percentage never uses the 50% rule. No move (equal
    values) is never unusual.
    """
    change = abs(current - previous)
    if change == 0:
        return None
    percentage = kind == perf.Kind.PERCENTAGE
    if len(earlier_changes) >= MIN_EARLIER_CHANGES:
        usual = statistics.median(abs(c) for c in earlier_changes)
        if usual > 0 and change > USUAL_MOVE_FACTOR * usual:
            return UnusualMove(MoveRule.BEYOND_USUAL, usual)
        still_limit = STILL_PERCENTAGE_POINTS if percentage else abs(previous) * STILL_FRACTION
        if usual == 0 and change > still_limit:
            return UnusualMove(MoveRule.USUALLY_STILL, usual)
    if not percentage and previous > BIG_MOVE_FLOOR and change > previous * BIG_MOVE_FRACTION:
        return UnusualMove(MoveRule.MORE_THAN_HALF)
    return None


# --------------------------------------------------------------------------------------------
# Benchmark age
# --------------------------------------------------------------------------------------------

#: a benchmark is old when its data year is more than this many years before today
BENCHMARK_MAX_AGE_YEARS = 3


def benchmark_year(text: str) -> int | None:
    """The year a benchmark's data year counts as for its age; None when it is blank.

    ``2017`` is 2017; a financial or academic year ``2018/19`` (also ``2018/2019``, ``2018-19``)
    counts as 2019, the year it ends. Raises ``ValueError`` for any other text.
    """
    stripped = (text or "").strip()
    if not stripped:
        return None
    if re.fullmatch(r"\d{4}", stripped, re.ASCII):
        return int(stripped)
    try:
        return perf.parse_year(stripped) + 1
    except ValueError:
        raise ValueError(f"'{stripped}' is not a data year (use 2017 or 2018/19)") from None


def is_old(year: int, today: datetime.date) -> bool:
    """Whether data of ``year`` is more than three years before ``today``.

    The year is taken from its 1 January, so 2017 is old from 2 January 2020 on: in May 2020,
    2017 data is old and 2018/19 (2019) data is not.
    """
    limit = (today.year - BENCHMARK_MAX_AGE_YEARS, today.month, today.day)
    return (year, 1, 1) < limit


# --------------------------------------------------------------------------------------------
# The month's checks
# --------------------------------------------------------------------------------------------


def check_month(
    framework: Framework, month: datetime.date, today: datetime.date | None = None
) -> list[QualityIssue]:
    """The data-quality issues of ``framework`` for ``month`` (see the module docstring).

    ``today`` (default: the current date) dates the benchmarks. Five queries whatever the
    number of indicators: sections, indicators, figures, targets, benchmarks.
    """
    month = month.replace(day=1)
    today = today or datetime.date.today()
    sections = list(framework.ordered_sections())
    # In the summary's order, so the two pages list indicators alike.
    indicators = [
        indicator
        for _, _, banded in bands(
            sections,
            list(
                Indicator.objects.filter(section__in=sections, retired=False).select_related(
                    "section", "parent"
                )
            ),
        )
        for indicator in banded
    ]
    ids = [indicator.id for indicator in indicators]
    window = perf.previous_months(month, SPARSE_HISTORY_MONTHS + 1)
    figures = figures_since(
        {indicator.id: first_month_checked(indicator, month) for indicator in indicators}, month
    )
    year = perf.financial_year(month)
    targets = {t.indicator_id: t for t in Target.objects.filter(indicator_id__in=ids, year=year)}
    benchmarks: dict[int, list[Benchmark]] = defaultdict(list)
    for benchmark in Benchmark.objects.filter(indicator_id__in=ids):
        benchmarks[benchmark.indicator_id].append(benchmark)

    issues: list[QualityIssue] = []
    for indicator in indicators:
        found = [
            (Check.MISSING_FIGURE, _missing(indicator, month, figures[indicator.id].get(month))),
            (Check.UNUSUAL_MOVE, _unusual(indicator, window, figures[indicator.id])),
            (Check.NO_TARGET, _no_target(indicator, year, targets.get(indicator.id))),
            (Check.OLD_BENCHMARK, _old_benchmarks(indicator, benchmarks[indicator.id], today)),
            (Check.RATIO_DISAGREES, _ratio(indicator, month, figures[indicator.id].get(month))),
        ]
        issues.extend(
            QualityIssue(
                check=check,
                indicator_id=indicator.id,
                reference=indicator.reference,
                title=indicator.display_title,
                section_code=indicator.section.code,
                detail=detail,
            )
            for check, detail in found
            if detail
        )
    return issues


def first_month_checked(indicator: Indicator, month: datetime.date) -> datetime.date:
    """The earliest month whose figure the checks of ``indicator`` use: the month before and
    the 12 changes into it of a monthly indicator (13 months back), the 36 months of changes
    of a termly or quarterly one."""
    if indicator.frequency == perf.Frequency.MONTHLY:
        return perf.previous_months(month, HISTORY_MONTHS + 2)[0]
    return perf.previous_months(month, SPARSE_HISTORY_MONTHS + 1)[0]


def _printed(indicator: Indicator, figure: Measured | None) -> Decimal | None:
    """The figure's value as the report prints it, or None when it has none."""
    if figure is None or figure.value is None:
        return None
    return perf.round_to(figure.value, indicator.decimals)


def _missing(indicator: Indicator, month: datetime.date, figure: Measured | None) -> str:
    frequency = perf.Frequency(indicator.frequency)
    if not is_due(frequency, month) or _printed(indicator, figure) is not None:
        return ""
    assert figure is None or figure.value is None
    if figure is not None and figure.marker == perf.Marker.NOT_APPLICABLE:
        return ""
    label = perf.month_label(month)
    due = "" if frequency == perf.Frequency.MONTHLY else f" ({frequency.value}, due in {label})"
    if figure is None:
        return f"{indicator.reference} has no figure for {label}{due}"
    if figure.marker == perf.Marker.AWAITED:
        return f"{indicator.reference} for {label} is 'TBC' (awaited){due}"
    if figure.marker == perf.Marker.NO_FIGURE:
        return f"{indicator.reference} for {label} is '-' (no figure){due}"
    return f"{indicator.reference} for {label} is blank{due}"


def _unusual(
    indicator: Indicator, window: list[datetime.date], figures: Mapping[datetime.date, Measured]
) -> str:
    """``window`` is the months before the month (oldest first), then the month itself."""
    *earlier, month = window
    current = _printed(indicator, figures.get(month))
    if current is None:
        return ""
    values = [_printed(indicator, figures.get(m)) for m in earlier]
    monthly = indicator.frequency == perf.Frequency.MONTHLY
    if monthly:
        # A monthly figure moves between neighbouring months; a gap is no move.
        previous = values[-1]
        pairs = itertools.pairwise(values[-(HISTORY_MONTHS + 1) :])
    else:
        # Termly and quarterly figures move from one figure to the next, however far apart.
        recent = [v for v in values[-PREVIOUS_FIGURE_MONTHS:] if v is not None]
        previous = recent[-1] if recent else None
        pairs = itertools.pairwise(v for v in values if v is not None)
    if previous is None:
        return ""
    changes = [abs(b - a) for a, b in pairs if a is not None and b is not None]
    move = unusual_move(previous, current, changes, indicator.kind_enum)
    if move is None:
        return ""
    percentage = indicator.kind_enum == perf.Kind.PERCENTAGE

    def points(amount: Decimal) -> str:
        if not percentage:
            return plain_number(amount)
        return f"{plain_number(amount)} point{'' if abs(amount) == 1 else 's'}"

    difference = current - previous
    signed = f"{'+' if difference > 0 else ''}{points(difference)}"
    if not percentage and previous:
        share = perf.round_to(difference * 100 / previous, 1)
        signed += f", {'+' if share > 0 else ''}{share}%"
    text = (
        f"{indicator.reference} {'rose' if difference > 0 else 'fell'} from "
        f"{indicator.format(previous)} to {indicator.format(current)} ({signed})"
    )
    period = "monthly move" if monthly else "move between figures"
    if move.rule == MoveRule.MORE_THAN_HALF:
        return f"{text}; that is more than half its previous figure"
    assert move.usual is not None
    return f"{text}; its usual {period} is {points(move.usual)}"


def _no_target(indicator: Indicator, year: int, target: Target | None) -> str:
    if indicator.polarity == perf.Polarity.INFO:
        return ""
    label = perf.year_label(year)
    if target is None:
        return f"{indicator.reference} has no target for {label}"
    if target.kind != perf.ThresholdKind.NONE:
        return ""
    if target.green.strip().lower() == "n/a":
        return ""  # as parse_thresholds reads it: a green of n/a is "no RAG" by decision
    notation = [text.strip() for text in (target.red, target.amber, target.green) if text.strip()]
    shown = f"'{' / '.join(notation)}'" if notation else "blank"
    return f"{indicator.reference}'s target for {label} is {shown}: no target is set yet"


def _old_benchmarks(indicator: Indicator, benchmarks: list[Benchmark], today: datetime.date) -> str:
    order = {measure.value: index for index, measure in enumerate(perf.Measure)}
    old: dict[str, list[str]] = defaultdict(list)
    unknown: list[str] = []
    unreadable: dict[str, list[str]] = defaultdict(list)
    for benchmark in sorted(benchmarks, key=lambda b: order.get(b.measure, len(order))):
        # indicator.format, not benchmark.display: the latter would fetch the indicator again.
        shown = f"{benchmark.get_measure_display()} {indicator.format(benchmark.value)}"
        try:
            year = benchmark_year(benchmark.year)
        except ValueError:
            unreadable[benchmark.year.strip()].append(shown)
            continue
        if year is None:
            unknown.append(shown)
        elif is_old(year, today):
            old[benchmark.year.strip()].append(shown)
    limit = f"more than three years before {today.day} {today:%B %Y}"
    parts = [
        f"{_listed(shown)} {'is' if len(shown) == 1 else 'are'} from {year}, {limit}"
        for year, shown in old.items()
    ]
    if unknown:
        parts.append(f"{_listed(unknown)}: data year unknown")
    parts.extend(
        f"{_listed(shown)}: data year '{year}' not understood (use 2017 or 2018/19)"
        for year, shown in unreadable.items()
    )
    return f"{indicator.reference} benchmarks " + "; ".join(parts) if parts else ""


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _ratio(indicator: Indicator, month: datetime.date, figure: Measured | None) -> str:
    if figure is None or figure.numerator is None or figure.denominator is None:
        return ""
    numerator, denominator = figure.numerator, figure.denominator
    where = f"{indicator.reference} for {perf.month_label(month)}"
    of = f"{plain_number(numerator)} of {plain_number(denominator)}"
    if indicator.kind_enum in perf.RATIO_KINDS and numerator > denominator:
        return (
            f"{where} has numerator {plain_number(numerator)} above its denominator "
            f"{plain_number(denominator)}"
        )
    if figure.value is None:
        return ""
    if denominator == 0:
        if numerator == 0:
            return ""  # 0 of 0 gives no value; whatever value was entered stands
        return f"{where} has {of}: a numerator over a zero denominator"
    factor = indicator.factor
    if factor is None:
        return ""
    shown = min(indicator.decimals, figure.places if figure.places is not None else 4)
    value = perf.round_to(figure.value, shown)
    expected = perf.ratio_value(factor, numerator, denominator, shown)
    if value == expected:
        return ""
    return (
        f"{where} is {indicator.format(value, places=shown)}, but {of} is "
        f"{indicator.format(expected, places=shown)} to {shown} decimal place(s)"
    )
