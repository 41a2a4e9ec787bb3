"""Kinds whose rows are measurements of an indicator: monthly figures and annual outturns.

A measurement is a number written with its precision, or a marker, optionally with numerator
and denominator; the rules it must keep follow from its indicator's kind of number
(``measurements.check_measurement``). Figures keep every change as a ``FigureRevision``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from ... import performance as perf
from ...measurements import check_measurement, plain_number
from ...models import Breakdown, BreakdownRevision, Figure, FigureRevision, Indicator, Outturn
from ...models.figures import state_of
from ..bulk import insert_rows, update_rows
from ..cells import Sheet
from ..plan import CHANGED, NEW, Key, Plan, PlannedRow, State
from ..rows import IndicatorRef, References, RowReader
from .base import KEEP, Context, FileKind, Proposed, Stored


def load_references() -> References:
    """Every indicator, by reference, with what reading its figures needs."""
    rows = Indicator.objects.values_list(
        "id", "reference", "section_id", "polarity", "kind", "unit", "decimals"
    )
    found = {}
    for pk, reference, section_id, polarity, kind, unit, decimals in rows:
        number_kind = perf.Kind(kind)
        found[reference] = IndicatorRef(
            id=pk,
            reference=reference,
            section_id=section_id,
            polarity=perf.Polarity(polarity),
            kind=number_kind,
            factor=perf.ratio_factor(number_kind, unit),
            decimals=decimals,
        )
    return References(found)


def text_of(number: Decimal | None) -> str | None:
    return None if number is None else plain_number(number)


FIGURE_COLUMNS = ("value", "marker", "numerator", "denominator", "note", "places")
BREAKDOWN_COLUMNS = ("value", "marker", "numerator", "denominator", "places")
_NUMBERS = ("value", "numerator", "denominator")


class Measured(FileKind):
    """What figures and outturns share: reading the measurement, showing it, checking it, and
    finding what is stored for a file's keys (indicator id, period)."""

    model: ClassVar[type[Figure] | type[Outturn] | type[Breakdown]]
    period: ClassVar[str]  # the model's period field: "month" or "year"
    #: the model's columns a state holds, after the value, marker, numerator and denominator
    extra: ClassVar[tuple[str, ...]] = ()

    def period_of(self, key_part: Any) -> Any:
        """The period as the database holds it, from a key's second part."""
        return key_part

    def key_part(self, period: Any) -> Any:
        """A key's second part (JSON-able) from the period as the database holds it."""
        return period

    def current(self, keys: Sequence[Key], lock: bool = False) -> Stored:
        if not keys:
            return {}
        queryset = self.model.objects.filter(
            indicator_id__in={key[0] for key in keys},
            **{f"{self.period}__in": {self.period_of(key[1]) for key in keys}},
        ).order_by()
        if lock:
            queryset = queryset.select_for_update()
        wanted = set(keys)
        stored: Stored = {}
        columns = ("value", "marker", "numerator", "denominator", *self.extra, "places")
        for pk, indicator_id, period, *cells in queryset.values_list(
            "pk", "indicator_id", self.period, *columns
        ).iterator(chunk_size=5000):
            key = (indicator_id, self.key_part(period))
            if key in wanted:
                value, marker, numerator, denominator, *rest = cells
                note = rest[0] if self.extra else ""
                state = state_of((value, marker, numerator, denominator, note, rest[-1]))
                stored[key] = (pk, state if self.extra else state[:4] + state[5:])
        return stored

    def prepare(self, sheet: Sheet) -> None:
        self.references = load_references()
        self.by_id = {ref.id: ref for ref in self.references.by_reference.values()}

    def read_measurement(
        self, reader: RowReader, indicator: IndicatorRef
    ) -> tuple[str | None, str, str | None, str | None, int | None] | None:
        """(value, marker, numerator, denominator, places) as stored, or None after errors."""
        written = reader.figure("value") if reader.has("value") else perf.Written(None)
        numerator = reader.number("numerator")
        denominator = reader.number("denominator")
        if written is None or numerator is None or denominator is None:
            return None
        if written.is_blank and numerator.value is None and denominator.value is None:
            reader.fail(
                "value",
                "no figure: give a value, a marker (-, n/a, TBC), or numerator and denominator",
            )
            return None
        errors = check_measurement(
            kind=indicator.kind,
            factor=indicator.factor,
            decimals=indicator.decimals,
            value=written.value,
            places=written.places,
            marker=written.marker,
            numerator=numerator.value,
            denominator=denominator.value,
        )
        for column, messages in errors.items():
            for message in messages:
                reader.fail(column, message)
        if errors:
            return None
        value, places = written.value, written.places
        if value is None and not written.marker:
            # Worked out from numerator and denominator, to the indicator's decimals.
            assert numerator.value is not None and denominator.value is not None
            assert indicator.factor is not None
            value = perf.ratio_value(
                indicator.factor, numerator.value, denominator.value, indicator.decimals
            )
            places = indicator.decimals
        return (
            text_of(value),
            written.marker,
            text_of(numerator.value),
            text_of(denominator.value),
            places,
        )

    def shown_figure(self, indicator_id: int, state: State) -> dict[str, str]:
        value, marker, numerator, denominator, *_, places = state
        ref = self.by_id.get(indicator_id)
        if value is None and not marker:
            shown = ""
        elif ref is None:
            shown = value if value is not None else marker
        else:
            number = None if value is None else Decimal(value)
            shown = perf.format_value(
                number, ref.kind, places if places is not None else ref.decimals, marker
            )
        return {"value": shown, "numerator": numerator or "", "denominator": denominator or ""}


