"""Reading one row's cells into typed values, every problem kept as a ``RowError``.

A ``RowReader`` wraps the cells of one row; each method reads one column the way formats.md says
(a figure as written, a month, a financial year, a choice from a vocabulary, an indicator by its
reference) and, when the cell cannot be read, records an error naming the row, the column and
what is wrong, and returns None. A kind reads every column of a row before deciding, so a row's
errors are all reported together.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from .. import performance as perf
from ..measurements import check_storable
from .cells import Cell, NumberCell

E = TypeVar("E", bound=perf.StrEnum)


@dataclass(frozen=True, order=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1; 0 for the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        column = f", column '{self.column}'" if self.column else ""
        return f"{where}{column}: {self.message}"


# Control characters have no place in a figures file (they break the XLSX we export and the
# e-mails that quote a title); a line break is allowed only where a column holds paragraphs.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029]")


@dataclass(frozen=True)
class IndicatorRef:
    """What reading a figure needs of its indicator, loaded once per file."""

    id: int
    reference: str
    section_id: int
    polarity: perf.Polarity
    kind: perf.Kind
    factor: int | None
    decimals: int


class References:
    """Indicators by reference: exact matches only, and number cells checked for ambiguity."""

    def __init__(self, indicators: Mapping[str, IndicatorRef]) -> None:
        self.by_reference = dict(indicators)
        self.by_number: dict[Decimal, list[str]] = {}
        for reference in self.by_reference:
            number = _as_number(reference)
            if number is not None:
                self.by_number.setdefault(number, []).append(reference)

    def find(self, cell: Cell) -> tuple[IndicatorRef | None, str]:
        """The indicator the cell names, or None and why not."""
        text = str(cell).strip()
        if not text:
            return None, "an indicator reference is required"
        if isinstance(cell, datetime.date):
            return None, f"'{cell:%d/%m/%Y}' is a date, not an indicator reference"
        number = _as_number(text) if isinstance(cell, NumberCell) else None
        alike = sorted(self.by_number.get(number, [])) if number is not None else []
        # A number format that pads with zeros (0.00 shows 6.10) says which reference is meant;
        # a number shown in its shortest form (General shows 6.10 as 6.1) does not.
        padded = "." in text and text.endswith("0")
        if len(alike) > 1 and not (padded and text in self.by_reference):
            return None, (
                f"the reference {text} is a number cell, and {' and '.join(alike)} are "
                "different indicators: type the reference as text (or format the cell to show "
                "every digit)"
            )
        found = self.by_reference.get(text)
        if found is not None:
            return found, ""
        if alike:
            return None, (
                f"unknown indicator '{text}'; {alike[0]} exists, but Excel shows {alike[0]} typed "
                "in a General number cell as "
                f"{text}: type the reference as text or format the cell to show every digit"
            )
        return None, f"unknown indicator '{text}'"


def _as_number(text: str) -> Decimal | None:
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


class RowReader:
    """The cells of one data row, read column by column into typed values."""

    def __init__(
        self, number: int, headers: list[str], cells: list[Cell], errors: list[RowError]
    ) -> None:
        self.row = number
        self.cells = dict(zip(headers, cells, strict=True))
        self.errors = errors
        self.failed = False

    def fail(self, column: str, message: str) -> None:
        self.failed = True
        self.errors.append(RowError(self.row, column, message))

    def has(self, column: str) -> bool:
        return column in self.cells

    def raw(self, column: str) -> Cell:
        return self.cells.get(column, "")

    def text(
        self,
        column: str,
        *,
        required: bool = False,
        max_length: int,
        paragraphs: bool = False,
    ) -> str | None:
        """A text cell; None when the column is absent (an optional column keeps what is stored).

        Dates and numbers are read as the text they show.
        """
        if column not in self.cells:
            return None
        cell = self.cells[column]
        text = f"{cell:%Y-%m-%d}" if isinstance(cell, datetime.date) else str(cell).strip()
        if required and not text:
            self.fail(column, f"a {column} is required")
            return None
        if _CONTROL.search(text):
            where = _CONTROL.search(text)
            assert where is not None
            self.fail(
                column,
                f"holds a control character (code {ord(where.group()):#04x}) at character "
                f"{where.start() + 1}: remove it",
            )
            return None
        if not paragraphs and _LINE_BREAK.search(text):
            self.fail(column, "holds a line break: the " + column + " is one line")
            return None
        if len(text) > max_length:
            self.fail(column, f"is {len(text):,} characters long; at most {max_length:,}")
            return None
        return text

    def figure(self, column: str) -> perf.Written | None:
        """A figure as written (number with its places, or a marker); None if unreadable."""
        cell = self.cells.get(column, "")
        if isinstance(cell, datetime.date):
            self.fail(column, f"'{cell:%d/%m/%Y}' is a date, not a figure")
            return None
        try:
            written = perf.read_figure(str(cell))
            if written.value is not None:
                check_storable(written.value)
        except ValueError as error:
            self.fail(column, str(error))
            return None
        return written

    def number(self, column: str, *, required: bool = False) -> perf.Written | None:
        """A plain number (no marker); blank is an empty Written unless required."""
        written = self.figure(column)
        if written is None:
            return None
        if written.marker:
            self.fail(column, f"'{written.marker}' is not allowed here: give a number")
            return None
        if written.value is None and required:
            self.fail(column, "a number is required")
            return None
        return written

    def whole(self, column: str, *, low: int, high: int) -> int | None:
        written = self.number(column)
        if written is None or written.value is None:
            return None
        value = written.value
        if value != value.to_integral_value() or not low <= value <= high:
            self.fail(column, f"'{self.raw(column)}' is not a whole number from {low} to {high}")
            return None
        return int(value)

    def month(self, column: str) -> datetime.date | None:
        cell = self.cells.get(column, "")
        if isinstance(cell, datetime.date):
            return cell.replace(day=1)
        if isinstance(cell, NumberCell):
            self.fail(
                column, f"{cell} is a number, not a month (use 2020-04, Apr-20 or April 2020)"
            )
            return None
        try:
            return perf.parse_month(str(cell))
        except ValueError as error:
            self.fail(column, str(error))
            return None

    def year(self, column: str) -> int | None:
        cell = self.cells.get(column, "")
        if isinstance(cell, datetime.date):
            self.fail(column, f"'{cell:%d/%m/%Y}' is a date, not a financial year (use 2020/21)")
            return None
        try:
            return perf.parse_year(str(cell))
        except ValueError as error:
            self.fail(column, str(error))
            return None

    def choice(
        self,
        column: str,
        enum_cls: type[E],
        *,
        blank: E | None = None,
        aliases: dict[str, E] | None = None,
    ) -> E | None:
        text = str(self.cells.get(column, "")).strip()
        if not text and blank is not None:
            return blank
        try:
            return perf.parse_choice(enum_cls, text, aliases)
        except ValueError as error:
            self.fail(column, str(error))
            return None

    def indicator(self, column: str, references: References) -> IndicatorRef | None:
        found, why = references.find(self.cells.get(column, ""))
        if found is None:
            self.fail(column, why)
        return found
