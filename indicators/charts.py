"""A section's charts as plain data: which indicators share a chart, the series, the target
line or band, and the text alternative that says what the chart shows.

The text alternative is written here, once, so the section page, the report PDF's /Alt and its
HTML version describe a chart in the same words. Figures in it are the table's printed text,
never re-rounded. The report's snapshot keeps charts in this shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from . import performance as perf

if TYPE_CHECKING:
    from .tables import Column


class Series(TypedDict):
    reference: str
    title: str
    values: list[float | None]  # the table's months; None where there is no number


class Chart(TypedDict):
    title: str
    kind: str  # "line" (trend against target) or "bar" (counts side by side)
    unit: str  # the value axis title: "Percentage", "Count", "Rate per 10,000", …
    percent: bool
    whole: bool  # whole numbers only (counts): ticks are integers
    series: list[Series]
    target: float | None  # a single target, drawn as a line
    band: list[float] | None  # a target range [low, high], drawn as a band
    alt: str  # the text alternative: what the chart shows, its range, latest value, direction


def number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def series_of(column: Column) -> Series:
    return {
        "reference": column.reference,
        "title": column.title,
        "values": [number(cell.value) for cell in column.months],
    }


def unit_label(column: Column) -> str:
    return column.unit


def chart_of(
    columns: Sequence[Column], months: Sequence[str], *, title: str = "", kind: str = "line"
) -> Chart:
    """One chart of ``columns`` (one, or several sharing the chart) over ``months``."""
    first = columns[0]
    single = len(columns) == 1
    chart: Chart = {
        "title": title or f"{first.reference} {first.title}",
        "kind": kind,
        "unit": unit_label(first),
        "percent": first.kind == perf.Kind.PERCENTAGE,
        "whole": all(c.kind == perf.Kind.COUNT for c in columns),
        "series": [series_of(c) for c in columns],
        # A target belongs to one indicator: a chart shared by several draws none.
        "target": number(first.green) if single and first.target_range is None else None,
        "band": (
            [float(first.target_range[0]), float(first.target_range[1])]
            if single and first.target_range is not None
            else None
        ),
        "alt": "",
    }
    chart["alt"] = alt_text(chart, columns, months)
    return chart


def section_charts(
    columns: Sequence[Column],
    months: Sequence[str],
    combined: Sequence[tuple[str, str, Sequence[str]]],
) -> list[Chart]:
    """The section's charts in table order: each combined chart (title, kind, references) where
    its first indicator stands, and one chart for every indicator in none."""
    by_reference = {column.reference: column for column in columns}
    placed: dict[str, tuple[str, str, list[Column]]] = {}
    shared: set[str] = set()
    for title, kind, references in combined:
        members = [by_reference[r] for r in references if r in by_reference]
        if not members:
            continue
        placed[members[0].reference] = (title, kind, members)
        shared.update(c.reference for c in members)
    charts: list[Chart] = []
    for column in columns:
        if column.reference in placed:
            title, kind, members = placed[column.reference]
            charts.append(chart_of(members, months, title=title, kind=kind))
        elif column.reference not in shared:
            charts.append(chart_of([column], months))
    return charts


def alt_text(chart: Chart, columns: Sequence[Column], months: Sequence[str]) -> str:
    """What the chart shows in words: its kind, series, months, range, latest value and
    direction, and its target."""
    kind = "Bar chart" if chart["kind"] == "bar" else "Line chart"
    names = "; ".join(f"{c.reference} {c.title}" for c in columns)
    sentences = [f"{kind} of {names}, by month from {months[0]} to {months[-1]}."]
    for column in columns:
        sentences.append(series_sentence(column, months, len(columns) > 1))
    sign = "%" if chart["percent"] else ""
    if chart["target"] is not None:
        sentences.append(f"Target line at {chart['target']:g}{sign}.")
    if chart["band"] is not None:
        low, high = chart["band"]
        sentences.append(f"Target range {low:g}{sign} to {high:g}{sign}, shown as a band.")
    return " ".join(sentences)


def series_sentence(column: Column, months: Sequence[str], named: bool) -> str:
    """One series: the months with figures, lowest and highest, latest and its direction."""
    who = f"{column.reference}: " if named else ""
    valued = [(m, c) for m, c in zip(months, column.months, strict=True) if c.value is not None]
    if not valued:
        return f"{who}no figures yet."
    low = min(valued, key=lambda item: item[1].value)  # type: ignore[arg-type,return-value]
    high = max(valued, key=lambda item: item[1].value)  # type: ignore[arg-type,return-value]
    latest_month, latest = valued[-1]
    text = f"{who}figures for {valued[0][0]} to {latest_month}"
    if len(valued) > 1:
        text += f" range from {low[1].text} ({low[0]}) to {high[1].text} ({high[0]})"
    text += f"; latest {latest.text} ({latest_month})"
    if len(valued) > 1:
        before_month, before = valued[-2]
        assert latest.value is not None and before.value is not None
        if latest.value > before.value:
            text += f", up from {before.text} in {before_month}"
        elif latest.value < before.value:
            text += f", down from {before.text} in {before_month}"
        else:
            text += f", the same as in {before_month}"
    return text + "."
