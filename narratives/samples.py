"""The samples' published narratives, saved as drafts through the workflow's own verb.

April 2020 (Corporate Parenting): each section's text, by the section's first head of service.
June 2017 (Kirklees Corporate Parenting Board): each section's Head of Service Narrative and the
Performance Overview of each of its indicators, by the author the narrative's heading names.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from django.contrib.auth import get_user_model

from indicators.models import Indicator, ReportingMonth

from . import services
from .models import Narrative

SAMPLE_DATA = Path(__file__).resolve().parent / "sample_data"
NARRATIVES_CSV = SAMPLE_DATA / "corporate_parenting_2020-04.csv"
BOARD_NARRATIVES_CSV = SAMPLE_DATA / "corporate_parenting_board_2017-06.csv"
BOARD_OVERVIEW_CSV = SAMPLE_DATA / "corporate_parenting_board_2017-06_overview.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def sample_narratives() -> dict[str, tuple[str, str]]:
    """The April 2020 narratives: section code -> (changes, data notes)."""
    return {row["section"]: (row["changes"], row["data_notes"]) for row in _rows(NARRATIVES_CSV)}


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


def board_narratives() -> dict[str, dict[str, str]]:
    """The June 2017 board narratives: section code -> its CSV row (author, changes, data notes)."""
    return {row["section"]: row for row in _rows(BOARD_NARRATIVES_CSV)}


def board_overviews() -> dict[str, str]:
    """The June 2017 Performance Overviews: indicator reference -> text."""
    return {row["indicator"]: row["overview"] for row in _rows(BOARD_OVERVIEW_CSV)}


def save_board_narratives(reporting_month: ReportingMonth) -> int:
    """Each untouched narrative of the board month gets its section's Head of Service Narrative
    and its indicators' Performance Overviews, saved together as one draft by the author the
    narrative names (who must manage the section: TRANSCRIPTION.md); returns how many."""
    texts = board_narratives()
    overviews = board_overviews()
    by_section: dict[int, dict[str, str]] = defaultdict(dict)
    for reference, section_id in Indicator.objects.filter(reference__in=overviews).values_list(
        "reference", "section_id"
    ):
        by_section[section_id][reference] = overviews[reference]
    users = get_user_model().objects
    saved = 0
    for narrative in Narrative.objects.filter(
        reporting_month=reporting_month, version=0
    ).select_related("section"):
        row = texts.get(narrative.section.code)
        if row is None:
            continue
        author = users.filter(username=row["author"]).first()
        if author is None:  # loaded without the demo accounts
            continue
        services.save_text(
            narrative,
            author,
            row["changes"],
            row["data_notes"],
            narrative.version,
            by_section.get(narrative.section_id, {}),
        )
        saved += 1
    return saved
