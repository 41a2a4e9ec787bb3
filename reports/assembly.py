"""Assemble the frozen content of an edition (``snapshot.Report``) from the database.

The figures come from the same ``build_summary`` and ``build_section_table`` as the web pages, so
the report cannot disagree with them; narratives come from the month's workflow. Nothing here
draws: ``pdf`` renders what this returns.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
from typing import Any

from accounts.people import name_of
from indicators import charts
from indicators import performance as perf
from indicators.benchmarking import latest_comparisons
from indicators.models import Framework, Indicator, Layout, ReportingMonth
from indicators.summary import BLANK, MEASURES, SummaryRow, build_summary
from indicators.tables import build_section_table, table_months
from narratives.models import Action, Narrative, Status, Transition

from . import board, papers, snapshot
from .models import CombinedChart, CouncilSettings, PaperDetails, ReportSettings

# Used only while a framework has no report settings: its name, never a council's words.
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
    return row.unit


def summary_groups(reporting_month: ReportingMonth) -> tuple[list[snapshot.SummaryGroup], Any]:
    """The summary in its bands."""
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
                    "ytd_partial": row.ytd.partial,
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
        "approved_at": approval.at.date().isoformat() if approval else "",
    }


def table_column(column: Any) -> snapshot.TableColumn:
    cells = [*column.months, column.ytd, *column.outturns]
    counted = any(cell.count_text for cell in cells)
    return {
        "reference": column.reference,
        "title": column.title,
        "months": [cell.text for cell in column.months],
        "ytd": column.ytd.text,
        "ytd_partial": column.ytd.partial,
        "outturns": [cell.text for cell in column.outturns],
        "benchmarks": [cell.text for cell in column.benchmarks],
        "month_counts": [cell.count_text for cell in column.months] if counted else [],
        "ytd_count": column.ytd.count_text,
        "outturn_counts": [cell.count_text for cell in column.outturns] if counted else [],
    }


def combined_charts(framework: Framework) -> dict[int, list[tuple[str, str, list[str]]]]:
    """Each section's combined charts: (title, kind, the references drawn together)."""
    combined: dict[int, list[tuple[str, str, list[str]]]] = {}
    for chart in (
        CombinedChart.objects.filter(section__frameworks=framework)
        .prefetch_related("indicators")
        .order_by("section", "order", "id")
    ):
        references = [indicator.reference for indicator in chart.indicators.all()]
        combined.setdefault(chart.section_id, []).append((chart.title, chart.kind, references))
    return combined


def section_parts(
    reporting_month: ReportingMonth, figures: bool = True
) -> list[snapshot.SectionPart]:
    """Each section's part of the monthly report; without ``figures`` only its narrative (a
    board report prints its own tables: ``board``)."""
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
    combined = combined_charts(reporting_month.framework)
    parts: list[snapshot.SectionPart] = []
    for section in reporting_month.framework.ordered_sections().prefetch_related("managers"):
        if not figures:
            parts.append(
                {
                    "code": section.code,
                    "title": section.title,
                    "definition": section.definition,
                    "managers": sorted(name_of(m) for m in section.managers.all()),
                    "narrative": narrative_text(narratives.get(section.id), approvals),
                    "columns": [],
                    "charts": [],
                    "comparisons": [],
                }
            )
            continue
        table = build_section_table(section, reporting_month.month)
        months = [perf.month_label(m) for m in table.months]
        # Series in the table's order, whatever order the admin listed them in.
        order = {column.reference: n for n, column in enumerate(table.columns)}
        shared = [
            (title, kind, sorted(refs, key=lambda r: order.get(r, len(order))))
            for title, kind, refs in combined.get(section.id, [])
        ]
        parts.append(
            {
                "code": section.code,
                "title": section.title,
                "definition": section.definition,
                "managers": sorted(name_of(m) for m in section.managers.all()),
                "narrative": narrative_text(narratives.get(section.id), approvals),
                "columns": [table_column(column) for column in table.columns],
                "charts": charts.section_charts(table.columns, months, shared),
                "comparisons": neighbour_comparisons([c.indicator_id for c in table.columns]),
            }
        )
    return parts


def neighbour_comparisons(indicator_ids: list[int]) -> list[snapshot.NeighbourComparison]:
    """Each indicator's council against its statistical neighbours and England, as the
    latest LAIT import stored it, in the table's order."""
    indicators = Indicator.objects.in_bulk(indicator_ids)
    found = latest_comparisons(indicators.values())
    parts: list[snapshot.NeighbourComparison] = []
    for indicator_id in indicator_ids:
        comparison = found.get(indicator_id)
        if comparison is None:
            continue
        indicator = indicators[indicator_id]
        parts.append(
            {
                "reference": indicator.reference,
                "title": indicator.title,
                "council": comparison.council,
                "year": comparison.year,
                "measure": comparison.measure,
                "neighbour_list": comparison.neighbour_list,
                "neighbours": comparison.neighbours,
                "with_value": comparison.with_value,
                "percent": indicator.kind_enum == perf.Kind.PERCENTAGE,
                "places": [
                    {
                        "name": place.name,
                        "role": place.role,
                        "shown": place.shown,
                        "value": charts.number(place.value),
                    }
                    for place in comparison.places
                ],
                "alt": comparison.alt,
            }
        )
    return parts


