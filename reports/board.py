"""Assemble the board report (``snapshot.Board``; domain.md "Another council's report", seed 004).

A framework whose ``layout`` is board prints, per theme and section, one row per indicator: the
months the framework shows (the same month last year, then each month of the quarter with its own
trend arrow against the month before), the year's target and the indicator's Performance Overview
from the section's narrative; then the section's breakdown tables and its Head of Service
Narrative with its author and role title. Figures are read here once and frozen as printed text.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from accounts.people import name_of, role_title_of
from indicators import performance as perf
from indicators.models import (
    Breakdown,
    Figure,
    Framework,
    Indicator,
    MonthsShown,
    ReportingMonth,
    Target,
    ValueStyle,
)
from indicators.models.catalogue import in_catalogue_order
from narratives.models import Narrative

from . import snapshot

# The key to trends of the numeric convention, in the words of the Kirklees report (seed 004);
# Info indicators move without being better or worse.
NUMERIC_KEY: list[snapshot.KeyLine] = [
    {"arrow": "↑", "tone": "good", "words": "Increasing and higher is better"},
    {"arrow": "↓", "tone": "good", "words": "Decreasing and lower is better"},
    {"arrow": "↑", "tone": "bad", "words": "Increasing but lower is better"},
    {"arrow": "↓", "tone": "bad", "words": "Decreasing but higher is better"},
    {"arrow": "↔", "tone": "same", "words": "No change"},
    {"arrow": "↑ ↓", "tone": "", "words": "Increasing or decreasing, neither better nor worse"},
]
PERFORMANCE_KEY: list[snapshot.KeyLine] = [
    {"arrow": "↑", "tone": "good", "words": "Improvement in performance"},
    {"arrow": "→", "tone": "same", "words": "No movement"},
    {"arrow": "↓", "tone": "bad", "words": "Decline in performance"},
    {"arrow": "↑ ↓", "tone": "", "words": "Increase or decrease, neither better nor worse"},
]
NO_TREND: snapshot.Dot = {"arrow": "", "meaning": "", "tone": ""}


def shown_months(framework: Framework, month: datetime.date) -> tuple[list[datetime.date], int]:
    """The months a board row prints and the index of the first printed with its trend.

    ``quarter_with_last_year``: the first month of the twelve up to the report month (Jul-16 for
    a June 2017 report: the column the Kirklees report heads its comparison with last year),
    then the quarter's three months up to the report month, each with its trend. Otherwise the
    three months up to the report month, each with its trend.
    """
    quarter = perf.previous_months(month, 3)
    if framework.months_shown == MonthsShown.QUARTER_WITH_LAST_YEAR:
        return [perf.previous_months(month, 12)[0], *quarter], 1
    return quarter, 0


def count_text(numerator: Decimal) -> str:
    """A count as printed in brackets after its value: 14, never 14.0000."""
    return format(numerator.normalize(), "f")


def cell_text(indicator: Indicator, figure: Figure | None, with_count: bool) -> str:
    """A figure as the board report prints it: ``82.4% (14)`` with its count; "" for none."""
    if figure is None:
        return ""
    text = indicator.format(figure.value, figure.marker, figure.places)
    if with_count and figure.numerator is not None and figure.value is not None:
        # A count figure whose numerator is itself would print "17 (17)": say it once.
        if indicator.kind_enum != perf.Kind.COUNT or figure.numerator != figure.value:
            text = f"{text} ({count_text(figure.numerator)})"
    return text


def previous(month: datetime.date, step: int) -> datetime.date:
    return perf.previous_months(month, step + 1)[0]


def step_of(indicator: Indicator) -> int:
    """How far back a trend looks: the month before, or the quarter before for a quarterly
    indicator (filed under each quarter's last month)."""
    return 3 if indicator.frequency == perf.Frequency.QUARTERLY else 1


def trend_of(convention: str, indicator: Indicator, before: Any, now: Any) -> snapshot.Dot:
    if before is None or now is None:
        return NO_TREND
    found = perf.travel(convention, indicator.polarity_enum, before.shown_value, now.shown_value)
    if found is None:
        return NO_TREND
    return {"arrow": found.arrow, "meaning": found.meaning, "tone": found.tone}


def section_rows(
    framework: Framework,
    indicators: list[Indicator],
    months: list[datetime.date],
    trend_from: int,
    year: int,
    overviews: dict[str, str],
    tables: dict[str, list[int]],
) -> list[snapshot.BoardRow]:
    """One row per indicator (sub-rows after their parent), as printed."""
    wanted = set(months) | {
        before for m in months[trend_from:] for before in (previous(m, 1), previous(m, 3))
    }
    figures: dict[int, dict[datetime.date, Figure]] = defaultdict(dict)
    for figure in Figure.objects.filter(indicator__in=indicators, month__in=wanted):
        figures[figure.indicator_id][figure.month] = figure
    targets = {
        t.indicator_id: t for t in Target.objects.filter(indicator__in=indicators, year=year)
    }
    with_count = framework.value_style == ValueStyle.VALUE_WITH_COUNT
    rows: list[snapshot.BoardRow] = []
    for indicator in indicators:
        own = figures[indicator.id]
        for figure in own.values():
            figure.indicator = indicator  # shown_value reads the indicator's places
        target = targets.get(indicator.id)
        rows.append(
            {
                "reference": indicator.reference,
                "title": indicator.display_title,
                "sub_row": indicator.parent_id is not None,
                "cells": [cell_text(indicator, own.get(m), with_count) for m in months],
                "trends": [
                    trend_of(
                        framework.dot_convention,
                        indicator,
                        own.get(previous(m, step_of(indicator))),
                        own.get(m),
                    )
                    for m in months[trend_from:]
                ],
                "target": target.green if target else "",
                "tables": tables.get(indicator.reference, []),
                "overview": overviews.get(indicator.reference, ""),
            }
        )
    return rows


def breakdown_tables(
    indicators: list[Indicator], months: list[datetime.date], with_count: bool
) -> list[snapshot.BreakdownTable]:
    """The section's breakdown tables: one per indicator and dimension, rows in their order,
    numbered within the section in the indicators' order."""
    by_indicator = {indicator.id: indicator for indicator in indicators}
    cells: dict[tuple[int, str], dict[str, dict[datetime.date, Breakdown]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    first: dict[tuple[int, str], int] = {}
    for breakdown in Breakdown.objects.filter(indicator__in=indicators, month__in=months).order_by(
        "order", "id"
    ):
        key = (breakdown.indicator_id, breakdown.dimension)
        first.setdefault(key, breakdown.order)
        cells[key][breakdown.category][breakdown.month] = breakdown
    position = {indicator.id: n for n, indicator in enumerate(indicators)}
    tables: list[snapshot.BreakdownTable] = []
    for number, key in enumerate(sorted(cells, key=lambda k: (position[k[0]], first[k])), 1):
        indicator = by_indicator[key[0]]
        rows: list[snapshot.BreakdownRow] = []
        for category, by_month in cells[key].items():
            row_cells = []
            for m in months:
                found = by_month.get(m)
                text = ""
                if found is not None:
                    text = indicator.format(found.value, found.marker, found.places)
                    if with_count and found.numerator is not None and found.value is not None:
                        text = f"{text} ({count_text(found.numerator)})"
                row_cells.append(text)
            rows.append({"category": category, "cells": row_cells})
        tables.append(
            {
                "number": number,
                "reference": indicator.reference,
                "title": indicator.title,
                "dimension": key[1],
                "rows": rows,
            }
        )
    return tables


def board_of(
    reporting_month: ReportingMonth, narratives: dict[str, snapshot.NarrativeText]
) -> snapshot.Board:
    """The board report of the month; ``narratives`` are the sections' texts (by code), as the
    monthly parts froze them, so that both print the same narrative."""
    framework = reporting_month.framework
    month = reporting_month.month
    months, trend_from = shown_months(framework, month)
    year = perf.financial_year(month)
    with_count = framework.value_style == ValueStyle.VALUE_WITH_COUNT
    written = {
        n.section_id: n
        for n in Narrative.objects.filter(reporting_month=reporting_month).prefetch_related(
            "versions__saved_by__profile"
        )
    }
    sections: list[snapshot.BoardSection] = []
    for section in framework.ordered_sections().prefetch_related("managers__profile"):
        indicators = in_catalogue_order(
            Indicator.objects.filter(section=section, retired=False).select_related("parent")
        )
        tables = breakdown_tables(indicators, months, with_count)
        numbers: dict[str, list[int]] = defaultdict(list)
        for table in tables:
            numbers[table["reference"]].append(table["number"])
        narrative = written.get(section.id)
        version = narrative.current_version() if narrative is not None else None
        author = version.saved_by if version is not None else None
        sections.append(
            {
                "code": section.code,
                "title": section.title,
                "theme": section.theme,
                "managers": [
                    {"name": name_of(m), "role": role_title_of(m)}
                    for m in sorted(section.managers.all(), key=name_of)
                ],
                "rows": section_rows(
                    framework,
                    indicators,
                    months,
                    trend_from,
                    year,
                    dict(narrative.commentaries) if narrative is not None else {},
                    numbers,
                ),
                "tables": tables,
                "narrative": narratives[section.code],
                "author": name_of(author),
                "author_role": role_title_of(author),
            }
        )
    return {
        "board": framework.board,
        "meeting": reporting_month.panel_date.isoformat() if reporting_month.panel_date else "",
        "introduction": framework.cover_wording,
        "months": [perf.month_label(m) for m in months],
        "trend_from": trend_from,
        "key": NUMERIC_KEY
        if framework.dot_convention == perf.Convention.NUMERIC
        else PERFORMANCE_KEY,
        "sections": sections,
    }
