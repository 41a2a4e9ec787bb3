"""The June 2017 board report built from the Kirklees sample equals the published paper (seed 004).

``build_report "Corporate Parenting Board" 2017-06`` builds it; its snapshot is compared with
the transcribed files (``indicators/sample_data/corporate_parenting_board/*.csv``, themselves
compared with the seed cell by cell in ``test_board_sample_data``) for every figure, count,
trend arrow, breakdown cell, Performance Overview and Head of Service Narrative, and the PDF is
read back for what the panel sees.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from pdfua import validate
from pypdf import PdfReader

from indicators.models import ReportingMonth
from reports import assembly, snapshot
from tests.test_board_sample_data import (
    ARROWS_AGAINST_THE_NUMBERS,
    narratives,
    number,
    overviews,
    previous_month,
    sample,
)
from tests.test_report_pdf import flat

pytestmark = pytest.mark.django_db
BOARD = "Corporate Parenting Board"
JUNE = datetime.date(2017, 6, 1)
MONTHS = {"2016-07": 0, "2017-04": 1, "2017-05": 2, "2017-06": 3}
# The paper prints these zero percentages without their % sign; the product always prints the
# indicator's unit (TRANSCRIPTION.md, "decimals").
ZERO_PERCENT_PRINTED_BARE = {
    ("4.01.07.no-postcode", "2016-07"),
    ("4.01.07.no-postcode", "2017-05"),
    ("4.01.07.no-postcode", "2017-06"),
    ("4.04.03.other", "2017-04"),
}
# The quarterly 4.12.01 prints its own columns in the paper (Jan-Mar-17 Q4, Apr-Jun-17 Q1); the
# board's columns are months, so its Q4 figure and arrow (filed under March) are not printed.
NOT_IN_THE_BOARDS_MONTHS = {("4.12.01", "2017-03")}


@pytest.fixture(scope="module")
def built(
    django_db_setup, django_db_blocker, tmp_path_factory
) -> tuple[snapshot.Report, str, bytes]:
    """The draft board report's snapshot, its PDF's text and the PDF, built by the command."""
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        call_command("load_sample_data", stdout=io.StringIO())
        out = io.StringIO()
        path = media / "board.pdf"
        call_command("build_report", BOARD, "2017-06", output=str(path), stdout=out)
        month = ReportingMonth.objects.get(framework__name=BOARD, month=JUNE)
        report = assembly.assemble(
            month,
            assembly.edition_details(
                issue=1, draft=1, created_on=datetime.date(2017, 9, 11), created_by=None
            ),
        )
        content = Path(path).read_bytes()
        reader = PdfReader(io.BytesIO(content))
        text = flat(" ".join(page.extract_text() for page in reader.pages))
        transaction.set_rollback(True)
    return report, text, content


def rows(report: snapshot.Report) -> dict[str, snapshot.BoardRow]:
    assert report["board"] is not None
    return {row["reference"]: row for part in report["board"]["sections"] for row in part["rows"]}


def test_the_board_layout_and_its_months(built):
    report, _, _ = built
    assert report["layout"] == "board" and report["board"] is not None
    board = report["board"]
    assert board["months"] == ["Jul-16", "Apr-17", "May-17", "Jun-17"]
    assert board["trend_from"] == 1
    assert [p["code"] for p in board["sections"]] == [r["code"] for r in sample("sections")]
    assert [p["theme"] for p in board["sections"]] == [r["theme"] for r in sample("sections")]


def expected_cell(row: dict[str, str]) -> str:
    """A transcribed figure as the board prints it: the value, its count in brackets."""
    value = row["value"].replace(" %", "%")
    return f"{value} ({row['numerator']})" if row["numerator"] else value


def test_every_figure_and_count_is_the_transcribed_one(built):
    report, _, _ = built
    printed = rows(report)
    differ = []
    for figure in sample("figures"):
        column = MONTHS.get(figure["month"])
        if column is None:
            continue
        got = printed[figure["indicator"]]["cells"][column]
        if got != expected_cell(figure):
            differ.append((figure["indicator"], figure["month"], got, expected_cell(figure)))
    bare = [(r, m) for r, m, got, paper in differ if (got, paper) == ("0%", "0")]
    assert set(bare) == ZERO_PERCENT_PRINTED_BARE
    assert len(differ) == len(bare), "\n".join(map(str, differ))
    # Every printed cell comes from a figure of its month: nothing printed without one.
    known = {(f["indicator"], f["month"]) for f in sample("figures")}
    for reference, row in printed.items():
        for month, column in MONTHS.items():
            if row["cells"][column]:
                assert (reference, month) in known, (reference, month)


def test_every_trend_arrow_is_the_printed_one(built):
    """Each quarter month's arrow equals the paper's, except the paper's own slips (against its
    numbers) and where the month before has no figure to compare with (the paper does not print
    March 2017, and May 2017 of 4.10.05 is n/a): the product prints no arrow it cannot compute."""
    report, _, _ = built
    printed = rows(report)
    figures = {(f["indicator"], f["month"]): f for f in sample("figures")}
    against, without_before, unprinted = set(), set(), set()
    for trend in sample("expected_trends"):
        reference, month = trend["indicator"], trend["month"]
        if MONTHS.get(month, 0) < 1:
            unprinted.add((reference, month))
            continue
        got = printed[reference]["trends"][MONTHS[month] - 1]["arrow"]
        if got == trend["arrow"]:
            continue
        if got:
            against.add((reference, month))
            continue
        before = figures.get((reference, previous_month(reference, month)))
        assert before is None or number(before["value"]) is None, (reference, month)
        without_before.add((reference, month))
    assert against == ARROWS_AGAINST_THE_NUMBERS
    assert unprinted == NOT_IN_THE_BOARDS_MONTHS
    assert {m for _, m in without_before} <= {"2017-04", "2017-06"}
    # Where both months have figures, every arrow is printed.
    assert len(sample("expected_trends")) - len(against | without_before | unprinted) > 40


def test_every_breakdown_cell_is_the_transcribed_one(built):
    report, _, _ = built
    assert report["board"] is not None
    cells = {}
    for part in report["board"]["sections"]:
        for table in part["tables"]:
            for row in table["rows"]:
                for month, column in MONTHS.items():
                    text = row["cells"][column]
                    if text:
                        key = (table["reference"], month, table["dimension"], row["category"])
                        cells[key] = text
    expected = {
        (r["indicator"], r["month"], r["dimension"], r["category"]): expected_cell(r)
        for r in sample("breakdowns")
        if r["month"] in MONTHS
    }
    assert cells == expected


def test_overviews_and_narratives_with_their_authors(built):
    report, _, _ = built
    assert report["board"] is not None
    printed = rows(report)
    for row in overviews():
        assert printed[row["indicator"]]["overview"] == row["overview"].strip(), row["indicator"]
    names = {r["username"]: f"{r['first_name']} {r['last_name']}" for r in sample("managers")}
    roles = {r["username"]: r["role_title"] for r in sample("managers")}
    parts = {p["code"]: p for p in report["board"]["sections"]}
    for row in narratives():
        part = parts[row["section"]]
        assert part["narrative"]["changes"] == row["changes"].strip()
        assert (part["author"], part["author_role"]) == (
            names[row["author"]],
            roles[row["author"]],
        )


def test_the_pdf_reads_back(built):
    report, text, _ = built
    assert report["board"] is not None
    for needle in (
        "Corporate Parenting Board",
        "18 September 2017",
        "DRAFT",
        "Key to Trends",
        "Increasing and higher is better",
        "Decreasing but higher is better",
        "Jul-16",
        "82.4% (14)",
        "Trend Jun-17",
    ):
        assert needle in text, needle
    for part in report["board"]["sections"]:
        assert part["theme"] in text and part["title"] in text
        if part["author"]:
            assert f"Head of Service Narrative: {part['author']}" in text, part["code"]
        first = " ".join(part["narrative"]["changes"].split()[:8])
        assert flat(first.replace("**", "")) in text, part["code"]
        for table in part["tables"]:
            for row in table["rows"]:
                assert row["category"] in text
    for row in overviews():
        words = " ".join(row["overview"].replace("**", "").split()[:6])
        assert words in text, row["indicator"]


def test_the_pdfua_checker_finds_nothing(built, tmp_path):
    path = tmp_path / "board.pdf"
    path.write_bytes(built[2])
    found = validate(str(path))
    assert [(f.rule_id, f.message) for f in found.findings] == []
