"""DfE's statistical-neighbour lists and LA code list (xlsx workbooks)."""

from __future__ import annotations

import difflib
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from .errors import LaitError

#: rows read at most from a workbook (DfE's lists have under 200)
MAX_ROWS = 5_000
# The header is on the third row of the neighbour lists; look a little further to be safe.
_HEADER_SEARCH_ROWS = 10
_NEIGHBOURS = 10


@dataclass(frozen=True)
class Neighbour:
    """One statistical neighbour: its LA number and how close DfE says it is."""

    la: int
    closeness: str


@dataclass(frozen=True)
class NeighbourList:
    """Each LA's ten statistical neighbours, nearest first, from one DfE list."""

    name: str
    groups: Mapping[int, tuple[Neighbour, ...]]
    places: Mapping[int, str]

    def neighbours_of(self, la: int) -> tuple[Neighbour, ...]:
        """The LA's neighbours; ``LaitError`` when the list does not have the LA or gives it
        none (an LA created after the list shows ``-``)."""
        group = self.groups.get(la)
        if group is None:
            raise LaitError(f"LA {la} is not in the statistical-neighbour list {self.name}.")
        if not group:
            raise LaitError(f"The list {self.name} gives LA {la} no statistical neighbours.")
        return group


@dataclass(frozen=True)
class LaCodes:
    """LA numbers and names, so that a council can be chosen by name."""

    names: Mapping[int, str]

    def number_for(self, name: str) -> int:
        """The LA number of ``name`` (case and spacing ignored); ``LaitError`` naming close
        matches when no LA has that name."""
        wanted = _squash(name)
        found = [la for la, la_name in self.names.items() if _squash(la_name) == wanted]
        if len(found) == 1:
            return found[0]
        if found:
            raise LaitError(f"Several LAs are called '{name.strip()}': {found}.")
        close = difflib.get_close_matches(name.strip(), list(self.names.values()), n=3)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise LaitError(f"No LA is called '{name.strip()}'.{hint}")


def read_neighbour_list(source: str | Path | BinaryIO, name: str = "") -> NeighbourList:
    """Read a DfE statistical-neighbour workbook (``sn_april_2021.xlsx``).

    The header row (the third in DfE's files) has ``LA num``, ``LA Name`` and ``SN1`` ...
    ``SN10``, each followed by ``SNP`` (closeness). ``name`` says which list it is in
    messages (default: the file name). Raises ``LaitError`` for a file that is not an xlsx
    workbook, a header without those columns, an LA or neighbour number that is not a whole
    number, or an LA listed twice.
    """
    label = name or (Path(source).name if isinstance(source, str | Path) else "uploaded")
    groups: dict[int, tuple[Neighbour, ...]] = {}
    places: dict[int, str] = {}
    rows = _sheet_rows(source)
    header, header_row = _find_header(
        rows, {"la": ("la num", "la number"), "name": ("la name",), "sn1": ("sn1",)}, label
    )
    sn_at = [header.get(f"sn{i}") for i in range(1, _NEIGHBOURS + 1)]
    if None in sn_at:
        raise LaitError(f"{label}: the header must have the columns SN1 to SN{_NEIGHBOURS}.")
    for row_number, row in rows:
        la = _whole(_cell(row, header["la"]), label, row_number, "LA num")
        if la is None:
            continue
        if la in groups:
            raise LaitError(f"{label} row {row_number}: LA {la} is listed twice.")
        neighbours = []
        for at in sn_at:
            assert at is not None
            neighbour = _whole(_cell(row, at), label, row_number, f"column {at + 1}")
            if neighbour is not None:
                neighbours.append(Neighbour(neighbour, str(_cell(row, at + 1) or "").strip()))
        groups[la] = tuple(neighbours)
        places[la] = str(_cell(row, header["name"]) or "").strip()
    if not groups:
        raise LaitError(f"{label}: no LA below the header on row {header_row}.")
    return NeighbourList(name=label, groups=groups, places=places)


def read_la_codes(source: str | Path | BinaryIO) -> LaCodes:
    """Read DfE's LA code list (``la_code_list.xlsx``: ``LA Number``, ``LA Name``, ...)."""
    label = Path(source).name if isinstance(source, str | Path) else "uploaded"
    rows = _sheet_rows(source)
    header, _ = _find_header(rows, {"la": ("la number",), "name": ("la name",)}, label)
    names = {}
    for row_number, row in rows:
        la = _whole(_cell(row, header["la"]), label, row_number, "LA Number")
        if la is not None:
            names[la] = str(_cell(row, header["name"]) or "").strip()
    return LaCodes(names=names)


def _sheet_rows(source: str | Path | BinaryIO) -> Iterator[tuple[int, tuple[object, ...]]]:
    """The first sheet's rows, numbered from 1, read-only and at most ``MAX_ROWS``."""
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
        raise LaitError(f"The file is not an Excel workbook (.xlsx): {error}") from error
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise LaitError(f"The workbook has more than {MAX_ROWS:,} rows: not accepted.")
            yield number, row
    finally:
        workbook.close()


def _find_header(
    rows: Iterator[tuple[int, tuple[object, ...]]],
    required: Mapping[str, tuple[str, ...]],
    label: str,
) -> tuple[dict[str, int], int]:
    """The positions of every header cell (lower-cased) plus each required column's under its
    key, and the header's row number; ``required`` maps a key to the names it may have."""
    for number, row in rows:
        header: dict[str, int] = {}
        for position, cell in enumerate(row):
            if cell is not None:
                header.setdefault(_squash(str(cell)), position)
        found = {
            key: next((header[name] for name in names if name in header), None)
            for key, names in required.items()
        }
        if None not in found.values():
            return header | {key: at for key, at in found.items() if at is not None}, number
        if number >= _HEADER_SEARCH_ROWS:
            break
    columns = ", ".join(names[0] for names in required.values())
    raise LaitError(f"{label} is not a DfE list: no header row with the columns {columns}.")


def _cell(row: tuple[object, ...], position: int | None) -> object:
    return row[position] if position is not None and position < len(row) else None


def _whole(value: object, label: str, row: int, column: str) -> int | None:
    """A cell holding a whole number (372, 372.0 or "372"); None for a blank cell or ``-``."""
    if value is None or (isinstance(value, str) and value.strip() in ("", "-")):
        return None
    if isinstance(value, bool):
        raise LaitError(f"{label} row {row}, {column}: '{value}' is not an LA number.")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise LaitError(f"{label} row {row}, {column}: '{value}' is not an LA number.")


def _squash(text: str) -> str:
    return " ".join(text.split()).lower()
