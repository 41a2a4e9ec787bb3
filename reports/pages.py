"""What each report page shows (plain data); who may see or do what is ``rules``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from accounts.access import has_role
from accounts.people import name_of
from accounts.roles import Role
from indicators import quality
from indicators.benchmarking import ROLE_COLOURS
from indicators.models import ReportingMonth
from narratives.markup import render as render_markup
from narratives.models import Narrative, Status
from narratives.notifications import users_with_role

from . import assembly, papers, rules, services, snapshot
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
        # Why no draft can be signed off yet, so the page never just lacks the button.
        "signoff_blockers": month_progress(reporting_month).signoff_blockers,
    }


def can_sign_off(edition: Edition, user: Any) -> bool:
    issue = services.current_issue(edition.reporting_month)
    return not rules.why_not_sign_off(edition, user, issue)


def sign_off_refusal(edition: Edition, user: Any) -> str | None:
    """Why an approver may not sign off this draft now (None for others, issues and drafts
    already signed off: nothing to explain there)."""
    if edition.is_issued or edition.signed_off_at or not has_role(user, Role.APPROVER):
        return None
    return rules.why_not_sign_off(edition, user, services.current_issue(edition.reporting_month))


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
            "comparison_figures": _comparison_figures(part),
        }
        for part in report["sections"]
    ]


def _comparison_figures(part: snapshot.SectionPart) -> list[dict[str, Any]]:
    """Each neighbour comparison as static/cpp/charts.js draws it: one bar per place."""
    # A snapshot of schema 3 always has the key; .get keeps a hand-built one drawable.
    return [
        {
            **comparison,
            "id": f"comparison-{part['code']}-{n}",
            "kind": "bar",
            "xTitle": f"{comparison['council']}, its statistical neighbours and England "
            f"({comparison['year']})",
            "labels": [place["name"] for place in comparison["places"]],
            "values": [place["value"] for place in comparison["places"]],
            "barColours": [
                ROLE_COLOURS.get(place["role"], ROLE_COLOURS["neighbour"])
                for place in comparison["places"]
            ],
            "target": None,
        }
        for n, comparison in enumerate(part.get("comparisons", []), 1)
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
        "charts": [
            chart for part in sections for chart in [*part["figures"], *part["comparison_figures"]]
        ],
        "cover_note_html": render_markup(current["cover_note"]),
        **(html_board(current) if current["layout"] == "board" else {}),
    }


# --- home pages and the issue confirmation: where a month stands, and what comes next ----------


def open_months() -> list[ReportingMonth]:
    """The months still being worked on: opened and not yet issued to the panel, newest first;
    when every month is issued, the newest one (so the home pages still show where it stands)."""
    months = list(
        ReportingMonth.objects.select_related("framework")
        .exclude(pk__in=Edition.objects.filter(draft__isnull=True).values("reporting_month"))
        .order_by("-month", "framework__name")
    )
    if months:
        return months
    latest = ReportingMonth.objects.select_related("framework").order_by("-month").first()
    return [latest] if latest else []


@dataclass(frozen=True)
class Step:
    """One line of a month's checklist: done or not, in words, with the page to open."""

    label: str
    done: bool
    detail: str = ""
    url: str = ""
    blocking: bool = True  # False: worth a look, but the month goes on without it
    action: str = ""  # the button's words when this is the next thing to do


@dataclass
class MonthProgress:
    """Where a reporting month stands, from figures to issue, and what stops the next step."""

    month: ReportingMonth
    issue: int
    narratives: list[Narrative]
    by_status: list[tuple[str, list[Narrative]]]
    unapproved: list[Narrative]
    latest_draft: Edition | None
    signed: Edition | None
    issued: Edition | None
    paper_missing: list[str]
    signoff_blockers: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    next_action: Step | None = None

    @property
    def all_approved(self) -> bool:
        return bool(self.narratives) and not self.unapproved

    @property
    def complete(self) -> bool:
        """Issued, and no draft of a correcting issue started since."""
        return self.issued is not None and self.latest_draft is None


