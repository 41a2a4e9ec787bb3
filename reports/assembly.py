"""Assemble the frozen content of an edition (``snapshot.Report``) from the database.

The figures come from the same ``build_summary`` and ``build_section_table`` as the web pages, so
the report cannot disagree with them; narratives come from the month's workflow. Nothing here
draws: ``pdf`` renders what this returns.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from accounts.people import name_of
from indicators import performance as perf
from indicators.models import ReportingMonth
from indicators.summary import BLANK, MEASURES, SummaryRow, build_summary
from indicators.tables import build_section_table
from narratives.models import Action, Narrative, Status, Transition

from . import snapshot
from .models import PaperDetails

REPORT_TITLE = "{framework} Monthly Performance Report"
MEASURE_HEADINGS = ("SN AVE", "BEST SN", "NAT AVE", "NAT TOP QTILE")


def dot_of(row: SummaryRow) -> snapshot.Dot:
    """The row's DOT (``performance.travel``, under the framework's convention) as stored."""
    if row.dot is None:
        return {"arrow": "", "meaning": "", "tone": ""}
    return {"arrow": row.dot.arrow, "meaning": row.dot.meaning, "tone": row.dot.tone}


def data_note(row: SummaryRow) -> str:
    """The seeds' DATA NOTE column: the unit, or "YTD Average" for year-to-date averages."""
    if row.aggregation == perf.Aggregation.YTD_AVERAGE:
        return perf.Aggregation.YTD_AVERAGE.value
    return row.unit.value


def summary_groups(reporting_month: ReportingMonth) -> tuple[list[snapshot.SummaryGroup], Any]:
    framework = reporting_month.framework
    summary = build_summary(framework, reporting_month.month)
    groups: list[snapshot.SummaryGroup] = [
        {
            "code": section.code,
            "title": section.title,
            "lines": [
                {
                    "reference": row.reference,
                    "title": row.title,
                    "polarity": row.polarity.value,
                    "data_note": data_note(row),
                    "months": [cell.text for cell in row.months],
                    "ytd": row.ytd.text,
                    "dot": dot_of(row),
                    "rag": row.rag.value if row.rag else "",
                    "red": row.red,
                    "amber": row.amber,
                    "green": row.green,
                    "outturns": [cell.text for cell in row.outturns],
                    "benchmarks": [row.benchmarks.get(m, BLANK).text for m in MEASURES],
                }
                for row in section.rows
            ],
        }
        for section in summary.sections
    ]
    return groups, summary


def narrative_text(
    narrative: Narrative | None, approvals: dict[int, Transition]
) -> snapshot.NarrativeText:
    if narrative is None:
        return {
            "status": Status.NOT_STARTED.label,
            "approved": False,
            "changes": "",
            "data_notes": "",
            "approved_by": "",
            "approved_at": "",
        }
    approved = narrative.status == Status.APPROVED
    approval = approvals.get(narrative.id) if approved else None
    return {
        "status": Status(narrative.status).label,
        "approved": approved,
        "changes": narrative.changes,
        "data_notes": narrative.data_notes,
        "approved_by": name_of(approval.by) if approval else "",
        "approved_at": f"{approval.at:%d/%m/%Y}" if approval else "",
    }


def section_parts(reporting_month: ReportingMonth) -> list[snapshot.SectionPart]:
    narratives = {
        n.section_id: n for n in Narrative.objects.filter(reporting_month=reporting_month)
    }
    approvals: dict[int, Transition] = {}
    for transition in (
        Transition.objects.filter(narrative__reporting_month=reporting_month, action=Action.APPROVE)
        .select_related("by")
        .order_by("at", "id")
    ):
        approvals[transition.narrative_id] = transition
    parts: list[snapshot.SectionPart] = []
    for section in reporting_month.framework.ordered_sections().prefetch_related("managers"):
        table = build_section_table(section, reporting_month.month)
        parts.append(
            {
                "code": section.code,
                "title": section.title,
                "definition": section.definition,
                "managers": sorted(name_of(m) for m in section.managers.all()),
                "narrative": narrative_text(narratives.get(section.id), approvals),
                "columns": [
                    {
                        "reference": column.reference,
                        "title": column.title,
                        "months": [cell.text for cell in column.months],
                        "ytd": column.ytd.text,
                        "outturns": [cell.text for cell in column.outturns],
                        "benchmarks": [cell.text for cell in column.benchmarks],
                    }
                    for column in table.columns
                ],
                "charts": [
                    {
                        "reference": column.reference,
                        "title": column.title,
                        "percent": column.unit == perf.Unit.PERCENTAGE,
                        "values": [
                            float(cell.value) if cell.value is not None else None
                            for cell in column.months
                        ],
                        "target": float(column.green) if column.green is not None else None,
                    }
                    for column in table.columns
                ],
            }
        )
    return parts


