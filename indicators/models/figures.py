"""Figures: monthly figures with their revisions, and annual outturns."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .. import performance as perf
from ..measurements import check_measurement, plain_number
from .catalogue import Indicator, choices_of

# What a re-run compares and a revision keeps: value, marker, numerator, denominator, note and
# the places the value was written with, as plain JSON-able text (numbers as plain_number).
State = tuple[str | None, str, str | None, str | None, str, int | None]


def number_text(number: Decimal | None) -> str | None:
    return None if number is None else plain_number(number)


def number_of(text: str | int | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def state_of(columns: Sequence[Any]) -> State:
    """A figure's state from its columns (value, marker, numerator, denominator, note,
    places), as a figure or either side of a revision stores them."""
    value, marker, numerator, denominator, note, places = columns
    return (
        number_text(value),
        marker,
        number_text(numerator),
        number_text(denominator),
        note,
        places if value is not None else None,
    )


class Measurement(models.Model):
    """A value with optional numerator/denominator, or a marker (`-`, `n/a`, `TBC`).

    Shared by monthly figures and annual outturns; ``clean`` holds the rules of formats.md.
    ``places`` is the precision the value was written with (``29`` 0, ``19.2`` 1, ``0.22%`` 2):
    a figure prints as the council wrote it. Empty for a figure written before precision was
    kept, which prints with its indicator's decimals.
    """

    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    places = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    marker = models.CharField(
        max_length=3,
        blank=True,
        choices=[("", "(figure)"), *choices_of(perf.Marker)],
        help_text="'-' no figure, 'n/a' not applicable, 'TBC' awaited",
    )
    numerator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)

    class Meta:
        abstract = True

    indicator: Indicator

    @property
    def display(self) -> str:
        return self.indicator.format(self.value, self.marker, self.places)

    @property
    def display_with_count(self) -> str:
        """The figure with its count in brackets where it has one, as a board report prints
        it (``Framework.value_style``): ``82.4% (14)``."""
        if self.value is None or self.numerator is None:
            return self.display
        return f"{self.display} ({plain_number(self.numerator)})"

    @property
    def shown_value(self) -> Decimal | None:
        """The value as printed (rounded to its places), so that RAG and DOT agree with it."""
        return self.indicator.rules.shown(self)

    def clean(self) -> None:
        indicator: Indicator | None = getattr(self, "indicator", None)
        if indicator is None:
            return
        errors = check_measurement(
            kind=indicator.kind_enum,
            factor=indicator.factor,
            decimals=indicator.decimals,
            value=self.value,
            places=self.places,
            marker=self.marker,
            numerator=self.numerator,
            denominator=self.denominator,
        )
        if errors:
            raise ValidationError(errors)
        if self.value is None and not self.marker and self.denominator is not None:
            assert self.numerator is not None and indicator.factor is not None
            self.value = perf.ratio_value(
                indicator.factor, self.numerator, self.denominator, indicator.decimals
            )
            self.places = indicator.decimals


class Figure(Measurement):
    """The figure of one indicator for one month (stored as the first of the month)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="figures")
    month = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "month"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "month"], name="one_figure_per_month"),
        ]
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.indicator.reference} {perf.month_label(self.month)}: {self.display}"

    def state(self) -> State:
        """What a re-run compares and a revision records."""
        return state_of(
            (self.value, self.marker, self.numerator, self.denominator, self.note, self.places)
        )

    def set_state(self, state: State) -> None:
        value, self.marker, numerator, denominator, self.note, places = state
        self.value, self.numerator, self.denominator = map(
            number_of, (value, numerator, denominator)
        )
        self.places = places


class Revision(models.Model):
    """One change to a measurement: who, when, from what, to what, and from which file.

    The first import is a revision from nothing, so the history is complete. Every column a
    re-run can change is kept on both sides (the written precision too), so that reverting an
    upload restores exactly what was there. A concrete revision names what it revises
    (``measured``) and may keep more columns (``state_columns``).
    """

    #: the revised row's columns kept on both sides, in a state's order
    state_columns: ClassVar[tuple[str, ...]] = (
        "value",
        "marker",
        "numerator",
        "denominator",
        "places",
    )

    #: the old figure of a revision that created its row
    NOTHING_BEFORE: ClassVar[str] = "(none)"

    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    source = models.CharField(max_length=255, blank=True, help_text="file name or 'admin'")
    old_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    old_marker = models.CharField(max_length=3, blank=True)
    old_numerator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    old_denominator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    old_places = models.PositiveSmallIntegerField(null=True, blank=True)
    new_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    new_marker = models.CharField(max_length=3, blank=True)
    new_numerator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    new_denominator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    new_places = models.PositiveSmallIntegerField(null=True, blank=True)
    is_new = models.BooleanField(default=False, help_text="the row did not exist before")

    class Meta:
        abstract = True
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.measured}: {self.old_display} → {self.new_display}"

    @property
    def measured(self) -> Any:
        """The figure (or breakdown cell) this revision changed."""
        raise NotImplementedError

    @classmethod
    def columns_of(cls, old: tuple[Any, ...] | None, new: tuple[Any, ...]) -> dict[str, object]:
        """The revision's old_* and new_* columns for a change from ``old`` (None: new) to
        ``new``, states in ``state_columns`` order."""
        before = old or tuple("" if name in _TEXTS else None for name in cls.state_columns)
        return {
            "is_new": old is None,
            **{
                f"{side}_{name}": number_of(cell) if name in _NUMBERS else cell
                for side, state in (("old", before), ("new", new))
                for name, cell in zip(cls.state_columns, state, strict=True)
            },
        }

    @property
    def old_display(self) -> str:
        if self.is_new:
            return self.NOTHING_BEFORE
        return self.measured.indicator.format(self.old_value, self.old_marker, self.old_places)

    @property
    def new_display(self) -> str:
        return self.measured.indicator.format(self.new_value, self.new_marker, self.new_places)


class FigureRevision(Revision):
    """One change to a monthly figure (its note too)."""

    state_columns = ("value", "marker", "numerator", "denominator", "note", "places")

    # Indexed with its time below, not alone: the index serves both.
    figure = models.ForeignKey(
        Figure, on_delete=models.CASCADE, related_name="revisions", db_index=False
    )
    upload = models.ForeignKey(
        "Upload", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions"
    )
    old_note = models.CharField(max_length=500, blank=True)
    new_note = models.CharField(max_length=500, blank=True)

    class Meta(Revision.Meta):
        indexes = [
            # A figure's newest revision is one step of this index, however long its history
            # (restatements: the summary marks thousands of figures).
            models.Index(fields=["figure", "changed_at", "id"], name="figure_revisions_by_time"),
        ]

    @property
    def measured(self) -> Figure:
        return self.figure


_NUMBERS = {"value", "numerator", "denominator"}
_TEXTS = {"marker", "note"}


class Outturn(Measurement):
    """The annual trend figure of one indicator for one financial year."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="outturns")
    year = models.PositiveSmallIntegerField(
        help_text="start of the financial year: 2019 is 2019/20"
    )

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="one_outturn_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.reference} {perf.year_label(self.year)}: {self.display}"

    @property
    def year_label(self) -> str:
        return perf.year_label(self.year)
