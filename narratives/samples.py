"""The samples' published narratives, saved as drafts by their heads of service: April 2020 of
the Corporate Parenting report, June 2017 of the Corporate Parenting Board (with the Performance
Overview of each indicator, saved with its section's narrative as one version)."""

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
# Each sample framework's narratives file (section, month, changes, data_notes[, author]).
NARRATIVE_FILES = {
    "Corporate Parenting": NARRATIVES_CSV,
    "Corporate Parenting Board": SAMPLE_DATA / "corporate_parenting_board_2017-06.csv",
}
# Each board sample's Performance Overviews (indicator, month, overview).
OVERVIEW_FILES = {
    "Corporate Parenting Board": SAMPLE_DATA / "corporate_parenting_board_2017-06_overview.csv",
}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def sample_narratives(path: Path = NARRATIVES_CSV) -> dict[str, tuple[str, str]]:
    """A sample's narratives: section code -> (changes, data notes)."""
    return {row["section"]: (row["changes"], row["data_notes"]) for row in _rows(path)}


def sample_authors(path: Path) -> dict[str, str]:
    """Section code -> the username of the narrative's author, where the file names one."""
    return {row["section"]: row["author"] for row in _rows(path) if row.get("author")}


def sample_overviews(path: Path) -> dict[int, dict[str, str]]:
    """A sample's Performance Overviews by section id: {indicator reference: text}."""
    texts = {row["indicator"]: row["overview"] for row in _rows(path)}
    by_section: dict[int, dict[str, str]] = defaultdict(dict)
    for reference, section_id in Indicator.objects.filter(reference__in=texts).values_list(
        "reference", "section_id"
    ):
        by_section[section_id][reference] = texts[reference]
    return by_section


def save_sample_narratives(reporting_month: ReportingMonth) -> int:
    """Each untouched narrative of the month gets its section's published text, saved as a draft
    by its author (the file's, else the section's first head of service) through the workflow's
    own verb, with its indicators' Performance Overviews where the sample has them; returns how
    many."""
    path = NARRATIVE_FILES.get(reporting_month.framework.name)
    if path is None:
        return 0
    texts = sample_narratives(path)
    authors = {
        user.username: user
        for user in get_user_model().objects.filter(username__in=sample_authors(path).values())
    }
    author_of = sample_authors(path)
    overviews_path = OVERVIEW_FILES.get(reporting_month.framework.name)
    overviews = sample_overviews(overviews_path) if overviews_path else {}
    saved = 0
    for narrative in Narrative.objects.filter(
        reporting_month=reporting_month, version=0
    ).select_related("section"):
        code = narrative.section.code
        changes, data_notes = texts.get(code, ("", ""))
        author = authors.get(author_of.get(code, "")) or narrative.section.managers.first()
        if changes and author is not None:
            services.save_text(
                narrative,
                author,
                changes,
                data_notes,
                narrative.version,
                overviews.get(narrative.section_id),
            )
            saved += 1
    return saved