def default_paper(reporting_month: ReportingMonth) -> snapshot.Paper:
    """The covering paper's usual text (after the seed `002_…`), for the officer to edit."""
    framework = reporting_month.framework.name
    label = reporting_month.label
    return {
        "title": f"{framework} Performance Report \N{EN DASH} {label}",
        "meeting": f"{framework} Panel, {reporting_month.panel_date:%d/%m/%Y}",
        "authors": "Performance & Quality Team",
        "summary": (
            "This report provides a summary of performance for key performance indicators "
            "across Looked After Children (LAC) services. It should be read in conjunction with "
            f"the accompanying performance data report at Appendix A ({framework} Monthly "
            f"Performance Report \N{EN DASH} {label}), which provides trend data, graphical "
            "analysis and benchmarking data against national and statistical neighbour "
            "averages where possible."
        ),
        "recommendations": (
            f"The {framework} Panel is asked to receive the report and accompanying dataset "
            "(Appendix A) and consider issues arising."
        ),
        "implications": (
            "There are no direct financial, legal or human resources implications to this "
            "report. The performance report relates to services and outcomes for children in "
            "care."
        ),
        "risks": (
            "Inability and lack of engagement in performance management arrangements by "
            "managers and staff could lead to poor and deteriorating services for children and "
            "young people. Strong management oversight and the weekly performance meetings "
            "mitigate this risk."
        ),
        "accountable_officers": "",
    }


def paper_of(reporting_month: ReportingMonth) -> snapshot.Paper:
    details = PaperDetails.objects.filter(reporting_month=reporting_month).first()
    if details is None:
        return default_paper(reporting_month)
    return {key: getattr(details, key) for key in snapshot.Paper.__annotations__}  # type: ignore[return-value]


def assemble(
    reporting_month: ReportingMonth,
    edition: snapshot.Edition,
) -> snapshot.Report:
    """Everything the edition will print, read from the database now."""
    framework = reporting_month.framework
    month = reporting_month.month
    year = perf.financial_year(month)
    groups, summary = summary_groups(reporting_month)
    return {
        "schema": snapshot.SCHEMA,
        "framework": framework.name,
        "department": framework.department,
        "title": REPORT_TITLE.format(framework=framework.name),
        "month": perf.month_key(month),
        "month_label": reporting_month.label,
        "dot_convention": framework.dot_convention,
        "edition": edition,
        "summary_months": [perf.month_label(m) for m in summary.months],
        "summary_years": [perf.year_label(perf.financial_year(m)) for m in summary.months],
        "year": perf.year_label(year),
        "table_months": [perf.month_label(m) for m in perf.months_of_year(year)],
        "outturn_years": [perf.year_label(y) for y in summary.outturn_years],
        "measures": list(MEASURE_HEADINGS),
        "summary": groups,
        "sections": section_parts(reporting_month),
        "paper": paper_of(reporting_month),
    }


def edition_details(
    *,
    issue: int,
    draft: int | None,
    created_on: datetime.date,
    created_by: Any,
    signed_off_by: Any = None,
    signed_off_on: datetime.date | None = None,
) -> snapshot.Edition:
    return {
        "label": f"Issue {issue}" + (f", Draft {draft}" if draft is not None else ""),
        "issue": issue,
        "draft": draft,
        "issued": draft is None,
        "created_on": f"{created_on:%d/%m/%y}",
        "created_by": name_of(created_by, nobody="Performance & Quality Team"),
        "signed_off_by": name_of(signed_off_by),
        "signed_off_on": f"{signed_off_on:%d/%m/%Y}" if signed_off_on else "",
    }


def content_sha256(report: snapshot.Report) -> str:
    """A fingerprint of what is signed off: the figures, narratives and covering paper printed,
    without the edition's own details (number, dates, sign-off), so a draft and its issue can be
    compared."""
    content = {k: v for k, v in report.items() if k != "edition"}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def changed_parts(signed: snapshot.Report, now: snapshot.Report) -> list[str]:
    """Which parts differ between two snapshots, named as the report names them."""
    changed = []
    if signed["summary"] != now["summary"]:
        changed.append("the performance summary")
    before = {part["code"]: part for part in signed["sections"]}
    for part in now["sections"]:
        if before.get(part["code"]) != part:
            changed.append(part["title"])
    if signed["paper"] != now["paper"]:
        changed.append("the covering paper")
    return changed
