"""Direction of travel, year to date and benchmark bands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .numbers import ratio_value
from .vocabulary import RATIO_KINDS, Aggregation, Band, Convention, Dot, Kind, Measure, Polarity

# --------------------------------------------------------------------------------------------
# Direction of travel
# --------------------------------------------------------------------------------------------


def _better_direction(polarity: Polarity) -> bool | None:
    """True when a rise is good, False when a fall is good, None when neither (DOT, benchmarks).

    Unlike RAG, "Within limits (low)" counts as Low here: domain.md makes a fall an improvement.
    """
    if polarity == Polarity.HIGH:
        return True
    if polarity in (Polarity.LOW, Polarity.WITHIN_LIMITS_LOW):
        return False
    return None


def direction_of_travel(
    polarity: Polarity, previous: Decimal | None, latest: Decimal | None
) -> Dot | None:
    """Return the performance-convention DOT of ``latest`` against ``previous``.

    ``↑`` is an improvement (a rise for High, a fall for Low and Within limits (low)) or, for
    Info and Within limits, simply a rise; ``↓`` the opposite; ``→`` no change.  None when
    either month has no figure.
    """
    if previous is None or latest is None:
        return None
    if latest == previous:
        return Dot.SAME
    rose = latest > previous
    better = _better_direction(polarity)
    improved = rose if better is None or better else not rose
    return Dot.UP if improved else Dot.DOWN


def numeric_direction(
    polarity: Polarity, previous: Decimal | None, latest: Decimal | None
) -> tuple[str, bool | None] | None:
    """Return the Kirklees-convention DOT: (arrow, good).

    The arrow follows the number: ``↑`` up, ``↓`` down, ``↔`` same.  ``good`` is True when the
    move is good for the polarity, False when bad, None for no move or a polarity without a
    good direction (Info, Within limits).  None when either month has no figure.
    """
    if previous is None or latest is None:
        return None
    if latest == previous:
        return "↔", None
    rose = latest > previous
    better = _better_direction(polarity)
    return ("↑" if rose else "↓"), (None if better is None else rose == better)


@dataclass(frozen=True)
class Travel:
    """A direction of travel as every page, the PDF and the export print it.

    ``arrow``: ``↑ → ↓`` (performance convention) or ``↑ ↔ ↓`` (numeric convention).
    ``meaning``: the arrow in words, for screen readers and the report's key ("improvement",
    "increase, bad", "no movement", …). ``tone``: the arrow's colour, ``good``, ``bad``, ``same``
    or ``""`` for a move that is neither (Info, Within limits); it is the same in both
    conventions and never the only signal.
    """

    arrow: str
    meaning: str
    tone: str


def travel(
    convention: Convention | str,
    polarity: Polarity,
    previous: Decimal | None,
    latest: Decimal | None,
) -> Travel | None:
    """The DOT of ``latest`` against ``previous`` as printed under ``convention``; None when
    either has no figure. The one rule for the summary, section, indicator and narrative pages,
    the report PDF and its HTML version, and the summary export."""
    convention = Convention(convention)
    neutral = _better_direction(polarity) is None
    if convention == Convention.PERFORMANCE:
        dot = direction_of_travel(polarity, previous, latest)
        if dot is None:
            return None
        if dot == Dot.SAME:
            return Travel(dot.value, "no movement", "same")
        if neutral:
            return Travel(dot.value, "increase" if dot == Dot.UP else "decrease", "")
        if dot == Dot.UP:
            return Travel(dot.value, "improvement", "good")
        return Travel(dot.value, "decline", "bad")
    numeric = numeric_direction(polarity, previous, latest)
    if numeric is None:
        return None
    arrow, good = numeric
    if arrow == "↔":
        return Travel(arrow, "no change", "same")
    moved = "increase" if arrow == "↑" else "decrease"
    if good is None:
        return Travel(arrow, moved, "")
    tone = "good" if good else "bad"
    return Travel(arrow, f"{moved}, {tone}", tone)


# --------------------------------------------------------------------------------------------
# Year to date
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigure:
    """One month's figure; numerator and denominator when the figure is a ratio ("313 of 346")."""

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(frozen=True)
class Ytd:
    """A year-to-date figure, with the summed numerator and denominator when it is a ratio.

    ``months`` is how many months it was built from and ``expected`` how many months of the year
    there are so far; fewer is a partial YTD, marked wherever it is shown (domain.md).
    """

    value: Decimal
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    months: int = 0
    expected: int = 0

    @property
    def partial(self) -> bool:
        return self.months < self.expected


def year_to_date(
    aggregation: Aggregation,
    kind: Kind,
    factor: int | None,
    figures: Sequence[MonthFigure],
    decimals: int,
) -> Ytd | None:
    """Return the year-to-date figure of this year's months so far, or None when there is none.

    ``figures`` holds one entry per month of the year so far (April first), so that months
    without a value make the YTD partial.  Only FINANCIAL_YEAR indicators have a YTD (the
    others' monthly figure already covers the period).  Counts and other kinds: the sum.
    Percentages and rates: sum of numerators over sum of denominators, times ``factor``,
    provided every month with a value has both; otherwise the single month's value when only
    one month has a value, else None.  None when the summed denominator is zero, or for a ratio
    whose factor is unknown.
    """
    if aggregation != Aggregation.FINANCIAL_YEAR:
        return None
    valued = [figure for figure in figures if figure.value is not None]
    if not valued:
        return None
    months, expected = len(valued), len(figures)
    if kind not in RATIO_KINDS:
        total = sum((figure.value for figure in valued if figure.value is not None), Decimal(0))
        return Ytd(value=total, months=months, expected=expected)
    numerators = [figure.numerator for figure in valued if figure.numerator is not None]
    denominators = [figure.denominator for figure in valued if figure.denominator is not None]
    if factor is not None and len(numerators) == len(denominators) == len(valued):
        numerator, denominator = sum(numerators, Decimal(0)), sum(denominators, Decimal(0))
        if denominator == 0:
            return None
        value = ratio_value(factor, numerator, denominator, decimals)
        return Ytd(value, numerator, denominator, months=months, expected=expected)
    # Without the parts a single month is still its own YTD; several months cannot be averaged
    # honestly (percentages of different bases), so no YTD is better than a wrong one.
    if len(valued) == 1 and valued[0].value is not None:
        return Ytd(value=valued[0].value, months=months, expected=expected)
    return None


# --------------------------------------------------------------------------------------------
# Benchmarks
# --------------------------------------------------------------------------------------------


def quartile_band(
    polarity: Polarity, value: Decimal | None, benchmarks: Mapping[Measure, Decimal]
) -> Band | None:
    """Return where ``value`` sits against the national top quartile and national average.

    For High, at or above the top-quartile threshold is TOP_QUARTILE, otherwise at or above the
    average is ABOVE_AVERAGE, else BELOW_AVERAGE; Low is mirrored (at or below).  With only the
    average known the answer is ABOVE/BELOW; with only the quartile known it is TOP_QUARTILE or
    None.  None when the polarity has no good direction, the value is None, or neither
    benchmark is known.
    """
    better = _better_direction(polarity)
    if better is None or value is None:
        return None
    sign = 1 if better else -1
    top = benchmarks.get(Measure.NATIONAL_TOP_QUARTILE)
    if top is not None and sign * value >= sign * top:
        return Band.TOP_QUARTILE
    average = benchmarks.get(Measure.NATIONAL_AVERAGE)
    if average is None:
        return None
    return Band.ABOVE_AVERAGE if sign * value >= sign * average else Band.BELOW_AVERAGE
