"""The frozen content of one report edition: exactly what its PDF, covering paper and HTML print.

Plain JSON-compatible data (strings, numbers, lists, dicts) so that an edition stores it whole in
the database and renders it again, byte for byte, long after the figures behind it were re-run.
``assembly`` builds it from the database; ``pdf`` and the HTML pages only read it.
Every figure is kept as the text printed; charts also keep the numbers they draw.
"""

from __future__ import annotations

from typing import TypedDict

# Bump when the shape changes; renderers refuse a snapshot of a shape they do not know.
SCHEMA = 1


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
    months: list[str]  # April..March; "" after the report month
    ytd: str
    outturns: list[str]
    benchmarks: list[str]


class Chart(TypedDict):
    reference: str
    title: str
    percent: bool
    values: list[float | None]  # April..March; None where there is no number
    target: float | None


class NarrativeText(TypedDict):
    status: str  # the workflow status label: "Approved", "Submitted", "Not started", …
    approved: bool
    changes: str  # SIGNIFICANT CHANGES / CONCERNS, in the narrative markup (narratives.markup)
    data_notes: str
    approved_by: str
    approved_at: str  # dd/mm/yyyy, or ""


class SectionPart(TypedDict):
    code: str
    title: str
    definition: str
    managers: list[str]
    narrative: NarrativeText
    columns: list[TableColumn]
    charts: list[Chart]


class Paper(TypedDict):
    """The covering paper's own fields, as the performance officer last saved them."""

    title: str
    meeting: str
    authors: str
    summary: str
    recommendations: str
    implications: str
    risks: str
    accountable_officers: str


class Edition(TypedDict):
    label: str  # "Issue 1, Draft 2" or "Issue 1"
    issue: int
    draft: int | None  # None for an issued edition
    issued: bool
    created_on: str  # dd/mm/yy, as the seed's cover prints it
    created_by: str
    signed_off_by: str
    signed_off_on: str


class Report(TypedDict):
    schema: int
    framework: str
    department: str
    title: str  # "Corporate Parenting Monthly Performance Report"
    month: str  # YYYY-MM
    month_label: str  # "April 2020"
    dot_convention: str  # "performance" or "numeric"
    edition: Edition
    summary_months: list[str]  # "Feb-20", "Mar-20", "Apr-20"
    summary_years: list[str]  # the financial year of each summary month: "2019/20", …
    year: str  # the report's financial year: "2020/21"
    table_months: list[str]  # "Apr-20" .. "Mar-21"
    outturn_years: list[str]  # "2015/16" .. "2019/20"
    measures: list[str]  # "SN AVE", "BEST SN", "NAT AVE", "NAT TOP QTILE"
    summary: list[SummaryGroup]
    sections: list[SectionPart]
    paper: Paper
