"""What each report page shows (plain data); who may see or do what is ``rules``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from indicators.models import ReportingMonth
from narratives.markup import render as render_markup

from . import rules, services, snapshot
from .models import BuildStatus, Edition


def issued_editions(user: Any) -> QuerySet[Edition]:
    """Issued reports, newest first: what the panel receives."""
    return (
        rules.visible_editions(user)
        .filter(draft__isnull=True, status=BuildStatus.READY)
        .order_by("-month", "-issue")
    )


def month_page(reporting_month: ReportingMonth, user: Any) -> dict[str, Any]:
    """The month's editions, each marked with whether this person may sign it off, and the
    issue they belong to (the month's current issue is read once, not once per edition)."""
    issue = services.current_issue(reporting_month)
    editions = list(
        Edition.objects.filter(reporting_month=reporting_month)
        .select_related("created_by", "signed_off_by")
        .order_by("-issue", "draft")
    )
    for edition in editions:
        edition.can_sign_off = not rules.why_not_sign_off(edition, user, issue)  # type: ignore[attr-defined]
    return {
        "reporting_month": reporting_month,
        "editions": editions,
        "issue": issue,
        "signed": services.latest_signed_draft(reporting_month, issue),
    }


def can_sign_off(edition: Edition, user: Any) -> bool:
    issue = services.current_issue(edition.reporting_month)
    return not rules.why_not_sign_off(edition, user, issue)


def _headers(part: snapshot.SectionPart) -> list[str]:
    """The table's column headings: each indicator, and its counts beside it where it has them."""
    headers = []
    for column in part["columns"]:
        if column["month_counts"]:
            headers.append(f"{column['reference']} count (n of N)")
        headers.append(f"{column['reference']} {column['title']}")
    return headers


def _rows(report: snapshot.Report, part: snapshot.SectionPart) -> list[tuple[str, list[str]]]:
    """The section table as rows of text: a label, then each printed column's cell."""
    rows: list[tuple[str, list[str]]] = []

    def add(labels: list[str], figures: str, counts: str | None) -> None:
        for index, label in enumerate(labels):
            cells: list[str] = []
            for column in part["columns"]:
                if column["month_counts"]:
                    cells.append(column[counts][index] if counts else "")  # type: ignore[literal-required]
                cells.append(column[figures][index])  # type: ignore[literal-required]
            rows.append((label, cells))

    add(report["table_months"], "months", "month_counts")
    ytd: list[str] = []
    for column in part["columns"]:
        if column["month_counts"]:
            ytd.append(column["ytd_count"])
        ytd.append(column["ytd"] + (" (partial)" if column["ytd_partial"] else ""))
    rows.append((f"YTD {report['year']}", ytd))
    add(report["outturn_years"], "outturns", "outturn_counts")
    add(report["measures"], "benchmarks", None)
    return rows


def html_sections(report: snapshot.Report) -> list[dict[str, Any]]:
    """The section parts of a snapshot with what the HTML version needs ready to print."""
    return [
        {
            **part,
            "changes_html": render_markup(part["narrative"]["changes"]),
            "notes_html": render_markup(part["narrative"]["data_notes"]),
            "headers": _headers(part),
            "rows": _rows(report, part),
            "approved_on": snapshot.date_text(part["narrative"]["approved_at"]),
            "figures": [
                {**chart, "id": f"chart-{part['code']}-{n}", "labels": report["table_months"]}
                for n, chart in enumerate(part["charts"], 1)
            ],
        }
        for part in report["sections"]
    ]


def html_board(report: snapshot.Report) -> dict[str, Any]:
    """A board report's sections with what its HTML version needs ready to print: the column
    headings (each quarter month followed by its trend), each row's cells paired with their
    trends, overviews and narratives as HTML."""
    board = report["board"]
    assert board is not None
    start = board["trend_from"]
    sections = []
    for part in board["sections"]:
        rows = []
        for row in part["rows"]:
            cells: list[dict[str, Any]] = []
            for n, text in enumerate(snapshot.printed_cells(row)):
                cells.append({"text": text})
                if n >= start:
                    cells.append({"dot": row["trends"][n - start]})
            rows.append({**row, "shown": cells, "overview_html": render_markup(row["overview"])})
        sections.append(
            {
                **part,
                "rows": rows,
                "changes_html": render_markup(part["narrative"]["changes"]),
                "notes_html": render_markup(part["narrative"]["data_notes"]),
                "approved_on": snapshot.date_text(part["narrative"]["approved_at"]),
            }
        )
    return {
        "board": board,
        "board_headings": snapshot.board_headings(board),
        "board_sections": sections,
        "meeting": snapshot.date_text(board["meeting"]),
        "introduction_html": render_markup(board["introduction"]),
    }


def html_report(report: dict) -> dict[str, Any]:
    """The read-online page's context: the snapshot in today's shape, its sections, dates and
    the charts' data for static/cpp/charts.js."""
    current = snapshot.current(report)
    sections = html_sections(current)
    edition = current["edition"]
    return {
        "report": current,
        "sections": sections,
        "created_on": snapshot.date_text(edition["created_on"]),
        "signed_off_on": snapshot.date_text(edition["signed_off_on"]),
        "charts": [chart for part in sections for chart in part["figures"]],
        "cover_note_html": render_markup(current["cover_note"]),
        **(html_board(current) if current["layout"] == "board" else {}),
    }
