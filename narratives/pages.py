"""What the narrative pages show, assembled from the database as plain data (no decisions).

Rules about who may do what stay in ``rules``; views call these to fill their templates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from accounts.access import roles_of
from accounts.roles import Role
from indicators import performance as perf
from indicators.models import Framework, Indicator, Layout, ReportingMonth, Section
from indicators.models.catalogue import in_catalogue_order
from indicators.summary import SummaryRow, build_summary
from indicators.tables import SectionTable, section_figures

from .diffs import diff_html
from .models import AWAITING_AUTHORS, Action, Narrative, NarrativeVersion, Status, Transition
from .rules import Verb, why_not
from .talking_points import talking_points


@dataclass(frozen=True)
class DashboardRow:
    section: Section
    narrative: Narrative | None
    authors: list[Any]
    due: datetime.date | None
    overdue: bool
    last: Transition | None
    linked: bool  # whether this person gets a link to the narrative from the dashboard


def dashboard_rows(reporting_month: ReportingMonth, user: Any) -> list[DashboardRow]:
    """Every section of the month's framework in report order, with its narrative (if any).

    Officers and approvers get a link on every row; a head of service only on their sections.
    """
    narratives = {
        n.section_id: n
        for n in Narrative.objects.filter(reporting_month=reporting_month)
        .select_related("section", "reporting_month")
        .prefetch_related("authors")
    }
    last: dict[int, Transition] = {}
    for transition in (
        Transition.objects.filter(narrative__reporting_month=reporting_month)
        .select_related("by")
        .order_by("at", "id")
    ):
        last[transition.narrative_id] = transition
    roles = roles_of(user)
    sees_all = bool(roles & {Role.PERFORMANCE_OFFICER, Role.APPROVER})
    mine = set(user.managed_sections.values_list("id", flat=True))
    today = timezone.localdate()
    rows = []
    for section in reporting_month.framework.ordered_sections():
        narrative = narratives.get(section.id)
        due = narrative.due_date if narrative else None
        rows.append(
            DashboardRow(
                section=section,
                narrative=narrative,
                authors=list(narrative.authors.all()) if narrative else [],
                due=due,
                overdue=bool(due and due < today),
                last=last.get(narrative.pk) if narrative else None,
                linked=narrative is not None
                and (sees_all or section.id in mine or user in narrative.authors.all()),
            )
        )
    return rows


@dataclass(frozen=True)
class CommentaryDiff:
    """One indicator's Performance Overview, changed between the two versions compared."""

    reference: str
    title: str
    html: str


@dataclass(frozen=True)
class Diff:
    base: NarrativeVersion
    label: str
    changes: str
    data_notes: str
    unchanged: bool
    commentaries: tuple[CommentaryDiff, ...] = ()


def diff_base(narrative: Narrative) -> tuple[NarrativeVersion, str] | None:
    """The version an approver compares the current text with, and what it was.

    The version last reviewed; else the one submitted before; else the text carried forward.
    """
    if narrative.reviewed_version is not None:
        return narrative.reviewed_version, "the version last reviewed"
    submitted = (
        Transition.objects.filter(
            narrative=narrative, action=Action.SUBMIT, version__number__lt=narrative.version
        )
        .select_related("version__saved_by")
        .order_by("-at", "-id")
        .first()
    )
    if submitted is not None and submitted.version is not None:
        return submitted.version, "the version submitted before"
    carried = narrative.versions.filter(carried_forward=True, number__lt=narrative.version).first()
    if carried is not None:
        return carried, "the text carried forward from last month"
    return None


def build_diff(narrative: Narrative) -> Diff | None:
    found = diff_base(narrative)
    if found is None:
        return None
    base, label = found
    commentaries = tuple(
        CommentaryDiff(reference, title, diff_html(old, new))
        for reference, title, old, new in _commentary_pairs(narrative, base)
        if old != new
    )
    return Diff(
        base=base,
        label=label,
        changes=diff_html(base.changes, narrative.changes),
        data_notes=diff_html(base.data_notes, narrative.data_notes),
        unchanged=(base.changes, base.data_notes) == (narrative.changes, narrative.data_notes)
        and not commentaries,
        commentaries=commentaries,
    )


def _commentary_pairs(
    narrative: Narrative, base: NarrativeVersion
) -> list[tuple[str, str, str, str]]:
    """(reference, title, old text, new text) of every indicator either version comments on, in
    the section's order; an indicator no longer in the section goes last, under its reference."""
    old, new = base.commentaries or {}, narrative.commentaries or {}
    titles = {i.reference: i.title for i in commentary_indicators(narrative, every=True)}
    references = [r for r in titles if r in old or r in new]
    references += sorted((set(old) | set(new)) - set(titles))
    return [(r, titles.get(r, ""), str(old.get(r, "")), str(new.get(r, ""))) for r in references]


def takes_commentaries(framework: Framework) -> bool:
    """Whether the narrative page asks for a Performance Overview of each indicator: only for a
    framework printed as a board report, where each indicator's table has its overview beside it.
    """
    return framework.layout == Layout.BOARD


def commentary_indicators(narrative: Narrative, every: bool = False) -> list[Indicator]:
    """The indicators of the narrative's section that get a Performance Overview box, in the
    section's order (none unless the framework ``takes_commentaries``; ``every`` for all)."""
    if not every and not takes_commentaries(narrative.reporting_month.framework):
        return []
    return in_catalogue_order(
        narrative.section.indicators.filter(retired=False).select_related("parent")
    )


@dataclass(frozen=True)
class CommentaryRow:
    """An indicator's box on the narrative page: its latest figures and its overview."""

    reference: str
    title: str
    sub_row: bool
    figures: str
    text: str


