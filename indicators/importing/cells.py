"""Reading an interchange file into cells as the spreadsheet shows them (formats.md).

CSV: UTF-8 text, with or without a BOM. XLSX: the first sheet, each cell read as Excel displays
it: a number through its number format (``numformat``), a date as its date, a formula as its last
calculated value, text as typed. Blank lines are skipped; each row keeps the number a spreadsheet
user sees (the header is row 1).

Files come from people and may be hostile: a zip that inflates to gigabytes, XML with entities,
a truncated archive, a binary file named ``.csv``. Everything is bounded by ``Limits`` and every
failure is a ``FileRefused`` with a sentence for the user, never an exception page.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from .numformat import FormatRefused, shown

XLSX_MAGIC = b"PK\x03\x04"


class FileRefused(ValueError):
    """The file as a whole cannot be read; the message says why in plain words."""


class NumberCell(str):
    """The text of a cell that held a number (as its format shows it), not typed text.

    A reference read from a number cell is checked for ambiguity: Excel keeps ``6.10`` typed in
    a General cell as 6.1.
    """

    __slots__ = ()


Cell = str | datetime.date


@dataclass(frozen=True)
class Limits:
    """What a file may hold: defaults no council's monthly file comes near (settings)."""

    rows: int
    inflated_bytes: int
    zip_entries: int
    cell_chars: int
    columns: int = 100

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            rows=settings.IMPORT_MAX_ROWS,
            inflated_bytes=settings.IMPORT_MAX_INFLATED_BYTES,
            zip_entries=settings.IMPORT_MAX_ZIP_ENTRIES,
            cell_chars=settings.IMPORT_MAX_CELL_CHARS,
        )


@dataclass(frozen=True)
class Sheet:
    """The header row (names lower-cased, spaces trimmed) and the data rows with their numbers."""

    headers: list[str]
    rows: list[tuple[int, list[Cell]]]

    def __len__(self) -> int:
        return len(self.rows)


def normalise_header(name: object) -> str:
    return " ".join(str(name if name is not None else "").split()).lower()


def read_sheet(name: str, content: bytes, limits: Limits | None = None) -> Sheet:
    """The cells of ``content`` (a file called ``name``), or ``FileRefused`` saying why not."""
    limits = limits or Limits.from_settings()
    if not content.strip():
        raise FileRefused(f"{name} is empty: expected a header row and at least one row of data.")
    if content.startswith(XLSX_MAGIC):
        rows = _xlsx_rows(name, content, limits)
    elif name.lower().endswith(".xlsx"):
        raise FileRefused(f"{name} is not an XLSX workbook (it is not a zip archive).")
    else:
        rows = _csv_rows(name, content, limits)
    numbered = _numbered(rows, limits, name)
    if not numbered:
        raise FileRefused(f"{name} is empty: expected a header row and at least one row of data.")
    (_, header), *data = numbered
    headers = [normalise_header(cell) for cell in header]
    while headers and not headers[-1]:
        headers.pop()
    if not data:
        raise FileRefused(f"{name} has a header row but no rows of data.")
    width = len(headers)
    fitted = [(number, _fit(row, width)) for number, row in data]
    return Sheet(headers=headers, rows=fitted)


def _numbered(
    rows: Iterator[list[Cell]], limits: Limits, name: str
) -> list[tuple[int, list[Cell]]]:
    numbered: list[tuple[int, list[Cell]]] = []
    for number, row in enumerate(rows, 1):
        if all(cell == "" for cell in row):
            continue
        if len(numbered) > limits.rows:
            raise FileRefused(
                f"{name} has more than {limits.rows:,} rows, the most one upload may hold; "
                "split it into smaller files."
            )
        numbered.append((number, row))
    return numbered


def _fit(row: list[Cell], width: int) -> list[Cell]:
    cells = row[:width]
    return cells + [""] * (width - len(cells))


# -- CSV ----------------------------------------------------------------------------------------