def council_of() -> snapshot.Council:
    """The council's settings as the edition prints them, the logo inlined so that an issue
    keeps the logo it went out with."""
    council = CouncilSettings.current()
    logo = ""
    if council.logo:
        with council.logo.open("rb") as handle:
            content = handle.read()
        mime = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
        logo = f"data:{mime};base64,{base64.b64encode(content).decode()}"
    return {
        "name": council.name,
        "directorate": council.directorate,
        "department": council.department,
        "team": council.team,
        "contact": council.contact,
        "logo": logo,
    }


def council_name(framework: Framework) -> str:
    """The council a framework's report names: its own, else the installation's."""
    return framework.council or CouncilSettings.current().name


def settings_of(framework: Framework) -> ReportSettings | None:
    return ReportSettings.objects.filter(framework=framework).first()


def report_title(framework: Framework, wording: ReportSettings | None) -> str:
    if wording is not None and wording.report_title:
        return wording.report_title
    return REPORT_TITLE.format(framework=framework.name)


def default_paper(reporting_month: ReportingMonth) -> snapshot.Paper:
    """A new month's covering paper: the framework's usual wording with the month, panel,
    report title and council filled in; empty where the framework has no wording yet."""
    framework = reporting_month.framework
    wording = settings_of(framework)
    paper: snapshot.Paper = {key: "" for key in papers.FIELD_KEYS}  # type: ignore[assignment]
    if wording is None:
        return paper
    words = {
        "{month}": reporting_month.label,
        "{panel}": framework.board,
        "{report}": report_title(framework, wording),
        "{council}": council_name(framework),
    }
    for key in papers.FIELD_KEYS:
        text = getattr(wording, key, "")
        for token, value in words.items():
            text = text.replace(token, value)
        paper[key] = text  # type: ignore[literal-required]
    if wording.paper_title:
        paper["title"] = f"{wording.paper_title} \N{EN DASH} {reporting_month.label}"
    if framework.board and reporting_month.panel_date:
        paper["meeting"] = f"{framework.board}, {snapshot.date_text(reporting_month.panel_date)}"
    return paper


def paper_of(reporting_month: ReportingMonth) -> snapshot.Paper:
    details = PaperDetails.objects.filter(reporting_month=reporting_month).first()
    if details is None:
        return default_paper(reporting_month)
    return {key: getattr(details, key) for key in papers.FIELD_KEYS}  # type: ignore[return-value]


def assemble(
    reporting_month: ReportingMonth,
    edition: snapshot.Edition,
) -> snapshot.Report:
    """Everything the edition will print, read from the database now."""
    framework = reporting_month.framework
    month = reporting_month.month
    year = perf.financial_year(month)
    is_board = framework.layout == Layout.BOARD
    sections = section_parts(reporting_month, figures=not is_board)
    groups, summary = summary_groups(reporting_month)
    board_part = None
    if is_board:
        # A board report has no performance summary: its figures are the board's own tables.
        groups = []
        board_part = board.board_of(
            reporting_month, {part["code"]: part["narrative"] for part in sections}
        )
    wording = settings_of(framework)
    council = council_of()
    council["name"] = council_name(framework)
    council["department"] = council["department"] or framework.department
    return {
        "schema": snapshot.SCHEMA,
        "layout": framework.layout,
        "board": board_part,
        "framework": framework.name,
        "council": council,
        "panel": framework.board,
        "title": report_title(framework, wording),
        "cover_note": framework.cover_wording,
        "month": perf.month_key(month),
        "month_label": reporting_month.label,
        "dot_convention": framework.dot_convention,
        "edition": edition,
        "summary_months": [perf.month_label(m) for m in summary.months],
        "summary_years": [perf.year_label(perf.financial_year(m)) for m in summary.months],
        "year": perf.year_label(year),
        "table_months": [perf.month_label(m) for m in table_months(year)],
        "outturn_years": [perf.year_label(y) for y in summary.outturn_years],
        "measures": list(MEASURE_HEADINGS),
        "summary": groups,
        "sections": sections,
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
        "created_on": created_on.isoformat(),
        "created_by": name_of(created_by) if created_by else "",
        "signed_off_by": name_of(signed_off_by),
        "signed_off_on": signed_off_on.isoformat() if signed_off_on else "",
    }


def content_sha256(report: snapshot.Report) -> str:
    """A fingerprint of what is signed off: the figures, narratives, covering paper and the
    council's wording printed, without the edition's own details (number, dates, sign-off), so
    a draft and its issue can be compared."""
    content = {k: v for k, v in report.items() if k != "edition"}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def board_sections(report: snapshot.Report) -> dict[str, snapshot.BoardSection]:
    """A board report's sections by code (none for a monthly report or an older snapshot)."""
    board = report.get("board")
    return {part["code"]: part for part in board["sections"]} if board else {}


def changed_parts(signed: snapshot.Report, now: snapshot.Report) -> list[str]:
    """Which parts differ between two snapshots, named as the report names them."""
    changed = []
    if signed["summary"] != now["summary"]:
        changed.append("the performance summary")
    before = {part["code"]: part for part in signed["sections"]}
    signed_board, now_board = board_sections(signed), board_sections(now)
    for part in now["sections"]:
        if before.get(part["code"]) != part or signed_board.get(part["code"]) != now_board.get(
            part["code"]
        ):
            changed.append(part["title"])
    if signed["paper"] != now["paper"]:
        changed.append("the covering paper")
    wording = ("council", "panel", "cover_note")
    if any(signed.get(key) != now.get(key) for key in wording):
        changed.append("the council's wording")
    return changed