class WithHistory(Measured):
    """A kind whose every change is kept as a revision (figures, breakdown cells): new rows are
    inserted, changed rows updated, and each gets a revision with its state before and after,
    whatever wrote it (an upload, its revert). An upload of such a kind can be reverted."""

    model: ClassVar[type[Figure] | type[Breakdown]]
    #: the revision model and its foreign key to the revised row
    revision_model: ClassVar[type[FigureRevision] | type[BreakdownRevision]]
    revision_key: ClassVar[str]
    #: the model's fields that make a key, in the key's order
    key_fields: ClassVar[tuple[str, ...]]
    #: what a row becomes when the upload that created it is reverted: no figure ("-")
    no_figure: ClassVar[State]

    def key_part(self, period: Any) -> Any:
        return period.isoformat()

    def period_of(self, key_part: Any) -> Any:
        return datetime.date.fromisoformat(key_part)

    def key_of(self, values: Sequence[Any]) -> Key:
        """A key from the key fields as the database holds them."""
        indicator_id, month, *rest = values
        return (indicator_id, month.isoformat(), *rest)

    def identity(self, key: Key) -> tuple[Any, ...]:
        """The key fields as the database holds them, from a key."""
        indicator_id, month, *rest = key
        return (indicator_id, datetime.date.fromisoformat(month), *rest)

    def label(self, key: Key, reference: str) -> str:
        return f"{reference} {perf.month_label(datetime.date.fromisoformat(key[1]))}"

    def state_from(self, cells: Sequence[Any]) -> State:
        """A state from the model's columns (``state_columns`` order) as the database holds
        them: numbers as plain text, and no precision without a value (``state_of``)."""
        state = {
            name: text_of(cell) if name in _NUMBERS else cell
            for name, cell in zip(self.state_columns, cells, strict=True)
        }
        if state["value"] is None:
            state["places"] = None
        return tuple(state.values())

    def new_columns(self, rows: list[PlannedRow]) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
        """Columns a new row gets besides its key and state (none by default), and their values
        for each of ``rows``."""
        return (), [() for _ in rows]

    def apply(self, plan: Plan, stored: Stored, context: Context) -> None:
        now = context.at or timezone.now()
        model, columns = self.model, self.state_columns
        new_rows = [row for row in plan.rows if row.status == NEW]
        changed_rows = [row for row in plan.rows if row.status == CHANGED]
        extra, extras = self.new_columns(new_rows)
        insert_rows(
            model,
            (*self.key_fields, *extra, *columns, "updated_at"),
            [
                (*self.identity(row.key), *more, *_columns(row.after, columns), now)
                for row, more in zip(new_rows, extras, strict=True)
            ],
        )
        ids = self._new_ids(new_rows)
        update_rows(
            model,
            (*columns, "updated_at"),
            [(stored[row.key][0], *_columns(row.after, columns), now) for row in changed_rows],
        )
        row_ids = [ids[row.key] for row in new_rows] + [stored[row.key][0] for row in changed_rows]
        user_id = getattr(context.user, "pk", None)
        upload_id = getattr(context.upload, "pk", None)
        source = context.source[:255]
        sides = tuple(f"{side}_{column}" for side in ("old", "new") for column in columns)
        insert_rows(
            self.revision_model,
            (self.revision_key, "changed_at", "changed_by", "source", "upload", "is_new", *sides),
            [
                (
                    row_id,
                    now,
                    user_id,
                    source,
                    upload_id,
                    row.before is None,
                    *_columns(row.before or self.defaults, columns),
                    *_columns(row.after, columns),
                )
                for row_id, row in zip(row_ids, [*new_rows, *changed_rows], strict=True)
            ],
        )

    def _new_ids(self, rows: list[PlannedRow]) -> dict[Key, int]:
        """The ids of rows just inserted, by their key (unique, and new: none existed)."""
        if not rows:
            return {}
        wanted = {row.key for row in rows}
        found = self.model.objects.filter(
            indicator_id__in={key[0] for key in wanted},
            month__in={datetime.date.fromisoformat(key[1]) for key in wanted},
        ).values_list("pk", *self.key_fields)
        ids = {self.key_of(values): pk for pk, *values in found}
        return {key: ids[key] for key in wanted}

    def revert_plan(self, upload: Any) -> Plan:
        """Every row the upload wrote, from what it wrote back to what was there before (no
        figure, ``-``, for a row it created, so that its history stays)."""
        columns = self.state_columns
        width = len(self.key_fields)
        prefix = f"{self.revision_key}__"
        sides = [f"{side}_{column}" for side in ("old", "new") for column in columns]
        revisions = self.revision_model._default_manager.filter(upload=upload).order_by("id")
        rows = []
        for reference, is_new, *values in revisions.values_list(
            f"{prefix}indicator__reference",
            "is_new",
            *(prefix + field for field in self.key_fields),
            *sides,
        ).iterator(chunk_size=5000):
            key = self.key_of(values[:width])
            old, new = values[width : width + len(columns)], values[width + len(columns) :]
            rows.append(
                PlannedRow(
                    0,
                    key,
                    self.label(key, reference),
                    CHANGED,
                    self.state_from(new),
                    self.no_figure if is_new else self.state_from(old),
                )
            )
        return Plan(kind=self.name, file_name=f"revert of upload #{upload.pk}", rows=rows)


