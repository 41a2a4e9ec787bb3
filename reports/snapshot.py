"""The frozen content of one report edition: exactly what its PDF, covering paper and HTML print.

Plain JSON-compatible data (strings, numbers, lists, dicts) so that an edition stores it whole in
the database and renders it again, byte for byte, long after the figures behind it were re-run.
``assembly`` builds it from the database; ``pdf`` and the HTML pages only read it.
Every figure is kept as the text printed; charts also keep the numbers they draw.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Mapping
from typing import Any, TypedDict

from indicators.charts import Chart

# Bump when the shape changes; renderers refuse a snapshot of a shape they do not know, and read
# an older one through ``upgrade_…`` (an issued edition's stored snapshot is never rewritten).
# 3: ``layout`` and ``board`` (the board report of seed 004) and each section's neighbour
# ``comparisons``; older snapshots are monthly, with no comparisons.
SCHEMA = 3


class Dot(TypedDict):
    arrow: str  # ↑ → ↓ ↔, or "" when there is no direction of travel
    meaning: str  # words for the arrow: "improvement", "decline", "increase", "no movement", …
    tone: str  # "good", "bad", "same" or "" (colour of the arrow; never the only signal)


class SummaryLine(TypedDict):
    reference: str
    title: str
    polarity: str  # GOOD PERF IS: High, Low, Info, Within limits, …
    data_note: str  # the unit as the seeds' DATA NOTE column prints it: Count, Percentage, …
    months: list[str]  # the three summary months, as printed
    ytd: str
    ytd_partial: bool  # the YTD was built from fewer months than the year so far
    dot: Dot
    rag: str  # "R", "A", "G" or ""
    red: str
    amber: str
    green: str
    outturns: list[str]  # the five outturn years
    benchmarks: list[str]  # SN AVE, BEST SN, NAT AVE, NAT TOP QTILE


class SummaryGroup(TypedDict):
    code: str
    title: str
    lines: list[SummaryLine]


class TableColumn(TypedDict):
    reference: str
    title: str
    months: list[str]  # the report's ``table_months``; "" after the report month
    ytd: str
    ytd_partial: bool
    outturns: list[str]
    benchmarks: list[str]
    # "7 of 7" beside each figure that has a numerator and denominator; every list empty when
    # the indicator has none (its table then has no count column).
    month_counts: list[str]
    ytd_count: str
    outturn_counts: list[str]


class NarrativeText(TypedDict):
    status: str  # the workflow status label: "Approved", "Submitted", "Not started", …
    approved: bool
    changes: str  # SIGNIFICANT CHANGES / CONCERNS, in the narrative markup (narratives.markup)
    data_notes: str
    approved_by: str
    approved_at: str  # ISO date, or ""


class ComparedPlace(TypedDict):
    name: str  # "Barnsley", "England"
    role: str  # "council", "neighbour" or "national"
    shown: str  # the figure as printed, or why there is none ("'c' suppressed")
    value: float | None  # what the chart draws


class NeighbourComparison(TypedDict):
    """An indicator's council against each statistical neighbour and England for one data
    year, as the latest LAIT import before the edition stored it (schema 3)."""

    reference: str
    title: str
    council: str
    year: str  # the data year as DfE prints it
    measure: str  # the LAIT measure code
    neighbour_list: str
    neighbours: int
    with_value: int  # neighbours with a figure
    percent: bool
    places: list[ComparedPlace]
    alt: str


class SectionPart(TypedDict):
    code: str
    title: str
    definition: str
    managers: list[str]
    narrative: NarrativeText
    columns: list[TableColumn]
    charts: list[Chart]
    comparisons: list[NeighbourComparison]  # schema 3; empty when upgraded from 2


class Council(TypedDict):
    """The council's own words (``reports.models.CouncilSettings``) as the edition printed them."""

    name: str
    directorate: str
    department: str
    team: str  # "Created by" on the cover: the team, never a person
    contact: str
    logo: str  # a data URL (image/png or image/jpeg, base64), or ""


