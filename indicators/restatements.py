"""Re-runs made visible: a figure changed after its month was already in a report cycle.

A month is "in a report" once a performance officer has opened a reporting month at or after it
for a framework that prints the indicator. (When report editions exist, the same question is asked
of the drafts and issues that printed the figure.)
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from accounts.people import name_of

from .models import Figure, FigureRevision, Indicator, ReportingMonth


@dataclass(frozen=True)
class Restatement:
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
    # Which frameworks print each indicator: one query, not one per revision.
    frameworks: dict[int, set[int]] = defaultdict(set)
    for indicator_id, framework_id in Indicator.objects.filter(id__in=indicator_ids).values_list(
        "id", "section__frameworks"
    ):
        if framework_id is not None:
            frameworks[indicator_id].add(framework_id)
    newest = FigureRevision.objects.filter(
        figure=OuterRef("pk"),
        is_new=False,
        # Nothing changed before the first month was opened can be a restatement.
        changed_at__gt=min(opened_at for _, _, opened_at in opened),
    ).order_by("-changed_at", "-id")

    def restates(indicator_id: int, month: datetime.date, changed_at: datetime.datetime) -> bool:
        """Whether a change at ``changed_at`` came after a report that printed the figure."""
        printed_in = frameworks[indicator_id]
        return any(
            framework in printed_in and opened_month >= month and opened_at < changed_at
            for framework, opened_month, opened_at in opened
        )

    # Two queries, not one: the newest revision of each figure (its id and time), then only those
    # that restate it. Inside "id IN (...)" PostgreSQL's planner hashed the whole revisions table.
    latest = [
        revision_id
        for indicator_id, month, revision_id, changed_at in Figure.objects.filter(
            indicator_id__in=indicator_ids, month__in=months
        )
        .order_by()
        .annotate(
            newest=Subquery(newest.values("id")[:1]),
            newest_at=Subquery(newest.values("changed_at")[:1]),
        )
        .values_list("indicator_id", "month", "newest", "newest_at")
        if revision_id is not None and restates(indicator_id, month, changed_at)
    ]
    found: dict[tuple[int, datetime.date], Restatement] = {}
    for revision in (
        FigureRevision.objects.filter(id__in=latest)
        .select_related("figure__indicator", "changed_by")
        .order_by()
    ):
        figure = revision.figure
        found[(figure.indicator_id, figure.month)] = Restatement(
            old=revision.old_display,
            new=revision.new_display,
            changed_at=revision.changed_at,
            changed_by=name_of(revision.changed_by),
            upload_id=revision.upload_id,
            source=revision.source,
        )
    return found