def _csv_rows(name: str, content: bytes, limits: Limits) -> Iterator[list[Cell]]:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRefused(
            f"{name} is saved as UTF-16 text: save it as 'CSV UTF-8 (comma delimited)' or XLSX."
        )
    nul = content.find(b"\x00")
    if nul >= 0:
        raise FileRefused(
            f"{name} is not a CSV or XLSX file: it holds binary data (a NUL byte at byte "
            f"{nul + 1:,})."
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(
            f"{name} is not UTF-8 text (byte {error.start + 1:,}): save it as "
            "'CSV UTF-8 (comma delimited)' or XLSX."
        ) from error
    return _csv_reader(name, text, limits)


def _csv_reader(name: str, text: str, limits: Limits) -> Iterator[list[Cell]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    previous = csv.field_size_limit(limits.cell_chars)
    try:
        for row in reader:
            yield [_unescape(cell.strip()) for cell in row]
    except csv.Error as error:
        raise FileRefused(
            f"{name} is not a readable CSV file (line {reader.line_num:,}): {error}."
        ) from error
    finally:
        csv.field_size_limit(previous)


# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> object:
    """Neutralise formula injection in exported text cells, leaving plain markers like '-' alone."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and value != "-":
        if not _is_number(value):
            return "'" + value
    return value


def _unescape(text: str) -> str:
    """Undo ``escape_cell`` so that an exported file imports back unchanged."""
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# -- XLSX ---------------------------------------------------------------------------------------


def _xlsx_rows(name: str, content: bytes, limits: Limits) -> Iterator[list[Cell]]:
    has_formulas = _check_archive(name, content, limits)
    formulas: set[tuple[int, int]] = set()
    if has_formulas:
        formulas = _formula_cells(name, content, limits)
    return _xlsx_values(name, content, formulas, limits)


def _check_archive(name: str, content: bytes, limits: Limits) -> bool:
    """Refuse an archive that is broken or inflates beyond the limits; True if any sheet has
    formulas (their cached values are then checked).

    Declared sizes can lie, so every entry is inflated here through a counting reader before
    the workbook is parsed: the most this costs is the limit itself.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise FileRefused(f"{name} is not a readable XLSX workbook: {error}.") from error
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.zip_entries:
            raise FileRefused(
                f"{name} holds {len(entries):,} files inside; an XLSX workbook has a few dozen."
            )
        _refuse_overlaps(name, entries)
        total = 0
        formulas = False
        for entry in entries:
            budget = limits.inflated_bytes - total
            if entry.file_size > budget:
                raise _too_big(name, limits)
            try:
                with archive.open(entry) as member:
                    data = member.read(budget + 1)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
                raise FileRefused(f"{name} is a damaged XLSX workbook: {e}.") from e
            total += len(data)
            if total > limits.inflated_bytes:
                raise _too_big(name, limits)
            if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                # defusedxml would refuse them too; saying so here gives the reason.
                raise FileRefused(
                    f"{name} is not a readable XLSX workbook: {entry.filename} declares XML "
                    "entities, which a workbook saved by Excel never does."
                )
            if entry.filename.startswith("xl/worksheets/") and (b"<f>" in data or b"<f " in data):
                formulas = True
    return formulas


def _too_big(name: str, limits: Limits) -> FileRefused:
    return FileRefused(
        f"{name} inflates to more than {limits.inflated_bytes / 1024 / 1024:,.0f} MB when "
        "opened, far more than a figures workbook holds; it may be damaged or hostile."
    )


def _refuse_overlaps(name: str, entries: list[zipfile.ZipInfo]) -> None:
    """A zip whose entries share their compressed data (a non-recursive zip bomb) is refused."""
    spans = sorted((entry.header_offset, entry.compress_size) for entry in entries)
    for (start, size), (next_start, _) in itertools.pairwise(spans):
        if start + size > next_start:
            raise FileRefused(f"{name} is a malformed zip archive: its entries overlap.")


def _open_workbook(name: str, content: bytes, data_only: bool) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl raises many kinds for a damaged or hostile file
        raise FileRefused(f"{name} is not a readable XLSX workbook: {_reason(error)}.") from error


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    kind = type(error).__name__
    if "Entities" in kind or "DTD" in kind:
        return "it declares XML entities, which a workbook saved by Excel never does"
    return f"{kind}: {text}" if text else kind


def _formula_cells(name: str, content: bytes, limits: Limits) -> set[tuple[int, int]]:
    """Where the first sheet has formulas (row, column), to tell 'never calculated' from empty."""
    workbook = _open_workbook(name, content, data_only=False)
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        return {
            (cell.row, cell.column)
            for row in sheet.iter_rows(max_col=limits.columns + 1)
            for cell in row
            if getattr(cell, "data_type", None) == "f"
        }
    except Exception as error:
        raise FileRefused(f"{name} is not a readable XLSX workbook: {_reason(error)}.") from error
    finally:
        workbook.close()


def _xlsx_values(
    name: str, content: bytes, formulas: set[tuple[int, int]], limits: Limits
) -> Iterator[list[Cell]]:
    workbook = _open_workbook(name, content, data_only=True)
    try:
        if not workbook.worksheets:
            raise FileRefused(f"{name} has no worksheet.")
        sheet = workbook.worksheets[0]
        # The sheet's stated dimensions may claim a million rows by 16,384 columns; read what is
        # there, one column past the limit to tell whether anything lies beyond it.
        sheet.reset_dimensions()
        expected_row = 1
        for row in sheet.iter_rows(max_col=limits.columns + 1):
            cells = [cell for cell in row if getattr(cell, "row", None) is not None]
            number = cells[0].row if cells else expected_row
            while expected_row < number:  # rows the sheet skips are blank
                yield []
                expected_row += 1
            yield _row_cells(name, cells, formulas, limits.columns)
            expected_row = number + 1
    except FileRefused:
        raise
    except Exception as error:
        raise FileRefused(f"{name} is not a readable XLSX workbook: {_reason(error)}.") from error
    finally:
        workbook.close()


def _row_cells(
    name: str, cells: list[Any], formulas: set[tuple[int, int]], columns: int
) -> list[Cell]:
    row: list[Cell] = []
    for cell in cells:
        if cell.column > columns:
            if cell.value is None or cell.value == "":
                continue
            raise FileRefused(
                f"{name}, cell {cell.coordinate}: data beyond the first {columns} "
                "columns; a file of this product has at most a dozen."
            )
        while len(row) < cell.column - 1:
            row.append("")
        row.append(_cell(name, cell, formulas))
    return row


def _cell(name: str, cell: Any, formulas: set[tuple[int, int]]) -> Cell:
    value = cell.value
    where = f"{name}, cell {cell.coordinate}"
    if value is None:
        if (cell.row, cell.column) in formulas:
            raise FileRefused(
                f"{where} holds a formula that was never calculated: open the file in Excel, "
                "let it calculate, and save it again."
            )
        return ""
    if cell.data_type == "e":
        raise FileRefused(f"{where} shows the error {value}: correct it in the spreadsheet.")
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (datetime.time, datetime.timedelta)):
        raise FileRefused(f"{where} holds a time, not a figure.")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        try:
            return NumberCell(shown(value, cell.number_format))
        except FormatRefused as refusal:
            raise FileRefused(
                f"{where} cannot be read as the figure it shows: {refusal}."
            ) from None
    return str(value).strip()