class Paper(TypedDict):
    """The covering paper's own fields, as the performance officer last saved them."""

    title: str
    meeting: str
    key_decision: str
    director: str  # Strategic Director approving submission of the report
    authors: str
    contact: str
    wards: str
    background_papers: str
    other_committee: str
    council_approval: str
    exempt: str
    summary: str
    recommendations: str
    background: str
    options: str
    consultation: str
    timetable: str
    financial: str
    legal: str
    human_resources: str
    children: str
    equalities: str
    partners: str
    risks: str
    accountable_officers: str


class Edition(TypedDict):
    label: str  # "Issue 1, Draft 2" or "Issue 1"
    issue: int
    draft: int | None  # None for an issued edition
    issued: bool
    created_on: str  # ISO dates (YYYY-MM-DD); printed in one format (``pdf.base.date_text``)
    created_by: str  # the person, kept for the record; the cover prints the council's team
    signed_off_by: str
    signed_off_on: str  # ISO date, or ""


class Manager(TypedDict):
    name: str
    role: str  # the role title printed beside the name ("Head of Service - Corporate Parenting")


class BoardRow(TypedDict):
    """One indicator row of a board section table."""

    reference: str
    title: str
    sub_row: bool  # printed indented under its parent ("a. Foster Care")
    cells: list[str]  # one per ``Board.months``: "82.4% (14)" with counts; "" for no figure
    trends: list[Dot]  # one per month from ``Board.trend_from``, against the month before
    target: str  # the year's target as the catalogue writes it ("65%+"), or ""
    tables: list[int]  # numbers of its breakdown tables, printed "See table 1" when no figures
    overview: str  # the Performance Overview, in the narrative markup


class BreakdownRow(TypedDict):
    category: str
    cells: list[str]  # one per ``Board.months``


class BreakdownTable(TypedDict):
    number: int  # "Table 1", counted within the section as the report does
    reference: str
    title: str
    dimension: str
    rows: list[BreakdownRow]


class BoardSection(TypedDict):
    code: str
    title: str
    theme: str
    managers: list[Manager]
    rows: list[BoardRow]
    tables: list[BreakdownTable]
    narrative: NarrativeText
    author: str  # who saved the narrative's text: the Head of Service Narrative's heading
    author_role: str


class KeyLine(TypedDict):
    arrow: str
    tone: str
    words: str  # "Increasing and higher is better", …


class Board(TypedDict):
    """The board report (``layout`` "board"): themes, quarter columns with trends, overviews."""

    board: str  # "Corporate Parenting Board"
    meeting: str  # ISO date of the meeting (the month's panel date), or ""
    introduction: str  # the framework's cover wording, in the narrative markup
    months: list[str]  # "Jul-16", "Apr-17", "May-17", "Jun-17"
    trend_from: int  # the index in ``months`` of the first month printed with its trend
    key: list[KeyLine]
    sections: list[BoardSection]


class Report(TypedDict):
    schema: int
    layout: str  # "monthly" or "board" (``indicators.models.Layout``)
    board: Board | None
    framework: str
    council: Council
    panel: str  # "Corporate Parenting Panel"
    title: str  # "Corporate Parenting Monthly Performance Report"
    cover_note: str  # the re-run note on the cover, in the narrative markup (may be "")
    month: str  # YYYY-MM
    month_label: str  # "April 2020"
    dot_convention: str  # "performance" or "numeric"
    edition: Edition
    summary_months: list[str]  # "Feb-20", "Mar-20", "Apr-20"
    summary_years: list[str]  # the financial year of each summary month: "2019/20", …
    year: str  # the report's financial year: "2020/21"
    table_months: list[str]  # "Jan-20" .. "Mar-21": three months before the year, then the year
    outturn_years: list[str]  # "2015/16" .. "2019/20"
    measures: list[str]  # "SN AVE", "BEST SN", "NAT AVE", "NAT TOP QTILE"
    summary: list[SummaryGroup]
    sections: list[SectionPart]
    paper: Paper


