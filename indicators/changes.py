"""What an import does to each row, as a preview shows it: new, changed (old → new), unchanged.

The fingerprint of the rows an import writes lets a confirm prove it writes what was previewed.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
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
    """One row of an import: its key, status and the compared values before and after.

    The values are kept as stored; they are turned into the file's columns (``changes``) only for
    the rows a preview shows, which matters for a file of 12,000 rows.
    """

    row: int  # as a spreadsheet numbers it (the header is row 1)
    key: str  # the row's natural key as typed, e.g. "6.1 2020-04"
    status: str  # NEW, CHANGED or UNCHANGED
    before: tuple[Any, ...] | None
    after: tuple[Any, ...]
    render: Callable[[tuple[Any, ...]], dict[str, str]] = field(compare=False, repr=False)

    @functools.cached_property
    def changes(self) -> tuple[Change, ...]:
        """Every column of a new row; the differing columns of a changed row."""
        before = None if self.before is None else self.render(self.before)
        return compare(before, self.render(self.after))[1]


def status_of(before: tuple[Any, ...] | None, after: tuple[Any, ...]) -> str:
    if before is None:
        return NEW
    return UNCHANGED if before == after else CHANGED


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
        if row.status != UNCHANGED:
            digest.update(repr((row.status, row.key, row.before, row.after)).encode())
    return digest.hexdigest()
