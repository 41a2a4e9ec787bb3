"""The April 2020 sample's published narratives, saved as drafts by their heads of service."""

from __future__ import annotations

import csv
from pathlib import Path

from indicators.models import ReportingMonth

from . import services
from .models import Narrative

NARRATIVES_CSV = Path(__file__).resolve().parent / "sample_data" / "corporate_parenting_2020-04.csv"


def sample_narratives() -> dict[str, tuple[str, str]]:
    """The April 2020 narratives: section code -> (changes, data notes)."""
    with NARRATIVES_CSV.open(encoding="utf-8-sig", newline="") as handle:
        return {
            row["section"]: (row["changes"], row["data_notes"]) for row in csv.DictReader(handle)
        }


def save_sample_narratives(reporting_month: ReportingMonth) -> int:
    """Each untouched narrative of the month gets its section's published text, saved as a draft
    by the section's first head of service through the workflow's own verb; returns how many."""
    texts = sample_narratives()
    saved = 0
    for narrative in Narrative.objects.filter(
        reporting_month=reporting_month, version=0
    ).select_related("section"):
        changes, data_notes = texts.get(narrative.section.code, ("", ""))
        author = narrative.section.managers.first()
        if changes and author is not None:
            services.save_text(narrative, author, changes, data_notes, narrative.version)
            saved += 1
    return saved
