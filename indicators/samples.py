"""The April 2020 Corporate Parenting sample: the catalogue and figures as formats.md files."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from typing import Any

from .importing.kinds import LOAD_ORDER
from .importing.pipeline import import_file
from .importing.plan import Plan

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_data" / "corporate_parenting"
SAMPLE_FRAMEWORK = "Corporate Parenting"
SAMPLE_MONTH = datetime.date(2020, 4, 1)
# The report is dated 26/05/20 (Issue 1, Draft 2); the panel met in June.
SAMPLE_TIMETABLE = {
    "figures_due": datetime.date(2020, 5, 8),
    "narratives_due": datetime.date(2020, 5, 15),
    "signoff_due": datetime.date(2020, 5, 22),
    "panel_date": datetime.date(2020, 6, 1),
}


def without_column(content: bytes, column: str) -> bytes:
    """The CSV without one column: the managers are demo accounts that --no-accounts omits."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    index = rows[0].index(column)
    out = io.StringIO()
    csv.writer(out).writerows([row[:index] + row[index + 1 :] for row in rows])
    return out.getvalue().encode("utf-8")


def load_sample_files(user: Any, managers: bool = True) -> list[tuple[Plan, str]]:
    """Import each sample file through the importers, in load order: each file's plan and what
    became of it (its summary, or why it was refused); stops at the first file refused.
    ``managers`` False leaves out the sections' managers (the demo accounts)."""
    results = []
    for kind in LOAD_ORDER:
        path = SAMPLE_DIR / f"{kind.name}.csv"
        content = path.read_bytes()
        if not managers and kind.name == "sections":
            content = without_column(content, "managers")
        plan, applied = import_file(kind.name, path.name, content, user)
        refusal = (
            ""
            if applied is not None and applied.applied
            else (applied.message if applied else plan.summary())
        )
        results.append((plan, refusal))
        if refusal:
            break
    return results