class Figures(WithHistory):
    model = Figure
    period = "month"
    extra = ("note",)
    name = "figures"
    required = ("indicator", "month")
    optional = ("value", "numerator", "denominator", "note")
    key_columns = ("indicator", "month")
    state_columns = FIGURE_COLUMNS
    defaults = (None, "", None, None, "", None)
    revision_model = FigureRevision
    revision_key = "figure"
    key_fields = ("indicator", "month")
    no_figure = (None, "-", None, None, "", None)

    def read_row(self, reader: RowReader) -> Proposed | None:
        indicator = reader.indicator("indicator", self.references)
        month = reader.month("month")
        note = reader.text("note", max_length=500, paragraphs=True)
        if indicator is None:
            return None
        measured = self.read_measurement(reader, indicator)
        if month is None or measured is None:
            return None
        value, marker, numerator, denominator, places = measured
        return Proposed(
            reader.row,
            (indicator.id, month.isoformat()),
            f"{indicator.reference} {perf.month_label(month)}",
            (value, marker, numerator, denominator, KEEP if note is None else note, places),
        )

    def show(self, key: Key, state: State) -> dict[str, str]:
        return {**self.shown_figure(key[0], state), "note": state[4]}


class Breakdowns(WithHistory):
    """One cell of a breakdown table per row (formats.md ``breakdowns``): the rules and the
    re-run behaviour of figures, keyed by indicator, month, dimension and category."""

    model = Breakdown
    period = "month"
    name = "breakdowns"
    required = ("indicator", "month", "dimension", "category")
    optional = ("value", "numerator", "denominator")
    key_columns = ("indicator", "month", "dimension", "category")
    state_columns = BREAKDOWN_COLUMNS
    defaults = (None, "", None, None, None)
    revision_model = BreakdownRevision
    revision_key = "breakdown"
    key_fields = ("indicator", "month", "dimension", "category")
    no_figure = (None, "-", None, None, None)

    def read_row(self, reader: RowReader) -> Proposed | None:
        indicator = reader.indicator("indicator", self.references)
        month = reader.month("month")
        dimension = reader.text("dimension", required=True, max_length=100)
        category = reader.text("category", required=True, max_length=200)
        if indicator is None:
            return None
        measured = self.read_measurement(reader, indicator)
        if month is None or measured is None or not dimension or not category:
            return None
        key = (indicator.id, month.isoformat(), dimension, category)
        return Proposed(reader.row, key, self.label(key, indicator.reference), measured)

    def label(self, key: Key, reference: str) -> str:
        return f"{super().label(key, reference)} {key[2]}: {key[3]}"

    def current(self, keys: Sequence[Key], lock: bool = False) -> Stored:
        if not keys:
            return {}
        queryset = Breakdown.objects.filter(
            indicator_id__in={key[0] for key in keys},
            month__in={datetime.date.fromisoformat(key[1]) for key in keys},
        ).order_by()
        if lock:
            queryset = queryset.select_for_update()
        wanted = set(keys)
        width = len(self.key_fields)
        stored: Stored = {}
        for pk, *values in queryset.values_list(
            "pk", *self.key_fields, *self.state_columns
        ).iterator(chunk_size=5000):
            key = self.key_of(values[:width])
            if key in wanted:
                stored[key] = (pk, self.state_from(values[width:]))
        return stored

    def show(self, key: Key, state: State) -> dict[str, str]:
        return self.shown_figure(key[0], state)

    def new_columns(self, rows: list[PlannedRow]) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
        """Each new cell's ``order``: its row's place among its indicator's breakdown rows,
        kept from the cells stored already, else after them in the file's order."""
        indicators = {row.key[0] for row in rows}
        known: dict[tuple[Any, ...], int] = {}
        last: dict[int, int] = dict.fromkeys(indicators, 0)
        for indicator_id, dimension, category, order in Breakdown.objects.filter(
            indicator_id__in=indicators
        ).values_list("indicator_id", "dimension", "category", "order"):
            known.setdefault((indicator_id, dimension, category), order)
            last[indicator_id] = max(last[indicator_id], order)
        orders = []
        for row in rows:
            indicator_id, _, dimension, category = row.key
            place = (indicator_id, dimension, category)
            if place not in known:
                last[indicator_id] += 1
                known[place] = last[indicator_id]
            orders.append((known[place],))
        return ("order",), orders


