"""Streaming LAIT's long table (``.csv`` or ``.csv.gz``), keeping only the measures asked for.

The published file has 641,070 rows for 434 measures; an import needs a dozen. Rows are read
one at a time through the csv module over a (gzip) text stream and only the wanted measures'
values are kept, so memory depends on those measures, not on the file. Limits on the
decompressed size, the number of rows and the length of a line stop a hostile upload (a gzip
bomb, a file with no line breaks) from exhausting memory or time.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from .errors import LaitError
from .values import year_order

#: the columns the engine reads (``Data item`` and ``Region`` are not needed)
COLUMNS = ("Short Desc", "Years", "LA and Regions", "Values", "LA Number")
#: generous defaults: the published file is 42 MB and 641,070 rows decompressed, and an import
#: keeps about 1,700 values a measure (ten years of 170 LAs, regions and England)
MAX_BYTES = 500_000_000
MAX_ROWS = 2_000_000
MAX_KEPT = 250_000
MAX_LINE = 65_536
# LAIT has 170 places (LAs, regions, England); more than this is not LAIT's file.
MAX_PLACES = 2_000

ENGLAND = 970
_GZIP_MAGIC = b"\x1f\x8b"
# DfE writes LA numbers as floats in this file ("372.0").
_LA_NUMBER = re.compile(r"\s*(\d{1,4})(\.0*)?\s*")


@dataclass(frozen=True)
class LaitTable:
    """The published values of some LAIT measures: measure -> data year -> LA number -> text.

    ``places`` names every LA, region and England found anywhere in the file, so that an
    unknown LA number can be told from one that merely has no value for a measure.
    """

    values: Mapping[str, Mapping[str, Mapping[int, str]]]
    places: Mapping[int, str]
    rows: int

    def years(self, measure: str) -> list[str]:
        """The measure's data years as DfE prints them, oldest first (unordered labels last)."""
        labels = self.values.get(measure, {})
        return sorted(labels, key=lambda label: year_order(label) or (10_000, label))

    def place(self, la: int) -> str:
        """``Barnsley (370)``: the name the file gives an LA number, with the number."""
        name = self.places.get(la)
        return f"{name} ({la})" if name else f"LA {la}"


def read_long_table(
    source: str | Path | BinaryIO,
    measures: Collection[str],
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
    max_kept: int = MAX_KEPT,
    max_line: int = MAX_LINE,
) -> LaitTable:
    """Read LAIT's long table from a path or a seekable binary stream, gzipped or not.

    Keeps the rows whose ``Short Desc`` is one of ``measures``. Raises ``LaitError`` with a
    clear message for a file that is not LAIT's (header without the expected columns, more
    than 2,000 different LA numbers), a corrupt or truncated gzip, text that is not UTF-8, a
    line longer than ``max_line`` characters, more than ``max_rows`` rows, ``max_kept`` rows
    of the measures asked for or ``max_bytes`` decompressed bytes, an LA number that is not a
    number, or two values for one measure, year and LA.
    """
    limits = {"max_bytes": max_bytes, "max_rows": max_rows, "max_kept": max_kept}
    if isinstance(source, str | Path):
        with open(source, "rb") as stream:
            return read_long_table(stream, measures, max_line=max_line, **limits)
    head = source.read(2)
    source.seek(0)
    raw: BinaryIO | gzip.GzipFile = (
        gzip.GzipFile(fileobj=source, mode="rb") if head == _GZIP_MAGIC else source
    )
    limited = io.BufferedReader(_Limited(raw, max_bytes))
    text = io.TextIOWrapper(limited, encoding="utf-8-sig", newline="")
    try:
        return _read_rows(csv.reader(_lines(text, max_line)), set(measures), max_rows, max_kept)
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise LaitError(f"The file is not a readable gzip file ({error}).") from error
    except UnicodeDecodeError as error:
        raise LaitError("The file is not UTF-8 text: it is not LAIT's long table.") from error
    except csv.Error as error:
        raise LaitError(f"The file is not a readable CSV file ({error}).") from error


class _Reader(Protocol):
    """What ``csv.reader`` returns: rows, and the number of the line last read."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


def _read_rows(reader: _Reader, wanted: set[str], max_rows: int, max_kept: int) -> LaitTable:
    index = _header_index(next(reader, []))
    measure_at, year_at, name_at, value_at, la_at = (index[name] for name in COLUMNS)
    width = max(index.values()) + 1
    values: dict[str, dict[str, dict[int, str]]] = {}
    places: dict[str, tuple[int, str]] = {}
    rows = kept = 0
    for record in reader:
        if not record:
            continue
        rows += 1
        if rows > max_rows:
            raise LaitError(f"The file has more than {max_rows:,} rows: not accepted.")
        if len(record) < width:
            raise LaitError(
                f"Line {reader.line_num}: {len(record)} fields where the header has {width}."
            )
        la_text = record[la_at]
        if la_text not in places:
            if len(places) >= MAX_PLACES:
                raise LaitError(f"The file has more than {MAX_PLACES:,} LA numbers: not LAIT's.")
            places[la_text] = (reader.line_num, record[name_at].strip())
        measure = record[measure_at].strip()
        if measure not in wanted:
            continue
        kept += 1
        if kept > max_kept:
            raise LaitError(
                f"The file has more than {max_kept:,} rows of the measures asked for: not accepted."
            )
        la = _la_number(la_text, reader.line_num)
        by_la = values.setdefault(measure, {}).setdefault(record[year_at].strip(), {})
        if la in by_la:
            raise LaitError(
                f"Line {reader.line_num}: a second value for {measure}, "
                f"{record[year_at].strip()}, LA {la}."
            )
        by_la[la] = record[value_at]
    names = {_la_number(text, line): name for text, (line, name) in places.items()}
    return LaitTable(values=values, places=names, rows=rows)


def _header_index(header: list[str]) -> dict[str, int]:
    found = {name.strip().lower(): position for position, name in enumerate(header)}
    missing = [name for name in COLUMNS if name.lower() not in found]
    if missing:
        raise LaitError(
            "This is not LAIT's long table: its header must have the columns "
            f"{', '.join(COLUMNS)}; missing: {', '.join(missing)}."
        )
    return {name: found[name.lower()] for name in COLUMNS}


def _la_number(text: str, line: int) -> int:
    match = _LA_NUMBER.fullmatch(text)
    if not match:
        raise LaitError(f"Line {line}: LA Number '{text}' is not a number.")
    return int(match.group(1))


def _lines(text: io.TextIOWrapper, max_line: int) -> Iterator[str]:
    """The stream's lines, refusing one longer than ``max_line`` characters."""
    while line := text.readline(max_line + 1):
        if len(line) > max_line:
            raise LaitError(f"A line is longer than {max_line:,} characters: not LAIT's file.")
        yield line


class _Limited(io.RawIOBase):
    """A binary stream that refuses to give more than ``limit`` bytes."""

    def __init__(self, inner: BinaryIO | gzip.GzipFile, limit: int) -> None:
        self._inner = inner
        self._limit = limit
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        # typing.BinaryIO declares no readinto; the files given here (open(..., "rb"), uploads,
        # BytesIO, GzipFile) all have it.
        count = self._inner.readinto(buffer)  # type: ignore[union-attr]
        self._count += count
        if self._count > self._limit:
            raise LaitError(f"The file is larger than {self._limit:,} bytes: not accepted.")
        return count
