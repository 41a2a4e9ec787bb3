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


def _rows(labels: list[str], part: snapshot.SectionPart, key: str) -> list[tuple[str, tuple]]:
    """Table rows of a section part: a label, then that row's cell of each indicator column."""
    cells = [column[key] for column in part["columns"]]  # type: ignore[literal-required]
    return [(label, tuple(c[i] for c in cells)) for i, label in enumerate(labels)]


def html_sections(report: snapshot.Report) -> list[dict[str, Any]]:
    """The section parts of a snapshot with what the HTML version needs ready to print."""
    return [
        {
            **part,
            "changes_html": render_markup(part["narrative"]["changes"]),
            "notes_html": render_markup(part["narrative"]["data_notes"]),
            "rows": _rows(report["table_months"], part, "months"),
            "outturn_rows": _rows(report["outturn_years"], part, "outturns"),
            "benchmark_rows": _rows(report["measures"], part, "benchmarks"),
        }
        for part in report["sections"]
    ]
