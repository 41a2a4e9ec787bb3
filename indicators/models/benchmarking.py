"""What is kept of benchmarks beyond their current value: every change, and the comparison
with each statistical neighbour that a LAIT import computed them from."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..measurements import plain_number
from .catalogue import Benchmark, Indicator

# A benchmark's state as a plan compares it and a revision keeps it: value (plain text),
# places it was written with, data year, source.
BenchmarkState = tuple[str | None, int | None, str, str]


class BenchmarkRevision(models.Model):
    """One change to a benchmark: who, when, from what, to what, and from which file.

    Written by every benchmarks apply (a plain ``benchmarks`` upload or a LAIT import), the
    first one from nothing, so that re-importing a newer LAIT file shows what DfE revised and
    the indicator page can list earlier values.
    """

    benchmark = models.ForeignKey(Benchmark, on_delete=models.CASCADE, related_name="revisions")
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    source = models.CharField(max_length=255, blank=True, help_text="file name or 'admin'")
    upload = models.ForeignKey(
        "Upload",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="benchmark_revisions",
    )
    is_new = models.BooleanField(default=False, help_text="the benchmark did not exist before")
    old_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    old_places = models.PositiveSmallIntegerField(null=True, blank=True)
    old_year = models.CharField(max_length=20, blank=True)
    old_source = models.CharField(max_length=200, blank=True)
    new_value = models.DecimalField(max_digits=14, decimal_places=4)
    new_places = models.PositiveSmallIntegerField(null=True, blank=True)
    new_year = models.CharField(max_length=20, blank=True)
    new_source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.benchmark}: {self.old_display} → {self.new_display}"

    @staticmethod
    def columns_of(old: BenchmarkState | None, new: BenchmarkState) -> dict[str, Any]:
        before = old or (None, None, "", "")
        columns: dict[str, Any] = {"is_new": old is None}
        for side, (value, places, year, source) in (("old", before), ("new", new)):
            columns[f"{side}_value"] = None if value is None else Decimal(value)
            columns[f"{side}_places"] = places
            columns[f"{side}_year"] = year or ""
            columns[f"{side}_source"] = source or ""
        return columns

    def _shown(self, value: Decimal | None, places: int | None, year: str) -> str:
        text = self.benchmark.indicator.format(value, places=places)
        return f"{text} ({year})" if year else text

    @property
    def old_display(self) -> str:
        if self.is_new:
            return "(none)"
        return self._shown(self.old_value, self.old_places, self.old_year)

    @property
    def new_display(self) -> str:
        return self._shown(self.new_value, self.new_places, self.new_year)


class BenchmarkComparison(models.Model):
    """The council against each of its statistical neighbours and England for one data year,
    as a LAIT import read them: what the indicator page charts, without reading the file.

    ``places`` lists ``{"la", "name", "value", "reason", "role"}`` in the order shown: the
    council, its neighbours nearest first, then England; ``value`` is the published figure as
    text (None with the ``reason`` it was skipped: ``'c' suppressed``).
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="benchmark_comparisons"
    )
    la = models.PositiveIntegerField("LA number")
    year = models.CharField("data year", max_length=20)
    measure = models.CharField("LAIT measure", max_length=80)
    neighbour_list = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=255, blank=True)
    places = models.JSONField(default=list)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    upload = models.ForeignKey(
        "Upload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["indicator", "-imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "la", "year"], name="one_comparison_per_la_and_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.reference} LA {self.la} {self.year}"


def benchmark_state(benchmark: Benchmark) -> BenchmarkState:
    """What a plan compares and a revision keeps of a benchmark."""
    value = None if benchmark.value is None else plain_number(Decimal(benchmark.value))
    return (value, benchmark.places, benchmark.year, benchmark.source)


def states_of(indicator_id: int) -> dict[int, BenchmarkState]:
    """Each benchmark of an indicator by primary key, with its state (before a change in the
    admin, to record what changed after)."""
    return {b.pk: benchmark_state(b) for b in Benchmark.objects.filter(indicator_id=indicator_id)}


def record_admin_changes(
    indicator_id: int, before: dict[int, BenchmarkState], user: Any
) -> list[BenchmarkRevision]:
    """A revision for every benchmark of the indicator whose state differs from ``before``
    (None: it was added), changed by ``user`` in the admin."""
    revisions = [
        BenchmarkRevision(
            benchmark=benchmark,
            changed_by=user,
            source="admin",
            **BenchmarkRevision.columns_of(before.get(benchmark.pk), benchmark_state(benchmark)),
        )
        for benchmark in Benchmark.objects.filter(indicator_id=indicator_id)
        if before.get(benchmark.pk) != benchmark_state(benchmark)
    ]
    return BenchmarkRevision.objects.bulk_create(revisions)
