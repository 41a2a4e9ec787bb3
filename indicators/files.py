"""Reading the interchange files of formats.md: CSV (UTF-8, optional BOM) or XLSX (first sheet).

The result is a table of text cells with its header normalised, blank lines dropped and each data
row remembering the row number a spreadsheet user sees (the header is row 1).
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

XLSX_MAGIC = b"PK\x03\x04"


class FileError(ValueError):
    """The file as a whole cannot be read; the message says why in plain words."""


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[object]]
    row_numbers: list[int]

    def __len__(self) -> int:
        return len(self.rows)


def normalise_header(name: object) -> str:
    return str(name if name is not None else "").strip().lower()


def read_table(name: str, content: bytes) -> Table:
    """Parse ``content`` (named ``name``) into a table, or raise FileError."""
    if not content.strip():
        raise FileError(f"{name} is empty: expected a header row and at least one row of data.")
    if content.startswith(XLSX_MAGIC) or name.lower().endswith(".xlsx"):
        cells = _read_xlsx(name, content)
    else:
        cells = _read_csv(name, content)
    numbered = [(number, row) for number, row in enumerate(cells, 1) if not _is_blank(row)]
    if not numbered:
        raise FileError(f"{name} is empty: expected a header row and at least one row of data.")
    (_, header), *data = numbered
    headers = [normalise_header(cell) for cell in header]
    while headers and not headers[-1]:
        headers.pop()
    if not data:
        raise FileError(f"{name} has a header row but no rows of data.")
    width = len(headers)
    rows = [_fit(row, width) for _, row in data]
    return Table(headers=headers, rows=rows, row_numbers=[number for number, _ in data])


def _read_csv(name: str, content: bytes) -> list[list[object]]:
    if b"\x00" in content[:4096]:
        raise FileError(f"{name} is not a CSV or XLSX file.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileError(
            f"{name} is not UTF-8 text (byte {error.start + 1}): save it as 'CSV UTF-8' or XLSX."
        ) from error
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as error:
        raise FileError(f"{name} is not a readable CSV file: {error}.") from error


def _read_xlsx(name: str, content: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise FileError(f"{name} is not a CSV or XLSX file.") from error
    try:
        sheet = workbook.worksheets[0]
        return [[_xlsx_cell(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _xlsx_cell(cell: object) -> object:
    """Cells as the text a user typed: whole floats lose their '.0'; dates stay dates."""
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, (int, datetime.date)):
        return cell if isinstance(cell, datetime.date) else str(cell)
    return str(cell)


def _is_blank(row: list[object]) -> bool:
    return all(str(cell).strip() == "" for cell in row)


def _fit(row: list[object], width: int) -> list[object]:
    cells = [unescape_cell(cell.strip()) if isinstance(cell, str) else cell for cell in row[:width]]
    return cells + [""] * (width - len(cells))


# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> object:
    """Neutralise formula injection in exported text cells, leaving plain markers like '-' alone."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and value != "-":
        if not _is_number(value):
            return "'" + value
    return value


def unescape_cell(text: str) -> str:
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
