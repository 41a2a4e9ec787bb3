"""Re-runs made visible: a figure changed after its month was already in a report cycle.

A month is "in a report" once a performance officer has opened a reporting month at or after it
for a framework that prints the indicator. (When report editions exist, the same question is asked
of the drafts and issues that printed the figure.)
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Case, DateTimeField, OuterRef, Subquery, Value, When

from accounts.people import name_of

from .measurements import Rules
from .models import Figure, FigureRevision, Indicator, ReportingMonth


class Restatement(NamedTuple):
    """A figure's newest change after a report printed it (a named tuple, as ``summary.Cell``:
    a summary may mark thousands)."""

    old: str
    new: str
    changed_at: datetime.datetime
    changed_by: str
    upload_id: int | None
    source: str

    def describe(self) -> str:
        where = f"upload #{self.upload_id} ({self.source})" if self.upload_id else self.source
        return (
            f"Restated: was {self.old}, now {self.new}, on {self.changed_at:%d/%m/%Y %H:%M} "
            f"by {self.changed_by or 'unknown'}, from {where}"
        )


def restatements(
    indicator_ids: Iterable[int], months: Iterable[datetime.date]
) -> dict[tuple[int, datetime.date], Restatement]:
    """The latest restatement of each of the given figures, keyed by (indicator id, month).

    Pages mark a restated figure with its latest restatement only, so only the newest revision
    of each figure is read (one per figure, found through the figure's index, whatever the length
    of its history): a revision is a restatement when a month at or after the figure's was opened
    before it, so if any revision of a figure is one, its newest is too.
    """
    months = list(months)
    indicator_ids = list(indicator_ids)
    if not months or not indicator_ids:
        return {}
    # Only a month at or after the figure's can have printed it.
    opened = list(
        ReportingMonth.objects.filter(month__gte=min(months)).values_list(
            "framework_id", "month", "opened_at"
        )
    )
    if not opened:
        return {}
    # Which frameworks print each indicator, and how its figures print: one query.
    frameworks: dict[int, set[int]] = defaultdict(set)
    rules: dict[int, Rules] = {}
    for indicator_id, framework_id, *fields in Indicator.objects.filter(
        id__any_of=indicator_ids
    ).values_list("id", "section__frameworks", *Rules.FIELDS):
        if framework_id is not None:
            frameworks[indicator_id].add(framework_id)
        rules[indicator_id] = Rules.read(*fields)
    # Nothing changed before the first opening of a month at or after a figure's can restate it:
    # each month shown gets that time, so that re-runs before the report read nothing more.
    first_opened = {
        month: min((at for _, opened_month, at in opened if opened_month >= month), default=None)
        for month in months
    }
    printed_months = [month for month, at in first_opened.items() if at is not None]
    threshold = Case(
        *(When(month=month, then=Value(first_opened[month])) for month in printed_months),
        output_field=DateTimeField(),
    )
    newest = FigureRevision.objects.filter(
        figure=OuterRef("pk"), is_new=False, changed_at__gt=OuterRef("printed_from")
    ).order_by("-changed_at", "-id")

    def restates(indicator_id: int, month: datetime.date, changed_at: datetime.datetime) -> bool:
        """Whether a change at ``changed_at`` came after a report that printed the figure."""
        printed_in = frameworks[indicator_id]
        return any(
            framework in printed_in and opened_month >= month and opened_at < changed_at
            for framework, opened_month, opened_at in opened
        )

    # Two queries, not one: the newest revision of each figure (through the revisions' index on
    # figure and time), then those revisions. Inside "id IN (...)" PostgreSQL's planner hashed
    # the whole revisions table.
    latest = {
        revision_id: (indicator_id, month)
        for indicator_id, month, revision_id in Figure.objects.filter(
            indicator_id__in=indicator_ids, month__in=printed_months
        )
        .order_by()
        .annotate(printed_from=threshold, newest=Subquery(newest.values("id")[:1]))
        .values_list("indicator_id", "month", "newest")
        if revision_id is not None
    }
    # As columns, not as three models each (revision, figure, indicator): a summary may mark
    # thousands. Not joined to their figures (known already): the join read every figure.
    revisions = [
        revision
        for revision in FigureRevision.objects.filter(id__any_of=latest)
        .order_by()
        .values_list(
            "id",
            "is_new",
            "old_value",
            "old_marker",
            "old_places",
            "new_value",
            "new_marker",
            "new_places",
            "changed_at",
            "changed_by_id",
            "upload_id",
            "source",
        )
        if restates(*latest[revision[0]], revision[8])
    ]
    names = {
        user.pk: name_of(user)
        for user in get_user_model().objects.filter(id__in={r[9] for r in revisions})
    }
    found: dict[tuple[int, datetime.date], Restatement] = {}
    for (
        revision_id,
        is_new,
        old_value,
        old_marker,
        old_places,
        new_value,
        new_marker,
        new_places,
        changed_at,
        changed_by_id,
        upload_id,
        source,
    ) in revisions:
        indicator_id, month = latest[revision_id]
        printed = rules[indicator_id]
        found[(indicator_id, month)] = Restatement(
            old=FigureRevision.NOTHING_BEFORE
            if is_new
            else printed.text(old_value, old_marker, old_places),
            new=printed.text(new_value, new_marker, new_places),
            changed_at=changed_at,
            changed_by=names.get(changed_by_id, ""),
            upload_id=upload_id,
            source=source,
        )
    return found
