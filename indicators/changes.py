"""What an import does to each row, as a preview shows it: new, changed (old → new), unchanged.

The fingerprint of the rows an import writes lets a confirm prove it writes what was previewed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .measurements import plain_number

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


@dataclass(frozen=True)
class Change:
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    row: int  # as a spreadsheet numbers it (the header is row 1)
    key: str  # the row's natural key as typed, e.g. "6.1 2020-04"
    status: str  # NEW, CHANGED or UNCHANGED
    changes: tuple[Change, ...]  # every column for a new row; the differing ones for a changed row


def as_text(value: Any) -> str:
    """A stored value as a preview prints it."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, (list, tuple)):
        return ";".join(as_text(item) for item in value)
    return str(value)


def compare(before: dict[str, str] | None, after: dict[str, str]) -> tuple[str, tuple[Change, ...]]:
    """The status of a row and its changes, from its columns before (None if new) and after."""
    if before is None:
        return NEW, tuple(Change(column, "", text) for column, text in after.items() if text)
    changes = tuple(
        Change(column, before.get(column, ""), text)
        for column, text in after.items()
        if before.get(column, "") != text
    )
    return (CHANGED if changes else UNCHANGED), changes


def fingerprint(rows: Iterable[RowChange]) -> str:
    """A digest of what an import writes: its new and changed rows, in order."""
    digest = hashlib.sha256()
    for row in rows:
        if row.status == UNCHANGED:
            continue
        digest.update(f"{row.status}\x1f{row.key}".encode())
        for change in row.changes:
            digest.update(f"\x1e{change.column}\x1f{change.old}\x1f{change.new}".encode())
        digest.update(b"\x1d")
    return digest.hexdigest()