def month_progress(reporting_month: ReportingMonth, with_figures: bool = False) -> MonthProgress:
    """The month's narratives by status, its latest draft, sign-off and issue, why sign-off is
    not yet possible, and (``with_figures``, for the officer) its figures and data quality."""
    issue = services.current_issue(reporting_month)
    narratives = list(
        Narrative.objects.filter(reporting_month=reporting_month)
        .select_related("section", "reporting_month")
        .prefetch_related("authors")
        .order_by("section__code")
    )
    by_status = [
        (label, [n for n in narratives if n.status == value])
        for value, label in Status.choices
        if any(n.status == value for n in narratives)
    ]
    unapproved = [n for n in narratives if n.status != Status.APPROVED]
    editions = Edition.objects.filter(reporting_month=reporting_month)
    latest_draft = editions.filter(issue=issue, draft__isnull=False).order_by("-draft").first()
    issued = editions.filter(draft__isnull=True).order_by("-issue").first()
    progress = MonthProgress(
        month=reporting_month,
        issue=issue,
        narratives=narratives,
        by_status=by_status,
        unapproved=unapproved,
        latest_draft=latest_draft,
        signed=services.latest_signed_draft(reporting_month, issue),
        issued=issued,
        paper_missing=papers.missing_fields(assembly.paper_of(reporting_month)),
    )
    progress.signoff_blockers = _signoff_blockers(progress)
    progress.steps = _steps(progress, with_figures)
    progress.next_action = next(
        (s for s in progress.steps if not s.done and s.url and s.blocking), None
    )
    return progress


def _names(narratives: list[Narrative], authors: bool = False) -> str:
    """Each narrative's section and status (and, with ``authors``, who writes it)."""

    def one(n: Narrative) -> str:
        who = ", ".join(name_of(a) for a in n.authors.all()) if authors else ""
        return f"{n.section.title} ({n.get_status_display().lower()}{'; ' + who if who else ''})"

    return "; ".join(one(n) for n in narratives)


def _signoff_blockers(progress: MonthProgress) -> list[str]:
    """Why no approver can sign off a draft of the month now (empty when one can, or one is)."""
    if progress.signed is not None or progress.complete:
        return []
    reasons = []
    if not progress.narratives:
        reasons.append("The month has no narratives yet.")
    if progress.unapproved:
        reasons.append(f"Not every narrative is approved: {_names(progress.unapproved)}.")
    draft = progress.latest_draft
    if draft is None:
        reasons.append(
            f"No draft of Issue {progress.issue} has been generated: the performance officer "
            "generates one once every narrative is approved."
        )
    elif rules.unapproved_sections(draft.snapshot):
        if not progress.unapproved:
            reasons.append(
                f"{draft.label} was generated before every narrative was approved: the "
                "performance officer generates a new draft."
            )
    elif not draft.is_ready:
        reasons.append(f"{draft.label} is not ready to read yet ({draft.get_status_display()}).")
    return reasons


def _steps(progress: MonthProgress, with_figures: bool) -> list[Step]:
    """The officer's checklist for the month, in the order the work is done."""
    month = progress.month
    key = f"{month.month:%Y-%m}"
    steps = []
    if with_figures:
        issues = quality.check_month(month.framework, month.month)
        missing = [i for i in issues if i.check == quality.Check.MISSING_FIGURE]
        others = len(issues) - len(missing)
        steps.append(
            Step(
                "Figures in for every indicator due",
                not missing,
                f"{len(missing)} missing: "
                + "; ".join(i.detail for i in missing[:5])
                + ("…" if len(missing) > 5 else "")
                if missing
                else "Every indicator due this month has its figure.",
                reverse("indicators:uploads"),
                action="Upload the missing figures",
            )
        )
        steps.append(
            Step(
                "Data quality checked",
                not others,
                f"{others} item(s) to look at" if others else "No item to look at.",
                reverse("indicators:quality", args=[month.framework_id, key]),
                blocking=False,
            )
        )
    counts = ", ".join(f"{len(ns)} {label.lower()}" for label, ns in progress.by_status)
    steps.append(
        Step(
            "Every narrative approved",
            progress.all_approved,
            (
                f"Waiting: {_names(progress.unapproved, authors=True)}."
                if progress.unapproved
                else counts
            )
            or "No narratives yet.",
            reverse("narratives:dashboard", args=[month.pk]),
            action="See the narratives still waiting",
        )
    )
    draft = progress.latest_draft
    fresh = draft is not None and not rules.unapproved_sections(draft.snapshot)
    issued = progress.issued
    steps.append(
        Step(
            "Draft generated",
            fresh or progress.signed is not None or progress.complete,
            (
                f"{draft.label}: {draft.get_status_display().lower()}"
                + ("" if fresh else ", generated before every narrative was approved")
            )
            if draft
            else ("Issued" if progress.complete else "No draft yet."),
            reverse("reports:month", args=[month.pk]) if progress.all_approved else "",
            action="Generate a draft for sign-off",
        )
    )
    if progress.paper_missing:
        steps.append(
            Step(
                "Covering paper complete",
                False,
                "Required fields empty or holding a placeholder: "
                + "; ".join(progress.paper_missing),
                reverse("reports:paper", args=[month.pk]),
                action="Complete the covering paper",
            )
        )
    signed = progress.signed
    steps.append(
        Step(
            "Signed off by an approver",
            signed is not None or progress.complete,
            f"{signed.label} by {name_of(signed.signed_off_by)}"
            if signed
            else ("Signed off before issue" if progress.complete else "")
            or ("Not possible yet: see the steps above." if progress.signoff_blockers else "")
            or "Waiting for an approver.",
        )
    )
    steps.append(
        Step(
            "Issued to the panel",
            progress.complete,
            f"{issued.label} issued {issued.created_at:%d/%m/%Y}" if issued else "Not yet issued.",
            reverse("reports:issue", args=[month.pk]) if signed else "",
            action="Issue to the panel",
        )
    )
    return steps


