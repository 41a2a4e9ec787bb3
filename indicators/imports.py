"""Importing one interchange file, all or nothing (formats.md, "Validation").

``import_file`` reads the file, checks its columns, runs the kind's import-export resource inside
one transaction and returns an ``ImportReport``: counts of new, changed and unchanged rows, and
every bad row with its row number, column and reason. If any row is bad, or on a dry run, the
transaction is rolled back and the database is as it was.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction

from .changes import CHANGED, NEW, UNCHANGED, RowChange, fingerprint
from .files import FileError, Table, read_table
from .resources import KINDS, CatalogueResource, resource_for


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1; 0 for the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        column = f", column '{self.column}'" if self.column else ""
        return f"{where}{column}: {self.message}"


@dataclass
class ImportReport:
    kind: str
    file_name: str
    dry_run: bool
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """A digest of the rows this import writes (see ``changes.fingerprint``)."""
        return fingerprint(self.rows)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def summary(self) -> str:
        if not self.ok:
            return f"{self.file_name}: {len(self.errors)} error(s); nothing was written."
        counts = f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged"
        if self.dry_run:
            return f"{self.file_name} ({self.kind}), dry run: {counts}; nothing was written."
        return f"{self.file_name} ({self.kind}): {counts}."


class UnknownKind(ValueError):
    pass


def import_file(
    kind: str,
    file_name: str,
    content: bytes,
    *,
    user: Any = None,
    dry_run: bool = False,
    upload: Any = None,
) -> ImportReport:
    """Validate and import one file of ``kind``; see the module docstring."""
    if kind not in KINDS:
        raise UnknownKind(f"unknown kind '{kind}': use one of {', '.join(KINDS)}")
    with collector_paused():
        return _import_file(kind, file_name, content, user, dry_run, upload)


_pauses = 0
_pauses_lock = threading.Lock()
_reenable = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a file is imported, then as it was before.

    An import keeps objects for every row until it ends (instance, result, preview row: 9 a
    row, 108,000 for 12,000 figures), none of them garbage in a cycle, and each allocation
    counts towards the next collection: the collector went through them, and through every
    other object of the process, again and again. Measured with 12,000 new figures, medians:
    in a process of 85,000-95,000 objects 1.04 -> 0.90 s (SQLite) and 1.47 -> 1.02 s
    (PostgreSQL); in the benchmark's (520,000 objects) a confirm lost 0.45-0.6 s of 1.7-2.0 s.
    Memory freed by reference counting is freed as before; any cycles are collected once the
    collector is back on. Imports in other threads share one pause; the collector comes back
    when the last ends, if it was on when the first began.
    """
    global _pauses, _reenable
    with _pauses_lock:
        if _pauses == 0:
            _reenable = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses -= 1
            if _pauses == 0 and _reenable:
                gc.enable()


def _import_file(
    kind: str, file_name: str, content: bytes, user: Any, dry_run: bool, upload: Any
) -> ImportReport:
    report = ImportReport(kind=kind, file_name=file_name, dry_run=dry_run)
    try:
        table = read_table(file_name, content)
    except FileError as error:
        report.errors.append(RowError(0, "", str(error)))
        return report
    report.errors.extend(check_columns(kind, table.headers))
    if report.errors:
        return report
    resource = resource_for(kind, user=user, source=file_name, upload=upload)
    duplicates = find_duplicates(resource, table)
    report.errors.extend(duplicates.values())
    keep = [index for index in range(len(table)) if index not in duplicates]
    dataset = tablib.Dataset(*(table.rows[index] for index in keep), headers=table.headers)
    numbers = [table.row_numbers[index] for index in keep]
    resource.file_rows = numbers
    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=dry_run or bool(duplicates),
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
        report.errors.extend(result_errors(resource, result, numbers))
        report.errors.sort(key=lambda error: (error.row, error.column))
        report.rows = resource.row_changes  # numbered as in the file (file_rows)
        report.new = sum(row.status == NEW for row in report.rows)
        report.changed = sum(row.status == CHANGED for row in report.rows)
        report.unchanged = sum(row.status == UNCHANGED for row in report.rows)
        if report.errors:
            transaction.set_rollback(True)
    return report


def check_columns(kind: str, headers: Iterable[str]) -> list[RowError]:
    """Missing required columns and unknown columns, each naming the expected columns."""
    _, required, optional = KINDS[kind]
    headers = list(headers)
    expected = (
        f"expected columns for {kind}: {', '.join(required)} (required), "
        f"{', '.join(optional)} (optional)"
    )
    errors = [
        RowError(1, name, f"missing required column '{name}'; {expected}")
        for name in required
        if name not in headers
    ]
    errors += [
        RowError(1, name or "(blank)", f"unknown column '{name}'; {expected}")
        for name in headers
        if name not in required + optional
    ]
    seen: set[str] = set()
    for name in headers:
        if name in seen and name in required + optional:
            errors.append(RowError(1, name, f"column '{name}' appears twice"))
        seen.add(name)
    return errors


def find_duplicates(resource: CatalogueResource, table: Table) -> dict[int, RowError]:
    """Rows whose natural key repeats an earlier row of the same file."""
    first_row: dict[tuple[Any, ...], int] = {}
    duplicates: dict[int, RowError] = {}
    for index, cells in enumerate(table.rows):
        key = resource.row_key(dict(zip(table.headers, cells, strict=True)))
        if key is None:
            continue
        if key in first_row:
            columns = " + ".join(resource.fields[name].column_name for name in resource.key_fields)
            duplicates[index] = RowError(
                table.row_numbers[index],
                resource.fields[resource.key_fields[-1]].column_name,
                f"duplicate {columns}: the same as row {table.row_numbers[first_row[key]]}",
            )
        else:
            first_row[key] = index
    return duplicates


def result_errors(resource: CatalogueResource, result: Any, numbers: list[int]) -> list[RowError]:
    """The errors of an import-export result, with file row numbers and column names."""
    errors: list[RowError] = []
    for invalid in result.invalid_rows:
        row = numbers[invalid.number - 1]
        errors.extend(_validation_errors(resource, row, invalid.error))
    for number, row_errors in result.row_errors():
        for error in row_errors:
            errors.append(RowError(numbers[number - 1], "", _reason(error.error)))
    for error in result.base_errors:
        errors.append(RowError(0, "", _reason(error.error)))
    return errors


def _validation_errors(
    resource: CatalogueResource, row: int, error: ValidationError
) -> list[RowError]:
    found = []
    for attribute, messages in error.message_dict.items():
        column = resource.column_for(attribute)
        for message in messages:
            found.append(RowError(row, column, message))
    return found


def _reason(error: BaseException) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error) or error.__class__.__name__
