"""Figures: monthly figures with their revisions, and annual outturns."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from .. import performance as perf
from ..measurements import check_measurement
from .catalogue import Indicator, choices_of


class Measurement(models.Model):
    """A value with optional numerator/denominator, or a marker (`-`, `n/a`, `TBC`).

    Shared by monthly figures and annual outturns; ``clean`` holds the rules of formats.md.
    """

    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
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

    @property
    def display(self) -> str:
        return self.indicator.format(self.value, self.marker)  # type: ignore[attr-defined]

    @property
    def entry(self) -> tuple[Decimal | None, str]:
        """The `value` column of a file: a number, or a marker with no number."""
        return (self.value, self.marker)

    @entry.setter
    def entry(self, pair: tuple[Decimal | None, str]) -> None:
        self.value, marker = pair
        self.marker = str(marker)

    def state(self) -> tuple[Decimal | None, str, Decimal | None, Decimal | None]:
        """What a re-run compares: value, marker, numerator, denominator."""
        return (self.value, self.marker, self.numerator, self.denominator)

    def clean(self) -> None:
        indicator: Indicator | None = getattr(self, "indicator", None)
        if indicator is None:
            return
        unit = indicator.unit_enum  # once: it makes the enum member on every call
        errors = check_measurement(
            unit=unit,
            decimals=indicator.decimals,
            value=self.value,
            marker=self.marker,
            numerator=self.numerator,
            denominator=self.denominator,
        )
        if errors:
            raise ValidationError(errors)
        if self.value is None and not self.marker and self.numerator is not None:
            assert self.denominator is not None
            self.value = perf.ratio_value(
                unit, self.numerator, self.denominator, indicator.decimals
            )


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

    @classmethod
    def insert_new(cls, figures: Sequence[Figure]) -> None:
        """Insert figures that do not exist yet, in one statement, and give each its id.

        What ``bulk_create`` does, for the figures of an import (their values already checked and
        in their database types), without Django preparing each of 8 values of every row through
        its field. 12,000 figures, medians (minimum) of 7: PostgreSQL, a COPY and one SELECT of
        the new ids by natural key, 0.24 s (0.21) rather than bulk_create's 0.62 s (0.48);
        SQLite, one INSERT from a JSON array with RETURNING, 0.18 s (0.16) rather than 0.76 s
        (0.61), and one statement rather than 97, whatever the number of rows. Elsewhere, and
        on a SQLite without JSON or RETURNING, ``bulk_create``.
        """
        if not figures:
            return
        now = timezone.now()
        for figure in figures:
            figure.updated_at = now  # auto_now, as bulk_create's pre_save sets it
        table = connection.ops.quote_name(cls._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(name) for name in FIGURE_COLUMNS)
        key = "indicator_id, month"
        if connection.vendor == "postgresql":
            with transaction.atomic(savepoint=False), connection.cursor() as cursor:
                try:
                    with connection.wrap_database_errors:
                        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                            for figure in figures:
                                copy.write_row(_figure_row(figure, now))
                except IntegrityError as error:
                    # Reported as bulk_create's INSERT reports it, without the COPY's line.
                    raise IntegrityError(str(error).split("\nCONTEXT:  COPY ")[0]) from error
                # The new figures' ids by their natural key (unique, and new: none existed).
                cursor.execute(
                    f"SELECT id, {key} FROM {table} "
                    "WHERE indicator_id = ANY(%s) AND month = ANY(%s)",
                    [
                        sorted({figure.indicator_id for figure in figures}),
                        sorted({figure.month for figure in figures}),
                    ],
                )
                found = cursor.fetchall()
        elif json_rows_supported():
            stamp = connection.ops.adapt_datetimefield_value(now)
            rows = json_rows(_figure_row(figure, stamp) for figure in figures)
            with transaction.atomic(savepoint=False), connection.cursor() as cursor:
                cursor.execute(
                    json_insert_sql(table, columns, len(FIGURE_COLUMNS), f"id, {key}"), [rows]
                )
                found = cursor.fetchall()
        else:
            cls.objects.bulk_create(figures)
            return
        ids = {(indicator, _iso(month)): pk for pk, indicator, month in found}
        alias = connection.alias
        for figure in figures:
            figure.pk = ids[figure.indicator_id, figure.month.isoformat()]
            figure._state.adding = False
            figure._state.db = alias


FIGURE_COLUMNS = (
    "indicator_id",
    "month",
    "value",
    "marker",
    "numerator",
    "denominator",
    "note",
    "updated_at",
)


def _figure_row(figure: Figure, updated_at: Any) -> tuple[Any, ...]:
    """The FIGURE_COLUMNS of a figure, with its time of update as the database takes it."""
    return (
        figure.indicator_id,
        figure.month,
        figure.value,
        figure.marker,
        figure.numerator,
        figure.denominator,
        figure.note,
        updated_at,
    )


def _iso(month: Any) -> str:
    return month if isinstance(month, str) else month.isoformat()


def json_rows_supported() -> bool:
    """Whether SQLite can insert rows from one JSON parameter and return their ids.

    RETURNING needs SQLite 3.35; the JSON functions are built in from 3.38, and before that
    Django's feature check asks the database (once per connection, so not when it need not).
    """
    if connection.vendor != "sqlite" or not connection.features.can_return_rows_from_bulk_insert:
        return False
    return connection.Database.sqlite_version_info >= (3, 38) or bool(
        connection.features.supports_json_field
    )


def json_insert_sql(table: str, columns: str, width: int, returning: str = "") -> str:
    """``INSERT INTO table (columns)`` of the rows of a JSON array of arrays, in their order.

    json_extract returns a JSON string as TEXT, a number as INTEGER or REAL and null as NULL:
    what the sqlite3 module binds for the same str, int and None parameters.
    """
    cells = ", ".join(f"json_extract(value, '$[{index}]')" for index in range(width))
    sql = f"INSERT INTO {table} ({columns}) SELECT {cells} FROM json_each(%s) ORDER BY key"
    return f"{sql} RETURNING {returning}" if returning else sql


def json_rows(rows: Iterable[tuple[Any, ...]]) -> str:
    """Rows as one JSON array, each value as SQLite's Django adapters would bind it.

    The json module writes str, int, bool and None itself and asks ``_json_value`` only for
    decimals and dates: 20-30 ms for 12,000 figures rather than 70 ms with a call per value
    (times of update are given already adapted, the same for every row).
    """
    return json.dumps(list(rows), default=_json_value, ensure_ascii=False, separators=(",", ":"))


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # sqlite3.register_adapter(Decimal, str) in Django's backend
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return value.isoformat()  # adapt_datefield_value: str(value)
    raise TypeError(f"no JSON form for {value!r}")


State = tuple[Decimal | None, str, Decimal | None, Decimal | None]

REVISION_COLUMNS = (
    "figure_id",
    "changed_at",
    "changed_by_id",
    "source",
    "upload_id",
    "old_value",
    "old_marker",
    "old_numerator",
    "old_denominator",
    "new_value",
    "new_marker",
    "new_numerator",
    "new_denominator",
    "is_new",
)


REVISION_BATCH = 1000


class FigureRevision(models.Model):
    """One change to a monthly figure: who, when, from what, to what, and from which file.

    The first import of a figure is a revision from nothing, so the history is complete.
    """

    figure = models.ForeignKey(Figure, on_delete=models.CASCADE, related_name="revisions")
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    source = models.CharField(max_length=255, blank=True, help_text="file name or 'admin'")
    upload = models.ForeignKey(
        "Upload", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions"
    )
    old_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    old_marker = models.CharField(max_length=3, blank=True)
    old_numerator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    old_denominator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    new_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    new_marker = models.CharField(max_length=3, blank=True)
    new_numerator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    new_denominator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    is_new = models.BooleanField(default=False, help_text="the figure did not exist before")

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.figure}: {self.old_display} → {self.new_display}"

    @classmethod
    def write_many(
        cls,
        changes: Iterable[tuple[Figure, State | None]],
        user: object | None,
        source: str,
        upload: object | None = None,
    ) -> int:
        """Write a revision for each (figure, its state before or None if new), in one statement.

        An upload of 12,000 figures writes 12,000 revisions. ``bulk_create`` would build a model
        and prepare 16 values through their fields for each (most of a confirm's time); these
        values are already in their database types, so they go to the database as they are.
        """
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        user_id = getattr(user, "pk", None)
        upload_id = getattr(upload, "pk", None)
        rows = [
            (
                figure.pk,
                now,
                user_id,
                source[:255],
                upload_id,
                *(old or (None, "", None, None)),
                *figure.state(),
                old is None,
            )
            for figure, old in changes
        ]
        table = connection.ops.quote_name(cls._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(name) for name in REVISION_COLUMNS)
        one_row = "(" + ", ".join(["%s"] * len(REVISION_COLUMNS)) + ")"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: about ten times faster than bulk_create for 12,000 revisions.
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return len(rows)
            if json_rows_supported():
                # SQLite: one INSERT from a JSON array, whatever the number of rows, rather
                # than 12 multi-row INSERTs of 14,000 parameters for 12,000 revisions: 0.11
                # rather than 0.22 s (medians of 4).
                cursor.execute(
                    json_insert_sql(table, columns, len(REVISION_COLUMNS)), [json_rows(rows)]
                )
                return len(rows)
            # Elsewhere multi-row INSERTs of REVISION_BATCH rows, within SQLite's limit on
            # parameters: one statement per batch rather than one per row.
            for start in range(0, len(rows), REVISION_BATCH):
                batch = rows[start : start + REVISION_BATCH]
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) VALUES {', '.join([one_row] * len(batch))}",
                    [value for row in batch for value in row],
                )
        return len(rows)

    @classmethod
    def record(
        cls,
        figure: Figure,
        old: tuple[Decimal | None, str, Decimal | None, Decimal | None] | None,
        user: object | None,
        source: str,
        upload: object | None = None,
    ) -> FigureRevision:
        """An unsaved revision from ``old`` (None when the figure is new) to the figure's state."""
        old_value, old_marker, old_numerator, old_denominator = old or (None, "", None, None)
        return cls(
            figure=figure,
            changed_by=user if getattr(user, "pk", None) else None,
            source=source[:255],
            upload=upload,
            old_value=old_value,
            old_marker=old_marker,
            old_numerator=old_numerator,
            old_denominator=old_denominator,
            new_value=figure.value,
            new_marker=figure.marker,
            new_numerator=figure.numerator,
            new_denominator=figure.denominator,
            is_new=old is None,
        )

    @property
    def old_display(self) -> str:
        if self.is_new:
            return "(none)"
        return self.figure.indicator.format(self.old_value, self.old_marker)

    @property
    def new_display(self) -> str:
        return self.figure.indicator.format(self.new_value, self.new_marker)


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
