"""Breakdown tables: one indicator's figures split by a dimension (gender, age range, reason …).

A board report (seed 004) prints, under an indicator, one table per dimension: a row per
category, a column per month, each cell a count and its percentage. Each cell is a
``Breakdown``: a measurement like a monthly figure, with the same rules and the same history
(``BreakdownRevision``).
"""

from __future__ import annotations

from django.db import models

from .. import performance as perf
from .catalogue import Indicator, one_line_in_database, single_line
from .figures import Measurement, Revision, state_of

# value, marker, numerator, denominator and places, as text (``figures.state_of``)
BreakdownState = tuple[str | None, str, str | None, str | None, int | None]


class Breakdown(Measurement):
    """One cell of a breakdown table: an indicator's figure for one month, dimension and
    category (``Gender`` / ``Female``)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="breakdowns")
    month = models.DateField(help_text="the first of the month")
    dimension = models.CharField(
        max_length=100, validators=[single_line], help_text="e.g. Gender, Age Range, Reason"
    )
    category = models.CharField(
        max_length=200, validators=[single_line], help_text="e.g. Female, Aged 1-4, N1 - Abuse"
    )
    order = models.PositiveIntegerField(
        default=0,
        help_text="where the row prints among its indicator's breakdown rows: the order the "
        "file first gave it",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "order", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "month", "dimension", "category"],
                name="one_breakdown_cell_per_month",
            ),
            one_line_in_database("dimension", "breakdown_dimension_one_line"),
            one_line_in_database("category", "breakdown_category_one_line"),
        ]
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return (
            f"{self.indicator.reference} {self.dimension}: {self.category} "
            f"{perf.month_label(self.month)}: {self.display}"
        )

    def state(self) -> BreakdownState:
        """What a re-run compares and a revision records: value, marker, numerator,
        denominator, places."""
        value, marker, numerator, denominator, _, places = state_of(
            (self.value, self.marker, self.numerator, self.denominator, "", self.places)
        )
        return (value, marker, numerator, denominator, places)


class BreakdownRevision(Revision):
    """One change to a breakdown cell."""

    breakdown = models.ForeignKey(Breakdown, on_delete=models.CASCADE, related_name="revisions")
    upload = models.ForeignKey(
        "Upload",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="breakdown_revisions",
    )

    class Meta(Revision.Meta):
        pass

    @property
    def measured(self) -> Breakdown:
        return self.breakdown