# How many of the latest months' figures the page prints beside each overview box.
COMMENTARY_MONTHS = 3


def commentary_rows(narrative: Narrative, table: SectionTable | None) -> list[CommentaryRow]:
    columns = {c.reference: c for c in table.columns} if table is not None else {}
    rows = []
    for indicator in commentary_indicators(narrative):
        column = columns.get(indicator.reference)
        figures = ""
        if column is not None and table is not None:
            shown = [
                f"{perf.month_label(m)} {cell.text}"
                for m, cell in zip(table.months, column.months, strict=True)
                if m <= table.month and cell.text
            ][-COMMENTARY_MONTHS:]
            figures = " · ".join(shown)
        rows.append(
            CommentaryRow(
                reference=indicator.reference,
                title=indicator.title,
                sub_row=indicator.parent_id is not None,
                figures=figures,
                text=narrative.commentary(indicator.reference),
            )
        )
    return rows


def figures_context(narrative: Narrative) -> dict[str, Any]:
    """The section's monthly table with its DOT row, restatements, charts and talking points,
    for writing with the figures in view."""
    month = narrative.reporting_month.month
    rows = _section_rows(narrative.reporting_month.framework, month, narrative.section.code)
    figures = section_figures(narrative.section, month, {row.indicator_id: row.dot for row in rows})
    table = figures["table"]
    return {
        **figures,
        "points": section_talking_points(narrative, rows),
        "commentary_rows": commentary_rows(
            narrative, table if isinstance(table, SectionTable) else None
        ),
    }


def _section_rows(framework: Any, month: datetime.date, code: str) -> list[SummaryRow]:
    summary = build_summary(framework, month, section_code=code)
    return [row for s in summary.sections for row in s.rows]


def section_talking_points(narrative: Narrative, rows: list[SummaryRow] | None = None) -> list[str]:
    """Talking points of the narrative's section: its summary ``rows`` of the month (read here
    when not given) against the previous month's."""
    month = narrative.reporting_month.month
    previous = perf.previous_months(month, 2)[0]
    framework = narrative.reporting_month.framework
    code = narrative.section.code
    if rows is None:
        rows = _section_rows(framework, month, code)
    return talking_points(rows, _section_rows(framework, previous, code))


def latest_month() -> ReportingMonth | None:
    return (
        ReportingMonth.objects.select_related("framework")
        .order_by("-month", "framework__name")
        .first()
    )


def comment_for_authors(narrative: Narrative) -> Transition | None:
    """The approver's return comment (or the officer's reason for reopening) the authors are
    answering now: shown at the top of the narrative page and on their home page."""
    if narrative.status not in (Status.CHANGES_REQUESTED, Status.DRAFT):
        return None
    last = (
        Transition.objects.filter(narrative=narrative)
        .exclude(action=Action.START)
        .select_related("by")
        .order_by("-at", "-id")
        .first()
    )
    if last is None or last.action not in (Action.REQUEST_CHANGES, Action.REOPEN):
        return None
    return last


# --- home pages: each role's narrative work in the open months ---------------------------------


@dataclass(frozen=True)
class AuthorItem:
    """One of a head of service's narratives, as their home page lists it."""

    narrative: Narrative
    due: datetime.date | None
    overdue: bool
    comment: Transition | None  # the return comment (or reopening reason) to answer

    @property
    def needs_you(self) -> bool:
        return self.narrative.status in AWAITING_AUTHORS

    @property
    def action(self) -> str:
        if self.narrative.status == Status.CHANGES_REQUESTED:
            return "Answer the comments"
        return "Write and submit" if self.needs_you else "Open"


def author_work(user: Any, months: list[ReportingMonth]) -> list[AuthorItem]:
    """The narratives ``user`` writes in ``months``: their sections', with status, due date and
    the comment they are answering, in month then report order."""
    today = timezone.localdate()
    narratives = (
        Narrative.objects.filter(reporting_month__in=months)
        .filter(Q(authors=user) | Q(section__managers=user))
        .distinct()
        .select_related("section", "reporting_month__framework")
        .order_by("-reporting_month__month", "section__code")
    )
    items = []
    for narrative in narratives:
        due = narrative.due_date
        items.append(
            AuthorItem(
                narrative=narrative,
                due=due,
                overdue=bool(due and due < today and narrative.status in AWAITING_AUTHORS),
                comment=comment_for_authors(narrative),
            )
        )
    return items


@dataclass(frozen=True)
class ReviewItem:
    """A submitted narrative waiting for an approver, with how long it has waited."""

    narrative: Narrative
    submitted_at: datetime.datetime | None
    submitted_by: Any
    days_waiting: int


def review_queue(user: Any, months: list[ReportingMonth]) -> list[ReviewItem]:
    """Submitted narratives of ``months`` that ``user`` may review (never their own), oldest
    submission first."""
    submitted = (
        Narrative.objects.filter(reporting_month__in=months, status=Status.SUBMITTED)
        .select_related("section", "reporting_month__framework")
        .prefetch_related("authors")
    )
    now = timezone.now()
    items = []
    for narrative in submitted:
        if why_not(Verb.APPROVE, narrative, user):
            continue
        last = (
            Transition.objects.filter(narrative=narrative, action=Action.SUBMIT)
            .select_related("by")
            .order_by("-at", "-id")
            .first()
        )
        at = last.at if last else None
        items.append(
            ReviewItem(
                narrative=narrative,
                submitted_at=at,
                submitted_by=last.by if last else None,
                days_waiting=(now - at).days if at else 0,
            )
        )
    items.sort(key=lambda item: item.submitted_at or now)
    return items
