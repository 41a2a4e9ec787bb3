"""What every kind of file shares: its columns, reading rows, planning against the database and
applying a plan.

A kind reads a ``Sheet`` into proposed rows (key, label, state after), every bad cell a
``RowError``. ``plan`` compares them with what is stored (one query) into new, changed and
unchanged rows. ``apply`` writes a plan's new and changed rows after ``stale`` has found every
planned row still as it was planned.
"""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from ..cells import Sheet
from ..plan import CHANGED, NEW, UNCHANGED, Key, Plan, PlannedRow, State
from ..rows import RowError, RowReader

Stored = dict[Key, tuple[Any, State]]


class Keep:
    """An optional column the file does not have: the stored value stays (a default if new)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = Keep()


@dataclass(frozen=True)
class Proposed:
    row: int
    key: Key
    label: str
    after: State  # may hold KEEP where the file lacks an optional column


@dataclass(frozen=True)
class Context:
    """Who applies a plan, from what, and when."""

    actor: Any  # a user, or accounts.actors.SYSTEM
    source: str  # the file's name, or e.g. "revert of upload #3"
    upload: Any = None
    at: datetime.datetime | None = None

    @property
    def user(self) -> Any:
        return self.actor if getattr(self.actor, "pk", None) else None


class FileKind(ABC):
    """One kind of file of formats.md."""

    name: ClassVar[str]
    required: ClassVar[tuple[str, ...]]
    optional: ClassVar[tuple[str, ...]]
    #: the columns of the natural key, as a duplicate is reported
    key_columns: ClassVar[tuple[str, ...]]
    #: what each column of a state is called in a preview
    state_columns: ClassVar[tuple[str, ...]]
    #: a state's values for a new row where the file lacks an optional column
    defaults: ClassVar[State]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional

    def check_columns(self, headers: Sequence[str]) -> list[RowError]:
        """Missing required columns and unknown or repeated columns, naming the expected ones."""
        expected = f"expected columns for {self.name}: {', '.join(self.required)} (required)" + (
            f", {', '.join(self.optional)} (optional)" if self.optional else ""
        )
        errors = [
            RowError(1, name, f"missing required column '{name}'; {expected}")
            for name in self.required
            if name not in headers
        ]
        errors += [
            RowError(1, name or "(blank)", f"unknown column '{name}'; {expected}")
            for name in headers
            if name not in self.columns
        ]
        errors += [
            RowError(1, name, f"column '{name}' appears twice")
            for index, name in enumerate(headers)
            if name in self.columns and name in headers[:index]
        ]
        return errors

    def read(self, sheet: Sheet) -> tuple[list[Proposed], list[RowError]]:
        """Every row of the sheet read into a proposed state; the rows that cannot be read are
        errors instead."""
        errors: list[RowError] = []
        proposed: list[Proposed] = []
        self.prepare(sheet)
        for number, cells in sheet.rows:
            reader = RowReader(number, sheet.headers, cells, errors)
            row = self.read_row(reader)
            if row is not None and not reader.failed:
                proposed.append(row)
        errors.extend(self.check_rows(proposed))
        return proposed, errors

    def prepare(self, sheet: Sheet) -> None:  # noqa: B027 (most kinds need no lookups)
        """Load what reading rows needs (lookups), once per file."""

    @abstractmethod
    def read_row(self, reader: RowReader) -> Proposed | None: ...

    def check_rows(self, rows: list[Proposed]) -> list[RowError]:
        """Rules across rows of the file (beyond duplicates); none by default."""
        return []

    @abstractmethod
    def current(self, keys: Sequence[Key], lock: bool = False) -> Stored:
        """What is stored for these keys: (primary key, state); locked for update if asked."""

    def complete(self, proposed: Proposed, before: State | None) -> State:
        """The state after: KEEP columns take the stored value, or the default for a new row."""
        base = before if before is not None else self.defaults
        return tuple(
            old if new is KEEP else new for new, old in zip(proposed.after, base, strict=True)
        )

    def show(self, key: Key, state: State) -> dict[str, str]:
        """A state as the preview shows it, column by column."""
        return {
            column: "" if value is None else str(value)
            for column, value in zip(self.state_columns, state, strict=True)
        }

    def plan(self, file_name: str, proposed: list[Proposed], errors: list[RowError]) -> Plan:
        """New, changed and unchanged rows against what is stored now."""
        plan = Plan(kind=self.name, file_name=file_name, errors=list(errors))
        first: dict[Key, int] = {}
        unique: list[Proposed] = []
        for row in proposed:
            if row.key in first:
                plan.errors.append(
                    RowError(
                        row.row,
                        self.key_columns[-1],
                        f"duplicate {' + '.join(self.key_columns)}: "
                        f"the same as row {first[row.key]}",
                    )
                )
            else:
                first[row.key] = row.row
                unique.append(row)
        stored = self.current([row.key for row in unique])
        for row in unique:
            before = stored.get(row.key, (None, None))[1]
            after = self.complete(row, before)
            status = NEW if before is None else UNCHANGED if before == after else CHANGED
            plan.rows.append(PlannedRow(row.row, row.key, row.label, status, before, after))
        plan.errors.sort()
        return plan

    def stale(self, plan: Plan) -> tuple[list[PlannedRow], Stored]:
        """The planned rows whose stored state is no longer the state they were planned
        against, and what is stored; the rows are locked until the transaction ends."""
        stored = self.current([row.key for row in plan.rows], lock=True)
        changed = [row for row in plan.rows if stored.get(row.key, (None, None))[1] != row.before]
        return changed, stored

    def warnings(self, plan: Plan) -> list[str]:
        """What the preview should point out without refusing the file; none by default."""
        return []

    @abstractmethod
    def apply(self, plan: Plan, stored: Stored, context: Context) -> None:
        """Write the plan's new and changed rows (the caller holds the transaction); ``stored``
        is what ``stale`` found, with the primary keys of the changed rows."""


def changes(kind: FileKind, row: PlannedRow) -> list[tuple[str, str, str]]:
    """(column, old, new) of a planned row: every filled column of a new row, the differing
    columns of a changed one."""
    after = kind.show(row.key, row.after)
    if row.before is None:
        return [(column, "", text) for column, text in after.items() if text]
    before = kind.show(row.key, row.before)
    return [
        (column, before.get(column, ""), text)
        for column, text in after.items()
        if before.get(column, "") != text
    ]


__all__ = [
    "CHANGED",
    "KEEP",
    "NEW",
    "UNCHANGED",
    "Context",
    "FileKind",
    "Proposed",
    "Stored",
    "changes",
]
