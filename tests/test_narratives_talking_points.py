"""Suggested talking points: table-driven over RAG, DOT and SN-average changes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from indicators import performance as perf
from indicators.summary import Cell, SummaryRow, build_summary
from narratives.talking_points import talking_points

R, A, G = perf.Rag.RED, perf.Rag.AMBER, perf.Rag.GREEN
UP, SAME, DOWN = perf.Dot.UP, perf.Dot.SAME, perf.Dot.DOWN
HIGH, LOW, INFO = perf.Polarity.HIGH, perf.Polarity.LOW, perf.Polarity.INFO
NUMERIC = perf.Convention.NUMERIC


def travel_of(
    dot: perf.Dot | None,
    polarity: perf.Polarity,
    convention: perf.Convention = perf.Convention.PERFORMANCE,
) -> perf.Travel | None:
    """The printed DOT of a move that is ``dot`` in the performance convention."""
    if dot is None:
        return None
    rose = dot == UP if polarity != LOW else dot == DOWN
    previous, latest = (1, 1) if dot == SAME else (1, 2) if rose else (2, 1)
    return perf.travel(convention, polarity, Decimal(previous), Decimal(latest))


def row(
    value: str | None,
    rag: perf.Rag | None = None,
    dot: perf.Dot | None = None,
    polarity: perf.Polarity = HIGH,
    sn: str | None = None,
    indicator_id: int = 1,
    convention: perf.Convention = perf.Convention.PERFORMANCE,
) -> SummaryRow:
    number = Decimal(value) if value is not None else None
    return SummaryRow(
        indicator_id=indicator_id,
        reference="6.20",
        title="Visits",
        section_code="LAC-RPV",
        polarity=polarity,
        unit=perf.Unit.PERCENTAGE,
        aggregation=perf.Aggregation.SNAPSHOT,
        frequency=perf.Frequency.MONTHLY,
        months=(Cell("-"), Cell(f"{value}%" if value else "-", number)),
        ytd=Cell("-"),
        dot=travel_of(dot, polarity, convention),
        rag=rag,
        red="<90%",
        amber="90%>",
        green="95%+",
        outturns=(),
        benchmarks={perf.Measure.SN_AVERAGE: Cell(f"{sn}%", Decimal(sn))} if sn else {},
        band=None,
    )


LABEL = "6.20 Visits"
REVERSED = f"{LABEL}: direction of travel reversed, "
BELOW = f"{LABEL} fell below the statistical-neighbour average: "


@pytest.mark.parametrize(
    ("now", "before", "points"),
    [
        # Nothing moved.
        (row("96", G, SAME), row("96", G, UP), []),
        # Newly off target: green or unrated last month, red or amber now (said once).
        (
            row("81.2", R, DOWN),
            row("94.5", G, DOWN),
            [f"{LABEL} is newly off target: red at 81.2% (last month green)."],
        ),
        (
            row("92", A),
            row(None),
            [f"{LABEL} is newly off target: amber at 92% (last month not rated)."],
        ),
        (
            row("92", A),
            None,
            [f"{LABEL} is newly off target: amber at 92% (last month not rated)."],
        ),
        # Other RAG changes, better or worse.
        (row("92", A), row("80", R), [f"{LABEL}: RAG changed from red to amber (92%)."]),
        (row("96", G), row("92", A), [f"{LABEL}: RAG changed from amber to green (96%)."]),
        (row("80", R), row("92", A), [f"{LABEL}: RAG changed from amber to red (80%)."]),
        (row("80", None), row("92", A), []),
        # DOT reversals.
        (
            row("90", None, DOWN),
            row("95", None, UP),
            [REVERSED + "improvement last month (↑) and decline now (↓, 90%)."],
        ),
        (
            row("95", None, UP),
            row("90", None, DOWN),
            [REVERSED + "decline last month (↓) and improvement now (↑, 95%)."],
        ),
        (
            row("95", None, UP, INFO),
            row("90", None, DOWN, INFO),
            [REVERSED + "decrease last month (↓) and increase now (↑, 95%)."],
        ),
        # The numeric convention: the arrows follow the number, the words say good or bad.
        (
            row("12", None, DOWN, LOW, convention=NUMERIC),
            row("9", None, UP, LOW, convention=NUMERIC),
            [REVERSED + "decrease, good last month (↓) and increase, bad now (↑, 12%)."],
        ),
        (row("95", None, SAME), row("90", None, DOWN), []),
        (row("95", None, DOWN), row("90", None, None), []),
        # Falls below the SN average (worse than it, for the polarity).
        (
            row("62.4", None, None, HIGH, "68.5"),
            row("70", None, None, HIGH, "68.5"),
            [BELOW + "62.4% against 68.5% (last month 70%)."],
        ),
        (row("62.4", None, None, HIGH, "68.5"), row("60", None, None, HIGH, "68.5"), []),
        (
            row("12", None, None, LOW, "10"),
            row("9", None, None, LOW, "10"),
            [BELOW + "12% against 10% (last month 9%)."],
        ),
        (row("12", None, None, INFO, "10"), row("9", None, None, INFO, "10"), []),
        (row("62.4", None, None, HIGH, "68.5"), row(None, None, None, HIGH, "68.5"), []),
        (row("62.4", None, None, HIGH, "68.5"), None, []),
        # Several at once, in order: RAG, DOT, SN.
        (
            row("62", R, DOWN, HIGH, "68.5"),
            row("96", G, UP, HIGH, "68.5"),
            [
                f"{LABEL} is newly off target: red at 62% (last month green).",
                REVERSED + "improvement last month (↑) and decline now (↓, 62%).",
                BELOW + "62% against 68.5% (last month 96%).",
            ],
        ),
    ],
)
def test_talking_points(now, before, points):
    assert talking_points([now], [before] if before else []) == points


def test_rows_are_matched_by_indicator_not_position():
    now = [row("80", R, indicator_id=1), row("96", G, indicator_id=2)]
    before = [row("96", G, indicator_id=2), row("96", G, indicator_id=1)]
    assert talking_points(now, before) == [
        f"{LABEL} is newly off target: red at 80% (last month green)."
    ]


def test_the_april_2020_sample(sample):
    """April against March 2020 for Reviews, Plans & Visits: 6.20 visits fell to 81.2%."""

    def rows(month):
        summary = build_summary(sample, month)
        return [r for s in summary.sections if s.code == "LAC-RPV" for r in s.rows]

    points = talking_points(rows(datetime.date(2020, 4, 1)), rows(datetime.date(2020, 3, 1)))
    assert any(p.startswith("6.20 ") for p in points), points
