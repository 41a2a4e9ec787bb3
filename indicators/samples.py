"""The samples: the April 2020 Corporate Parenting monthly report (Rotherham, seeds 000/002) and
the June 2017 Corporate Parenting Board report (Kirklees, seed 004), as formats.md files.

``sample_data/frameworks.csv`` describes both frameworks; each sample's folder holds its
catalogue, figures and (for the board) breakdown tables. Everything loads through the importers.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .importing.kinds import LOAD_ORDER
from .importing.pipeline import import_file
from .importing.plan import Plan
from .services import default_timetable

SAMPLE_DATA = Path(__file__).resolve().parent / "sample_data"
FRAMEWORKS_FILE = SAMPLE_DATA / "frameworks.csv"


@dataclass(frozen=True)
class Sample:
    framework: str
    folder: Path
    month: datetime.date
    timetable: dict[str, datetime.date]

    def managers(self) -> list[dict[str, str]]:
        """The sample's responsible managers (``managers.csv``: username, first_name,
        last_name, role_title, sections), for demo accounts; none without the file."""
        path = self.folder / "managers.csv"
        if not path.exists():
            return []
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))


MONTHLY = Sample(
    framework="Corporate Parenting",
    folder=SAMPLE_DATA / "corporate_parenting",
    month=datetime.date(2020, 4, 1),
    # The report is dated 26/05/20 (Issue 1, Draft 2); the panel met in June.
    timetable={
        "figures_due": datetime.date(2020, 5, 8),
        "narratives_due": datetime.date(2020, 5, 15),
        "signoff_due": datetime.date(2020, 5, 22),
        "panel_date": datetime.date(2020, 6, 1),
    },
)
BOARD = Sample(
    framework="Corporate Parenting Board",
    folder=SAMPLE_DATA / "corporate_parenting_board",
    month=datetime.date(2017, 6, 1),
    # Data as at 30 June 2017; the paper is dated 18 September 2017, the board's meeting.
    timetable={
        **default_timetable(datetime.date(2017, 6, 1)),
        "panel_date": datetime.date(2017, 9, 18),
    },
)
SAMPLES = (MONTHLY, BOARD)


def _rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _csv_of(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def without_column(content: bytes, column: str) -> bytes:
    """The CSV without one column: the managers are demo accounts that --no-accounts omits."""
    rows = _rows_of(content)
    index = rows[0].index(column)
    return _csv_of([row[:index] + row[index + 1 :] for row in rows])


def only_rows(content: bytes, column: str, value: str) -> bytes:
    """The CSV with only the rows whose ``column`` is ``value`` (and its header)."""
    header, *rows = _rows_of(content)
    index = header.index(column)
    return _csv_of([header, *(row for row in rows if row[index] == value)])


def samples_named(only: str | None = None) -> tuple[Sample, ...]:
    """The samples, or only the one of framework ``only``; ValueError naming them if none is."""
    if only is None:
        return SAMPLES
    chosen = tuple(sample for sample in SAMPLES if sample.framework == only)
    if not chosen:
        names = ", ".join(f"'{sample.framework}'" for sample in SAMPLES)
        raise ValueError(f"no sample framework '{only}': the samples are {names}")
    return chosen


def sample_files(only: str | None = None) -> list[tuple[str, Path]]:
    """(kind, path) of every sample file in load order: the frameworks, then each sample's
    files in the order of their kinds (only the sample of framework ``only`` when given)."""
    files = [("frameworks", FRAMEWORKS_FILE)]
    for sample in samples_named(only):
        for kind in LOAD_ORDER:
            path = sample.folder / f"{kind.name}.csv"
            if kind.name != "frameworks" and path.exists():
                files.append((kind.name, path))
    return files


def load_sample_files(
    user: Any, managers: bool = True, only: str | None = None
) -> list[tuple[Plan, str]]:
    """Import each sample file through the importers, in load order: each file's plan and what
    became of it (its summary, or why it was refused); stops at the first file refused.
    ``managers`` False leaves out the sections' managers (the demo accounts); ``only`` loads
    only the sample of that framework."""
    results = []
    for kind, path in sample_files(only):
        content = path.read_bytes()
        if not managers and kind == "sections":
            content = without_column(content, "managers")
        if only is not None and kind == "frameworks":
            content = only_rows(content, "name", only)
        plan, applied = import_file(kind, path.name, content, user)
        refusal = (
            ""
            if applied is not None and applied.applied
            else (applied.message if applied else plan.summary())
        )
        results.append((plan, refusal))
        if refusal:
            break
    return results
