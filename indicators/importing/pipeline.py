"""One import pipeline: read a file, plan it against the database, apply the plan.

``plan_file`` reads the cells (``cells``), turns each row into a typed state of its kind
(``kinds``), checks every rule, and compares with what is stored: a ``Plan`` of new, changed and
unchanged rows, or the errors naming row, column and reason. ``apply_plan`` writes a plan all or
nothing, after finding every planned row still as it was planned. The upload pages, the
``import_data`` command and the sample loader all go through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, transaction

import audit
from accounts.actors import Actor

from .cells import FileRefused, Limits, read_sheet
from .kinds import kind_named
from .kinds.base import Context, changes
from .plan import CHANGED, NEW, Plan, PlannedRow
from .rows import RowError

# A preview lists at most this many rows of each status; the counts are always complete.
PREVIEW_ROWS = 500
PREVIEW_ERRORS = 1000


def plan_file(kind: str, file_name: str, content: bytes, limits: Limits | None = None) -> Plan:
    """What importing ``content`` as ``kind`` would do now; nothing is written."""
    file_kind = kind_named(kind)
    try:
        sheet = read_sheet(file_name, content, limits)
    except FileRefused as refusal:
        plan = Plan(kind=kind, file_name=file_name, errors=[RowError(0, "", str(refusal))])
        plan.preview = preview_of(file_kind, plan)
        return plan
    column_errors = file_kind.check_columns(sheet.headers)
    if column_errors:
        plan = Plan(kind=kind, file_name=file_name, errors=column_errors)
        plan.preview = preview_of(file_kind, plan)
        return plan
    proposed, errors = file_kind.read(sheet)
    plan = file_kind.plan(file_name, proposed, errors)
    plan.preview = preview_of(file_kind, plan)
    return plan


def preview_of(file_kind: Any, plan: Plan) -> dict[str, Any]:
    """What the preview page shows: the counts, the first rows of each status with their
    columns (old → new), and the errors."""
    shown: dict[str, list[dict[str, Any]]] = {NEW: [], CHANGED: []}
    for row in plan.rows:
        listed = shown.get(row.status)
        if listed is not None and len(listed) < PREVIEW_ROWS:
            listed.append({"row": row.row, "label": row.label, "changes": changes(file_kind, row)})
    return {
        "counts": plan.counts,
        "new": shown[NEW],
        "changed": shown[CHANGED],
        "errors": [[e.row, e.column, e.message] for e in plan.errors[:PREVIEW_ERRORS]],
        "error_count": len(plan.errors),
        "warnings": file_kind.warnings(plan) if plan.ok else [],
    }


@dataclass(frozen=True)
class Applied:
    applied: bool
    message: str
    stale: tuple[PlannedRow, ...] = ()


def apply_plan(plan: Plan, context: Context) -> Applied:
    """Write the plan, all or nothing, unless a planned row changed since it was planned."""
    if not plan.ok:
        return Applied(False, plan.summary())
    file_kind = kind_named(plan.kind)
    try:
        with transaction.atomic():
            stale, stored = file_kind.stale(plan)
            if stale:
                transaction.set_rollback(True)
                return Applied(False, stale_message(stale), tuple(stale))
            file_kind.apply(plan, stored, context)
    except DatabaseError as error:
        # Shown to the person, never lost: the request goes on, and nothing was written.
        return Applied(False, f"The database refused the change, so nothing was written: {error}")
    return Applied(True, plan.summary())


def stale_message(stale: list[PlannedRow]) -> str:
    names = ", ".join(row.label for row in stale[:10])
    more = f" and {len(stale) - 10} more" if len(stale) > 10 else ""
    return (
        f"{len(stale)} row(s) changed since this file was previewed ({names}{more}), so nothing "
        "was written. Upload the file again to see what it would do now."
    )


def import_file(
    kind: str, file_name: str, content: bytes, actor: Actor, *, dry_run: bool = False
) -> tuple[Plan, Applied | None]:
    """Plan and (unless a dry run or refused) apply one file, as the command line does."""
    plan = plan_file(kind, file_name, content)
    if dry_run or not plan.ok:
        return plan, None
    with transaction.atomic():
        applied = apply_plan(plan, Context(actor=actor, source=file_name))
        if applied.applied:
            audit.record(
                actor, "upload.imported", None, kind=kind, file_name=file_name, **plan.counts
            )
    return plan, applied
