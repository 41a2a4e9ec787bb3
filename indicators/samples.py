"""The April 2020 Corporate Parenting sample: the catalogue and figures as formats.md files."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from typing import Any

from .imports import ImportReport, import_file
from .resources import LOAD_ORDER

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


def load_sample_files(user: Any, managers: bool = True) -> list[ImportReport]:
    """Import each sample file through the importers, in load order; stops at the first file
    with errors (its report is the last returned). ``managers`` False leaves out the sections'
    managers (the demo accounts)."""
    reports = []
    for kind in LOAD_ORDER:
        path = SAMPLE_DIR / f"{kind}.csv"
        content = path.read_bytes()
        if not managers and kind == "sections":
            content = without_column(content, "managers")
        report = import_file(kind, path.name, content, user=user)
        reports.append(report)
        if not report.ok:
            break
    return reports
