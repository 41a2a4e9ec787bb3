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

from django.utils import timezone

from ... import performance as perf
from ...measurements import check_measurement, plain_number
from ...models import Figure, FigureRevision, Indicator, Outturn
from ...models.figures import state_of
from ..bulk import insert_rows, update_rows
from ..cells import Sheet
from ..plan import CHANGED, NEW, Key, Plan, State
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


class Measured(FileKind):
    """What figures and outturns share: reading the measurement, showing it, checking it, and
    finding what is stored for a file's keys (indicator id, period)."""

    model: ClassVar[type[Figure] | type[Outturn]]
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


class Figures(Measured):
    model = Figure
    period = "month"
    extra = ("note",)
    name = "figures"
    required = ("indicator", "month")
    optional = ("value", "numerator", "denominator", "note")
    key_columns = ("indicator", "month")
    state_columns = ("value", "marker", "numerator", "denominator", "note", "places")
    defaults: ClassVar[State] = (None, "", None, None, "", None)

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

    def period_of(self, key_part: Any) -> Any:
        return datetime.date.fromisoformat(key_part)

    def key_part(self, period: Any) -> Any:
        return period.isoformat()

    def show(self, key: Key, state: State) -> dict[str, str]:
        return {**self.shown_figure(key[0], state), "note": state[4]}

    def apply(self, plan: Plan, stored: Stored, context: Context) -> None:
        write_figures(plan, stored, context)


def write_figures(plan: Plan, stored: Stored, context: Context) -> None:
    """Insert the new figures, update the changed ones, and a revision for each: the whole
    history of every figure, whatever wrote it (an upload, its revert)."""
    now = context.at or timezone.now()
    new_rows = [row for row in plan.rows if row.status == NEW]
    changed_rows = [row for row in plan.rows if row.status == CHANGED]
    insert_rows(
        Figure,
        ("indicator", "month", *FIGURE_COLUMNS, "updated_at"),
        [
            (row.key[0], datetime.date.fromisoformat(row.key[1]), *_columns(row.after), now)
            for row in new_rows
        ],
    )
    ids = _new_ids(new_rows)
    update_rows(
        Figure,
        (*FIGURE_COLUMNS, "updated_at"),
        [(stored[row.key][0], *_columns(row.after), now) for row in changed_rows],
    )
    figure_ids = [ids[row.key] for row in new_rows] + [stored[row.key][0] for row in changed_rows]
    user_id = getattr(context.user, "pk", None)
    upload_id = getattr(context.upload, "pk", None)
    source = context.source[:255]
    insert_rows(
        FigureRevision,
        ("figure", "changed_at", "changed_by", "source", "upload", "is_new", *REVISION_COLUMNS),
        [
            (
                figure_id,
                now,
                user_id,
                source,
                upload_id,
                row.before is None,
                *_columns(row.before or NO_STATE),
                *_columns(row.after),
            )
            for figure_id, row in zip(figure_ids, [*new_rows, *changed_rows], strict=True)
        ],
    )


FIGURE_COLUMNS = ("value", "marker", "numerator", "denominator", "note", "places")
REVISION_COLUMNS = tuple(f"{side}_{column}" for side in ("old", "new") for column in FIGURE_COLUMNS)
NO_STATE: State = (None, "", None, None, "", None)


def _new_ids(rows: list[Any]) -> dict[Key, int]:
    """The ids of figures just inserted, by their natural key (unique, and new: none existed)."""
    if not rows:
        return {}
    wanted = {row.key for row in rows}
    found = Figure.objects.filter(
        indicator_id__in={key[0] for key in wanted},
        month__in={datetime.date.fromisoformat(key[1]) for key in wanted},
    ).values_list("pk", "indicator_id", "month")
    ids = {(indicator_id, month.isoformat()): pk for pk, indicator_id, month in found}
    return {key: ids[key] for key in wanted}


def _columns(state: State) -> tuple[Any, ...]:
    value, marker, numerator, denominator, note, places = state
    return (_number(value), marker, _number(numerator), _number(denominator), note, places)


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
    defaults: ClassVar[State] = (None, "", None, None, None)

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
    model: type[Outturn],
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