def printed_cells(row: BoardRow) -> list[str]:
    """The figure cells a board row prints: "See table 1" in the first when the indicator's
    figures are its breakdown tables (the PDF and the HTML version print the same)."""
    texts = list(row["cells"])
    if row["tables"] and texts and not any(texts):
        texts[0] = "See table " + ", ".join(str(n) for n in row["tables"])
    return texts


def board_headings(board: Board) -> list[str]:
    """The figure columns' headings of a board table: each month, a trend after each month
    from ``trend_from`` ("Trend Apr-17")."""
    headings: list[str] = []
    for n, month in enumerate(board["months"]):
        headings.append(month)
        if n >= board["trend_from"]:
            headings.append(f"Trend {month}")
    return headings


class SchemaError(ValueError):
    """A snapshot this version cannot draw."""


def current(report: Mapping[str, Any]) -> Report:
    """``report`` in today's shape: as it is, or read up from an older schema; refused clearly
    when it is of a schema this version does not know."""
    schema = report.get("schema")
    if schema == SCHEMA:
        return report  # type: ignore[return-value]
    if schema == 2:
        return upgrade_2(dict(report))
    if schema == 1:
        return upgrade_2(upgrade_1(dict(report)))
    raise SchemaError(
        f"unknown snapshot schema {schema!r} (this version draws schemas 1 to {SCHEMA})"
    )


def upgrade_1(old: dict) -> dict:
    """A schema 1 snapshot in the schema 2 shape, printing exactly what it held: its own twelve
    months, no counts (it had none), each chart as one series, the paper's later fields empty."""
    report = copy.deepcopy(old)
    edition = report["edition"]
    for key in ("created_on", "signed_off_on"):
        edition[key] = _iso(edition.get(key, ""))
    report["council"] = {
        "name": "",
        "directorate": "",
        "department": report.pop("department", ""),
        "team": edition.get("created_by", ""),
        "contact": "",
        "logo": "",
    }
    report["panel"] = ""
    report["cover_note"] = ""
    for group in report["summary"]:
        for line in group["lines"]:
            line.setdefault("ytd_partial", False)
    for part in report["sections"]:
        part["narrative"]["approved_at"] = _iso(part["narrative"].get("approved_at", ""))
        for column in part["columns"]:
            column.update(ytd_partial=False, month_counts=[], ytd_count="", outturn_counts=[])
        part["charts"] = [
            {
                "title": f"{chart['reference']} {chart['title']}",
                "kind": "line",
                "unit": "Percentage" if chart["percent"] else "",
                "percent": chart["percent"],
                "whole": False,
                "series": [
                    {
                        "reference": chart["reference"],
                        "title": chart["title"],
                        "values": chart["values"],
                    }
                ],
                "target": chart["target"],
                "band": None,
                "alt": f"Line chart of {chart['reference']} {chart['title']} by month.",
            }
            for chart in part["charts"]
        ]
    paper = {key: "" for key in Paper.__annotations__}
    paper.update(report.get("paper", {}))
    if paper.get("implications"):
        paper["financial"] = paper.pop("implications")
    paper.pop("implications", None)
    report["paper"] = paper
    report["schema"] = 2
    return report


def upgrade_2(old: dict) -> Report:
    """A schema 2 snapshot in the schema 3 shape: a monthly report, as every one then was, with
    no neighbour comparisons (it printed none, and still prints none)."""
    report = copy.deepcopy(old)
    report["layout"] = "monthly"
    report["board"] = None
    for part in report["sections"]:
        part.setdefault("comparisons", [])
    report["schema"] = SCHEMA
    return report  # type: ignore[return-value]


def _iso(text: str) -> str:
    """dd/mm/yy or dd/mm/yyyy (schema 1) as an ISO date; "" stays ""."""
    if not text:
        return ""
    day, month, year = text.split("/")
    return f"{int(year) + (2000 if len(year) == 2 else 0):04d}-{month}-{day}"


def date_text(value: str | datetime.date) -> str:
    """The one way the report, the paper and their pages print a date: 26/05/2020."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return f"{value:%d/%m/%Y}"
