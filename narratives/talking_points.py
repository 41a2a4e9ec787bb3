"""Suggested talking points for a section narrative, from this month's and last month's summary.

Pure: rows in, sentences out. A head of service writing the narrative sees what moved: RAG
changes, a direction of travel that reversed, an indicator newly off target, and one that fell
below (worse than) the statistical-neighbour average.
"""

from __future__ import annotations

from collections.abc import Iterable

from indicators import performance as perf
from indicators.summary import SummaryRow, worse_than_sn_average

RAG_NAMES = {perf.Rag.RED: "red", perf.Rag.AMBER: "amber", perf.Rag.GREEN: "green"}
OFF_TARGET = (perf.Rag.RED, perf.Rag.AMBER)


def _rag_points(row: SummaryRow, before: SummaryRow | None, label: str) -> list[str]:
    old = before.rag if before else None
    now = row.rag
    if now in OFF_TARGET and old in (None, perf.Rag.GREEN):
        was = "green" if old == perf.Rag.GREEN else "not rated"
        return [
            f"{label} is newly off target: {RAG_NAMES[now]} at {row.latest.text} "
            f"(last month {was})."
        ]
    if now is not None and old is not None and now != old:
        return [
            f"{label}: RAG changed from {RAG_NAMES[old]} to {RAG_NAMES[now]} ({row.latest.text})."
        ]
    return []


def _dot_points(row: SummaryRow, before: SummaryRow | None, label: str) -> list[str]:
    """A direction of travel that flipped (↑ to ↓ or back), in the words and arrows of the
    framework's convention (``performance.travel``): a flip is one in either convention."""
    if before is None or before.dot is None or row.dot is None:
        return []
    if {before.dot.arrow, row.dot.arrow} != {"↑", "↓"}:
        return []
    return [
        f"{label}: direction of travel reversed, {before.dot.meaning} last month "
        f"({before.dot.arrow}) and {row.dot.meaning} now ({row.dot.arrow}, {row.latest.text})."
    ]


def _sn_points(row: SummaryRow, before: SummaryRow | None, label: str) -> list[str]:
    if before is None or not worse_than_sn_average(row) or before.latest.value is None:
        return []
    if worse_than_sn_average(before) is not False:
        return []
    sn = row.benchmarks[perf.Measure.SN_AVERAGE]
    return [
        f"{label} fell below the statistical-neighbour average: {row.latest.text} "
        f"against {sn.text} (last month {before.latest.text})."
    ]


def talking_points(
    summary_rows_of_section: Iterable[SummaryRow], previous_month_rows: Iterable[SummaryRow]
) -> list[str]:
    """Sentences naming what changed since last month, in the order of the section's rows.

    An indicator newly off target (green or unrated last month, red or amber now) is said once,
    not also as a RAG change. Rows with no previous month say only that they are off target.
    """
    before = {row.indicator_id: row for row in previous_month_rows}
    points: list[str] = []
    for row in summary_rows_of_section:
        old = before.get(row.indicator_id)
        label = f"{row.reference} {row.title}"
        points += _rag_points(row, old, label)
        points += _dot_points(row, old, label)
        points += _sn_points(row, old, label)
    return points