def drafts_awaiting_sign_off(user: Any, months: list[ReportingMonth]) -> list[Edition]:
    """Ready drafts of ``months`` that ``user`` may sign off now, newest first."""
    found = []
    for reporting_month in months:
        issue = services.current_issue(reporting_month)
        for edition in Edition.objects.filter(
            reporting_month=reporting_month, issue=issue, draft__isnull=False
        ).order_by("-draft"):
            if not rules.why_not_sign_off(edition, user, issue):
                found.append(edition)
    return found


def issue_page(reporting_month: ReportingMonth) -> dict[str, Any]:
    """What issuing the month's report would do, and what would stop it (the confirmation)."""
    progress = month_progress(reporting_month)
    blockers = []
    if progress.unapproved:
        blockers.append(f"Not every narrative is approved: {_names(progress.unapproved)}.")
    if progress.signed is None:
        blockers.append(f"No draft of Issue {progress.issue} is signed off by an approver.")
    if progress.paper_missing:
        blockers.append(
            "The covering paper has required fields empty or holding a placeholder: "
            + "; ".join(progress.paper_missing)
            + "."
        )
    return {
        "reporting_month": reporting_month,
        "progress": progress,
        "blockers": blockers,
        "panel": users_with_role(Role.PANEL_MEMBER),
    }


# --- the panel's home: the latest issue and what changed since the one before ----------------


@dataclass(frozen=True)
class RagChange:
    reference: str
    title: str
    before: str  # "R", "A", "G" or "" (none)
    after: str


def rag_changes(latest: Edition, previous: Edition | None) -> list[RagChange]:
    """Indicators whose RAG differs between two issued reports (new reds first)."""
    if previous is None:
        return []

    def rags(edition: Edition) -> dict[str, tuple[str, str]]:
        report = snapshot.current(edition.snapshot)
        return {
            line["reference"]: (line["title"], line["rag"])
            for group in report["summary"]
            for line in group["lines"]
        }

    before, after = rags(previous), rags(latest)
    changes = [
        RagChange(reference, title, before.get(reference, ("", ""))[1], rag)
        for reference, (title, rag) in after.items()
        if before.get(reference, ("", ""))[1] != rag
    ]
    changes.sort(key=lambda c: (c.after != "R", c.reference))
    return changes


def panel_home(user: Any) -> dict[str, Any]:
    """The latest issue, what changed since the previous one, and every issue after it."""
    issued = list(issued_editions(user)[:13])
    latest = issued[0] if issued else None
    previous = issued[1] if len(issued) > 1 else None
    changes = rag_changes(latest, previous) if latest else []
    return {
        "latest": latest,
        "previous": previous,
        "changes": changes,
        "new_reds": [c for c in changes if c.after == "R"],
        "issued": issued[1:],
    }
