"""LAIT's data dictionary: what each measure is, its polarity and its published decimals."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from indicators.performance import Polarity, parse_choice

from .errors import LaitError

#: the columns the engine needs; the others (description, owner, links...) are read if present
COLUMNS = ("Measure_short", "Measure", "Polarity", "dps")
_OPTIONAL = {
    "topic": "Topic",
    "chart_title": "Chart_title",
    "year_type": "Year_Type",
    "description": "Description",
    "source": "Data Owner (DO) /Supplier and Contact Details",
    "links": "Hyperlink(s)",
    "no_quartile": "No_Quartile",
    "status": "Table_status",
}
# LAIT shows a measure whose dps is blank or NA with one decimal place (global.R).
DEFAULT_DPS = 1
MAX_BYTES = 50_000_000


@dataclass(frozen=True)
class MeasureInfo:
    """One LAIT measure as the data dictionary describes it.

    ``polarity`` is DfE's: ``High``, ``Low``, or ``-`` for a measure without a good direction
    (the dictionary's ``-`` and ``NA``). ``dps`` is the decimals LAIT publishes it with.
    """

    code: str
    name: str
    polarity: str
    dps: int
    year_type: str = ""
    description: str = ""
    source: str = ""
    links: str = ""
    topics: tuple[str, ...] = ()
    chart_title: str = ""
    no_quartile: bool = False
    discontinued: bool = False

    @property
    def direction(self) -> Polarity | None:
        """``Polarity.HIGH`` or ``Polarity.LOW`` when DfE says which way is good, else None."""
        return direction(self.polarity)


@dataclass(frozen=True)
class DataDictionary:
    """The measures of the data dictionary by code (``Measure_short`` = ``Short Desc``)."""

    measures: Mapping[str, MeasureInfo]

    def __contains__(self, code: object) -> bool:
        return code in self.measures

    def __getitem__(self, code: str) -> MeasureInfo:
        try:
            return self.measures[code]
        except KeyError:
            raise LaitError(f"Measure '{code}' is not in LAIT's data dictionary.") from None


def direction(polarity: str) -> Polarity | None:
    """Which way is good for a polarity in our vocabulary or DfE's, or None for no direction.

    ``High`` is high; ``Low`` and ``Within limits (low)`` (a range whose good side is low) are
    low; ``Info``, ``Within limits`` and DfE's ``-``/``NA`` have no direction. Raises
    ``LaitError`` for text that is no polarity at all.
    """
    text = (polarity or "").strip()
    if text.upper() in ("", "-", "NA"):
        return None
    try:
        chosen = parse_choice(Polarity, text)
    except ValueError as error:
        raise LaitError(f"Unknown polarity: {error}") from error
    if chosen == Polarity.HIGH:
        return Polarity.HIGH
    if chosen in (Polarity.LOW, Polarity.WITHIN_LIMITS_LOW):
        return Polarity.LOW
    return None


def polarity_disagreement(indicator_polarity: str, measure: MeasureInfo) -> str:
    """A warning when the indicator's polarity and DfE's point opposite ways, else ``""``.

    Only opposite directions disagree (High against Low): an indicator without a direction
    (``Info``, ``Within limits``) or a measure without one (DfE's ``-``) is no contradiction.
    """
    ours, theirs = direction(indicator_polarity), measure.direction
    if ours is None or theirs is None or ours == theirs:
        return ""
    return (
        f"Polarity disagrees: the indicator's good performance is {indicator_polarity.strip()}, "
        f"DfE's for {measure.code} ({measure.name}) is {measure.polarity}."
    )


def read_data_dictionary(source: str | Path | BinaryIO) -> DataDictionary:
    """Read ``lait_data_dictionary.csv`` from a path or a binary stream.

    A measure listed under several topics is one measure: its topics are joined, it takes the
    largest ``dps`` (as LAIT does), it has no quartiles if any entry says so, and a polarity
    the entries disagree on becomes ``-``. Raises ``LaitError`` for a file without the
    expected columns or a ``dps`` that is not a whole number.
    """
    if isinstance(source, str | Path):
        with open(source, "rb") as stream:
            return read_data_dictionary(stream)
    chunks, size = [], 0
    # In chunks: read(MAX_BYTES) would set aside MAX_BYTES whatever the file's size.
    while chunk := source.read(65_536):
        size += len(chunk)
        if size > MAX_BYTES:
            raise LaitError(f"The data dictionary is larger than {MAX_BYTES:,} bytes.")
        chunks.append(chunk)
    try:
        text = b"".join(chunks).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LaitError("The data dictionary is not UTF-8 text.") from error
    measures: dict[str, MeasureInfo] = {}
    for line, row in _rows(text):
        info = _measure(row, line)
        known = measures.get(info.code)
        measures[info.code] = _merge(known, info) if known else info
    return DataDictionary(measures=measures)


def _rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = {name.strip().lower(): position for position, name in enumerate(next(reader, []))}
    missing = [name for name in COLUMNS if name.lower() not in header]
    if missing:
        raise LaitError(
            "This is not LAIT's data dictionary: its header must have the columns "
            f"{', '.join(COLUMNS)}; missing: {', '.join(missing)}."
        )
    wanted = {name: name for name in COLUMNS} | _OPTIONAL
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        row = {}
        for key, column in wanted.items():
            position = header.get(column.lower())
            cell = record[position] if position is not None and position < len(record) else ""
            row[key] = cell.strip()
        yield reader.line_num, row


def _measure(row: dict[str, str], line: int) -> MeasureInfo:
    code = row["Measure_short"]
    if not code:
        raise LaitError(f"Data dictionary line {line}: no Measure_short.")
    dps_text = row["dps"]
    if dps_text.upper() in ("", "NA"):
        dps = DEFAULT_DPS
    elif re.fullmatch(r"\d{1,2}", dps_text):
        dps = int(dps_text)
    else:
        raise LaitError(f"Data dictionary line {line}: dps '{dps_text}' of {code} is not a number.")
    polarity = row["Polarity"]
    return MeasureInfo(
        code=code,
        name=row["Measure"],
        polarity=polarity if polarity in ("High", "Low") else "-",
        dps=dps,
        year_type=row["year_type"],
        description=row["description"],
        source=row["source"],
        links=row["links"],
        topics=(row["topic"],) if row["topic"] else (),
        chart_title=row["chart_title"],
        no_quartile=row["no_quartile"].upper() == "N",
        discontinued="discontinue" in row["status"].lower(),
    )


def _merge(first: MeasureInfo, other: MeasureInfo) -> MeasureInfo:
    return MeasureInfo(
        code=first.code,
        name=first.name,
        polarity=first.polarity if first.polarity == other.polarity else "-",
        dps=max(first.dps, other.dps),
        year_type=first.year_type or other.year_type,
        description=first.description or other.description,
        source=first.source or other.source,
        links=first.links or other.links,
        topics=first.topics + tuple(t for t in other.topics if t not in first.topics),
        chart_title=first.chart_title or other.chart_title,
        no_quartile=first.no_quartile or other.no_quartile,
        discontinued=first.discontinued and other.discontinued,
    )
