"""Property tests for indicators.performance (hypothesis, default settings)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.performance import (
    Aggregation,
    Dot,
    MonthFigure,
    Polarity,
    Rag,
    ThresholdError,
    ThresholdKind,
    Thresholds,
    Unit,
    direction_of_travel,
    financial_year,
    format_value,
    month_key,
    month_label,
    months_of_year,
    numeric_direction,
    parse_month,
    parse_number,
    parse_thresholds,
    parse_year,
    previous_months,
    rag,
    ratio_value,
    round_to,
    year_label,
    year_to_date,
)

# Bounds on a 0.1 grid, as the seeds write them; values on the same grid hit the boundaries.
bounds = st.integers(min_value=0, max_value=20_000).map(lambda i: Decimal(i).scaleb(-1))
values = st.integers(min_value=-5_000, max_value=25_000).map(lambda i: Decimal(i).scaleb(-1))
polarities = st.sampled_from(list(Polarity))

RANK = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


def text(value: Decimal) -> str:
    """Write a bound as a person would: no exponent."""
    return f"{value:f}"


def pct(value: Decimal, percent: bool) -> str:
    return text(value) + ("%" if percent else "")


Notation = tuple[Polarity, str, str, str, Thresholds]


@st.composite
def high_bands(draw: st.DrawFn) -> Notation:
    red, amber, green = sorted(draw(st.lists(bounds, min_size=3, max_size=3)))
    inclusive = draw(st.booleans())
    if inclusive and red == green:
        green += Decimal("0.1")
        amber = min(amber, green)
    percent = draw(st.booleans())
    red_cell = f"{pct(red, percent)}<" if inclusive else f"<{pct(red, percent)}"
    amber_cell = draw(st.sampled_from([f"{pct(amber, percent)}>", ""]))
    green_cell = draw(st.sampled_from([f"{pct(green, percent)}+", f"{pct(green, percent)}>"]))
    expected = Thresholds(
        ThresholdKind.BANDS, higher_is_better=True, green=green, red=red, red_inclusive=inclusive
    )
    return Polarity.HIGH, red_cell, amber_cell, green_cell, expected


@st.composite
def low_bands(draw: st.DrawFn) -> Notation:
    green, amber, red = sorted(draw(st.lists(bounds, min_size=3, max_size=3)))
    inclusive = draw(st.booleans())
    if inclusive and red == green:
        red += Decimal("0.1")
    percent = draw(st.booleans())
    red_cell = (
        draw(st.sampled_from([f"{pct(red, percent)}+", f"{pct(red, percent)}>"]))
        if inclusive
        else f">{pct(red, percent)}"
    )
    amber_cell = draw(st.sampled_from([f"{pct(amber, percent)}<", ""]))
    green_cell = f"{pct(green, percent)}<"
    expected = Thresholds(
        ThresholdKind.BANDS, higher_is_better=False, green=green, red=red, red_inclusive=inclusive
    )
    return Polarity.LOW, red_cell, amber_cell, green_cell, expected


@st.composite
def targets(draw: st.DrawFn) -> Notation:
    green = draw(bounds)
    high = draw(st.booleans())
    suffix = draw(st.sampled_from(["+", ">", ""] if high else ["<", ""]))
    placeholder = draw(st.sampled_from(["", "range to be set", "tbc"]))
    polarity = Polarity.HIGH if high else Polarity.LOW
    expected = Thresholds(ThresholdKind.TARGET_ONLY, higher_is_better=high, green=green)
    return (
        polarity,
        placeholder,
        placeholder,
        f"{pct(green, draw(st.booleans()))}{suffix}",
        expected,
    )


@st.composite
def ranges(draw: st.DrawFn) -> Notation:
    low, high = sorted(draw(st.lists(bounds, min_size=2, max_size=2)))
    margin = draw(st.one_of(st.none(), bounds))
    polarity = draw(polarities)
    if margin is None:
        red_cell = amber_cell = ""
    else:
        m = text(margin)
        red_cell = draw(
            st.sampled_from(
                ["", f"{m}+ above range", f"more than {m} above range", f"over {m}% above range"]
            )
        )
        amber_cell = draw(st.sampled_from([f"{m} above range", f"{m}% above range"]))
        if not red_cell:
            amber_cell, red_cell = draw(
                st.sampled_from([(amber_cell, ""), ("", f"{m}+ above range")])
            )
    green_cell = f"{text(low)}-{text(high)}"
    expected = Thresholds(ThresholdKind.RANGE, low=low, high=high, margin=margin)
    return polarity, red_cell, amber_cell, green_cell, expected


@st.composite
def tolerances(draw: st.DrawFn) -> Notation:
    centre = draw(bounds)
    tolerance, margin = sorted(draw(st.lists(bounds, min_size=2, max_size=2)))
    with_margin = draw(st.booleans())
    pm = draw(st.sampled_from(["+/-", "±"]))
    green_cell = f"{pm}{text(tolerance)} of {text(centre)}"
    red_cell = f"more than {pm}{text(margin)}" if with_margin else ""
    amber_cell = f"{pm}{text(margin)}" if with_margin else ""
    expected = Thresholds(
        ThresholdKind.TOLERANCE,
        centre=centre,
        tolerance=tolerance,
        margin=margin if with_margin else None,
    )
    return draw(polarities), red_cell, amber_cell, green_cell, expected


notations = st.one_of(high_bands(), low_bands(), targets(), ranges(), tolerances())


@given(notations)
def test_formatted_bounds_parse_back_to_the_same_thresholds(notation: Notation) -> None:
    polarity, red, amber, green, expected = notation
    assert parse_thresholds(polarity, red, amber, green) == expected


def goodness(thresholds: Thresholds) -> Callable[[Decimal], Decimal]:
    """A key that grows as a value moves towards the good side of ``thresholds``."""
    if thresholds.kind in (ThresholdKind.BANDS, ThresholdKind.TARGET_ONLY):
        return (lambda v: v) if thresholds.higher_is_better else (lambda v: -v)
    if thresholds.kind == ThresholdKind.RANGE:
        low, high = thresholds.low, thresholds.high
        assert low is not None and high is not None
        return lambda v: -max(low - v, v - high, Decimal(0))
    centre = thresholds.centre
    assert centre is not None
    return lambda v: -abs(v - centre)


def near_bounds(thresholds: Thresholds) -> list[Decimal]:
    """Values on and either side of every bound, where a RAG is most likely to be wrong."""
    points = [
        p
        for p in (
            thresholds.green,
            thresholds.red,
            thresholds.low,
            thresholds.high,
            thresholds.centre,
        )
        if p is not None
    ]
    for edge in (thresholds.margin, thresholds.tolerance):
        if edge is not None:
            for base in (thresholds.low, thresholds.centre):
                if base is not None:
                    points.append(base - edge)
            for base in (thresholds.high, thresholds.centre):
                if base is not None:
                    points.append(base + edge)
    step = Decimal("0.1")
    return [p + d for p in points for d in (-step, Decimal(0), step)]


@given(notations, st.data())
def test_moving_towards_good_never_worsens_rag(notation: Notation, data: st.DataObject) -> None:
    thresholds = parse_thresholds(*notation[:4])
    candidates = st.one_of(values, st.sampled_from(near_bounds(thresholds)))
    first, second = data.draw(candidates), data.draw(candidates)
    key = goodness(thresholds)
    worse, better = (first, second) if key(first) <= key(second) else (second, first)
    worse_rag, better_rag = thresholds.rag(worse), thresholds.rag(better)
    assert worse_rag is not None and better_rag is not None
    assert RANK[better_rag] >= RANK[worse_rag]


@given(notations, values)
def test_rag_is_total(notation: Notation, value: Decimal) -> None:
    thresholds = parse_thresholds(*notation[:4])
    assert thresholds.kind is not ThresholdKind.NONE
    assert rag(thresholds, value) in set(Rag)
    assert rag(thresholds, None) is None


# Fragments of the notation, so that random cells often come close to something valid.
fragments = st.sampled_from(
    [
        "<", ">", "+", "-", "%", "/", "±", "+/-", " ", ".", ",", "0", "1", "5", "13", "95.5",
        "158.8", "above range", "range", "to be set", "more than", "over", "of", "n/a", "tbc",
        "≤", "≥", "=", "between", "and", "within", "e5", "NaN", "\uff11", "\u0663",
    ]
)  # fmt: skip
cells = st.one_of(st.text(max_size=20), st.lists(fragments, max_size=6).map("".join))


@given(polarities, cells, cells, cells)
def test_parse_thresholds_returns_or_raises_threshold_error(
    polarity: Polarity, red: str, amber: str, green: str
) -> None:
    try:
        thresholds = parse_thresholds(polarity, red, amber, green)
    except ThresholdError as error:
        assert error.column in {"red", "amber", "green"}
        assert str(error)
    else:
        # Whatever parses must be usable.
        if thresholds.kind is ThresholdKind.NONE:
            assert thresholds.rag(Decimal(1)) is None
        else:
            assert thresholds.rag(Decimal(1)) in set(Rag)


SWAPPED = {Dot.UP: Dot.DOWN, Dot.DOWN: Dot.UP, Dot.SAME: Dot.SAME, None: None}


@given(st.sampled_from([p for p in Polarity if p is not Polarity.INFO]), values, values)
def test_dot_is_antisymmetric(polarity: Polarity, previous: Decimal, latest: Decimal) -> None:
    forward = direction_of_travel(polarity, previous, latest)
    assert forward is not None
    assert direction_of_travel(polarity, latest, previous) is SWAPPED[forward]


@given(polarities, values, values)
def test_numeric_direction_is_antisymmetric(
    polarity: Polarity, previous: Decimal, latest: Decimal
) -> None:
    forward = numeric_direction(polarity, previous, latest)
    backward = numeric_direction(polarity, latest, previous)
    assert forward is not None and backward is not None
    arrows = {"↑": "↓", "↓": "↑", "↔": "↔"}
    assert backward[0] == arrows[forward[0]]
    assert backward[1] == (None if forward[1] is None else not forward[1])


@given(polarities, st.one_of(st.none(), values), st.one_of(st.none(), values))
def test_no_dot_without_both_figures(
    polarity: Polarity, previous: Decimal | None, latest: Decimal | None
) -> None:
    has_both = previous is not None and latest is not None
    assert (direction_of_travel(polarity, previous, latest) is not None) == has_both
    assert (numeric_direction(polarity, previous, latest) is not None) == has_both


counts = st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=10_000)), max_size=12)


@given(counts, st.sampled_from([Unit.COUNT, Unit.AVERAGE_COUNT, Unit.DAYS]))
def test_ytd_of_counts_is_the_sum(months: list[int | None], unit: Unit) -> None:
    figures = [MonthFigure(None if m is None else Decimal(m)) for m in months]
    ytd = year_to_date(Aggregation.FINANCIAL_YEAR, unit, figures, 0)
    present = [m for m in months if m is not None]
    if not present:
        assert ytd is None
    else:
        assert ytd is not None
        assert ytd.value == sum(present)


parts = st.tuples(st.integers(min_value=0, max_value=500), st.integers(min_value=1, max_value=500))


@given(st.lists(st.one_of(st.none(), parts), max_size=12), st.integers(min_value=0, max_value=2))
def test_ytd_of_percentages_is_summed_parts(
    months: list[tuple[int, int] | None], decimals: int
) -> None:
    figures = [
        MonthFigure(None)
        if m is None
        else MonthFigure(
            ratio_value(Unit.PERCENTAGE, Decimal(m[0]), Decimal(m[1]), decimals),
            Decimal(m[0]),
            Decimal(m[1]),
        )
        for m in months
    ]
    ytd = year_to_date(Aggregation.FINANCIAL_YEAR, Unit.PERCENTAGE, figures, decimals)
    present = [m for m in months if m is not None]
    if not present:
        assert ytd is None
    else:
        numerator, denominator = sum(n for n, _ in present), sum(d for _, d in present)
        assert ytd is not None
        assert (ytd.numerator, ytd.denominator) == (numerator, denominator)
        assert ytd.value == ratio_value(
            Unit.PERCENTAGE, Decimal(numerator), Decimal(denominator), decimals
        )


@given(
    st.sampled_from([a for a in Aggregation if a is not Aggregation.FINANCIAL_YEAR]),
    st.sampled_from(list(Unit)),
    counts,
)
def test_only_financial_year_has_a_ytd(
    aggregation: Aggregation, unit: Unit, months: list[int | None]
) -> None:
    figures = [MonthFigure(None if m is None else Decimal(m)) for m in months]
    assert year_to_date(aggregation, unit, figures, 1) is None


@given(values, st.sampled_from(list(Unit)), st.integers(min_value=0, max_value=3))
def test_formatted_value_parses_back_rounded(value: Decimal, unit: Unit, decimals: int) -> None:
    number, marker = parse_number(format_value(value, unit, decimals))
    assert marker == ""
    assert number == round_to(value, decimals)


months = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)).map(
    lambda d: d.replace(day=1)
)


@given(months)
def test_month_label_and_key_parse_back(month: date) -> None:
    """Months reported on (2000-2099) parse back; others are refused, naming the range."""
    if 2000 <= month.year <= 2099:
        assert parse_month(month_key(month)) == month
        assert parse_month(month_label(month)) == month
    else:
        with pytest.raises(ValueError, match="outside the months reported on"):
            parse_month(month_key(month))


@given(months, st.integers(min_value=0, max_value=30))
def test_previous_months_are_consecutive_and_end_with_the_month(month: date, count: int) -> None:
    result = previous_months(month, count)
    assert len(result) == count
    if count:
        assert result[-1] == month
        keys = [m.year * 12 + m.month for m in result]
        assert keys == list(range(keys[0], keys[0] + count))


@given(months)
def test_every_month_lies_in_its_financial_year(month: date) -> None:
    start = financial_year(month)
    assert month in months_of_year(start)
    assert parse_year(year_label(start)) == start
