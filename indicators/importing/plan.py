"""The plan of an import: what each row of a file does, worked out once, stored, then applied.

A plan lists every row with its natural key, its status (new, changed, unchanged) and its state
before and after. It is computed when the file arrives and stored with the upload; the preview
page shows it and confirm applies exactly it, after checking that the rows it was planned against
have not changed since (``Plan.fingerprint`` names the plan the user saw).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from .rows import RowError

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
STATUSES = (NEW, CHANGED, UNCHANGED)

Key = tuple[Any, ...]
State = tuple[Any, ...]


@dataclass(frozen=True)
class PlannedRow:
    row: int  # as a spreadsheet numbers it (the header is row 1); 0 when not from a file
    key: Key
    label: str  # the row's key as people read it: "6.1 Apr-20"
    status: str
    before: State | None
    after: State


@dataclass
class Plan:
    kind: str
    file_name: str
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: what a kind applies besides its rows (a LAIT import's neighbour comparisons), as JSON
    extra: dict[str, Any] = field(default_factory=dict)
    #: what the preview page shows (``pipeline.preview_of``); not part of the stored plan
    preview: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, status: str) -> int:
        return sum(row.status == status for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counted = dict.fromkeys(STATUSES, 0)
        for row in self.rows:
            counted[row.status] += 1
        return counted

    def writes(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.status != UNCHANGED]

    @property
    def fingerprint(self) -> str:
        """A digest of every row's key, status and states: the plan a preview showed."""
        digest = hashlib.sha256(self.kind.encode())
        for row in self.rows:
            digest.update(_dumps([row.key, row.status, row.before, row.after]).encode())
            digest.update(b"\n")
        if self.extra:
            digest.update(_dumps(self.extra).encode())
        return digest.hexdigest()

    def summary(self, dry_run: bool = False) -> str:
        if not self.ok:
            return f"{self.file_name}: {len(self.errors)} error(s); nothing was written."
        counts = self.counts
        numbers = f"{counts[NEW]} new, {counts[CHANGED]} changed, {counts[UNCHANGED]} unchanged"
        if dry_run:
            return f"{self.file_name} ({self.kind}), dry run: {numbers}; nothing was written."
        return f"{self.file_name} ({self.kind}): {numbers}."

    def to_bytes(self) -> bytes:
        """The plan as gzipped JSON, to store with its upload."""
        document = {
            "kind": self.kind,
            "file_name": self.file_name,
            "rows": [
                [row.row, list(row.key), row.label, row.status, row.before, row.after]
                for row in self.rows
            ],
            "extra": self.extra,
        }
        return gzip.compress(_dumps(document).encode(), compresslevel=5, mtime=0)

    @classmethod
    def from_bytes(cls, data: bytes) -> Plan:
        document = json.loads(gzip.decompress(data))
        return cls(
            kind=document["kind"],
            file_name=document["file_name"],
            rows=[
                PlannedRow(
                    row,
                    tuple(key),
                    label,
                    status,
                    None if before is None else tuple(before),
                    tuple(after),
                )
                for row, key, label, status, before, after in document["rows"]
            ],
            extra=document.get("extra", {}),
        )


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