def _columns(state: State, columns: Sequence[str]) -> tuple[Any, ...]:
    """A state's cells as the database takes them: the numbers as Decimals."""
    return tuple(
        _number(cell) if name in _NUMBERS else cell
        for name, cell in zip(columns, state, strict=True)
    )


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


class Outturns(Measured):
    model = Outturn
    period = "year"
    name = "outturns"
    required = ("indicator", "year")
    optional = ("value", "numerator", "denominator")
    key_columns = ("indicator", "year")
    state_columns = ("value", "marker", "numerator", "denominator", "places")
    defaults: State = (None, "", None, None, None)

    def read_row(self, reader: RowReader) -> Proposed | None:
        indicator = reader.indicator("indicator", self.references)
        year = reader.year("year")
        if indicator is None:
            return None
        measured = self.read_measurement(reader, indicator)
        if year is None or measured is None:
            return None
        return Proposed(
            reader.row,
            (indicator.id, year),
            f"{indicator.reference} {perf.year_label(year)}",
            measured,
        )

    def show(self, key: Key, state: State) -> dict[str, str]:
        value, marker, numerator, denominator, places = state
        return self.shown_figure(key[0], (value, marker, numerator, denominator, places))

    def apply(self, plan: Plan, stored: Stored, context: Context) -> None:
        for row in plan.writes():
            value, marker, numerator, denominator, places = row.after
            fields = {
                "value": _number(value),
                "marker": marker,
                "numerator": _number(numerator),
                "denominator": _number(denominator),
                "places": places,
            }
            _save(
                Outturn, row.key, stored, {"indicator_id": row.key[0], "year": row.key[1]}, fields
            )


def _save(
    model: type[models.Model],
    key: Key,
    stored: Stored,
    identity: dict[str, Any],
    fields: dict[str, Any],
) -> None:
    """Update the stored row of ``key`` or create it."""
    if key in stored:
        model.objects.filter(pk=stored[key][0]).update(**fields)
    else:
        model.objects.create(**identity, **fields)
