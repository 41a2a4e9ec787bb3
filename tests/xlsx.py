"""Workbooks as Excel saves them, built in the tests: typed cells with number formats, dates,
formulas with (or without) their last calculated value, and hostile archives."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"


def workbook(rows: Sequence[Sequence[Any]], formats: dict[str, str] | None = None) -> bytes:
    """A workbook whose first sheet holds ``rows``; ``formats`` maps a cell (``C2``) to its
    number format (``0.00``, ``0.0%``, ``mmm-yy``)."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for coordinate, number_format in (formats or {}).items():
        sheet[coordinate].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_cached_values(content: bytes, values: dict[str, str]) -> bytes:
    """Give formula cells the value Excel calculated when it last saved (openpyxl writes none)."""

    def cache(xml: str) -> str:
        for coordinate, value in values.items():
            xml = re.sub(
                rf'(<c r="{coordinate}"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(</v>)?',
                rf"\1\2<v>{value}</v>",
                xml,
            )
        return xml

    return rewrite(content, {SHEET: cache})


def rewrite(content: bytes, changes: dict[str, Any]) -> bytes:
    """The same archive with some members' text changed by a function (or replaced by bytes)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            change = changes.get(info.filename)
            if callable(change):
                data = change(data.decode("utf-8")).encode("utf-8")
            elif change is not None:
                data = change
            target.writestr(info.filename, data)
    return out.getvalue()
