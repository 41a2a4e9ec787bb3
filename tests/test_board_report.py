"""The board report (seed 004's shape): from a synthetic snapshot, its cover, contents with real
page numbers, key to trends, indicator tables with counts, trends and overviews, breakdown tables
and Head of Service Narratives, tagged for PDF/UA."""

from __future__ import annotations

import copy

import pytest
from pdfua import validate

from reports import board, snapshot
from reports.pdf import render_report
from reports.pdf.board import page_ranges
from tests.test_report_pdf import Pdf, make_report

MONTHS = ["Jul-16", "Apr-17", "May-17", "Jun-17"]


def board_row(reference: str, n: int, sub_row: bool = False) -> snapshot.BoardRow:
    return {
        "reference": reference,
        "title": f"Indicator {reference}",
        "sub_row": sub_row,
        "cells": [f"{40 + n}.{m}% ({10 + m})" for m in range(4)],
        "trends": [
            {"arrow": "↑", "meaning": "increase, good", "tone": "good"},
            {"arrow": "↓", "meaning": "decrease, bad", "tone": "bad"},
            {"arrow": "↔", "meaning": "no change", "tone": "same"},
        ],
        "target": "65%+" if n == 0 else "",
        "tables": [],
        "overview": f"Overview of {reference}: **up** from last month.\n\n- a point",
    }


def make_board(sections: int = 3, rows: int = 6) -> snapshot.Report:
    report = make_report(sections=sections, indicators=1)
    report["layout"] = "board"
    report["summary"] = []
    parts: list[snapshot.BoardSection] = []
    for s, part in enumerate(report["sections"], 1):
        part["columns"], part["charts"] = [], []
        part["narrative"]["changes"] = f"Narrative of section {s}.\n\n- its point"
        parts.append(
            {
                "code": part["code"],
                "title": part["title"],
                "theme": "Children in Care" if s < 3 else "Workforce",
                "managers": [{"name": f"Manager {s}", "role": f"Head of Service {s}"}],
                "rows": [board_row(f"{s}.0{n}", n, sub_row=n % 3 == 2) for n in range(rows)]
                + [{**board_row(f"{s}.99", 9), "cells": ["", "", "", ""], "tables": [1]}],
                "tables": [
                    {
                        "number": 1,
                        "reference": f"{s}.99",
                        "title": f"Indicator {s}.99",
                        "dimension": "Gender",
                        "rows": [
                            {"category": "Female", "cells": ["50.0% (12)", "", "1", "2"]},
                            {"category": "Male", "cells": ["50.0% (12)", "", "3", "4"]},
                        ],
                    }
                ],
                "narrative": part["narrative"],
                "author": f"Author {s}",
                "author_role": f"Role {s}",
            }
        )
    report["board"] = {
        "board": "Corporate Parenting Board",
        "meeting": "2017-09-18",
        "introduction": "This report outlines performance for **the Board**.",
        "months": MONTHS,
        "trend_from": 1,
        "key": board.NUMERIC_KEY,
        "sections": parts,
    }
    return report


@pytest.fixture(scope="module")
def synthetic() -> Pdf:
    return Pdf(render_report(make_board()))


def test_make_board_is_the_snapshot_shape():
    report = make_board()
    assert set(report) == set(snapshot.Report.__annotations__)
    board = report["board"]
    assert board is not None
    assert set(board) == set(snapshot.Board.__annotations__)
    part = board["sections"][0]
    assert set(part) == set(snapshot.BoardSection.__annotations__)
    assert set(part["rows"][0]) == set(snapshot.BoardRow.__annotations__)


def test_cover_introduction_key_and_sections(synthetic):
    cover = synthetic.text(0, 1)
    assert "Corporate Parenting Board" in cover and "18 September 2017" in cover
    assert "DRAFT" in cover
    intro = synthetic.text(1, 2)
    for words in (line["words"] for line in board.NUMERIC_KEY):
        assert words in intro
    assert "Children in Care" in intro and "Manager 1" in intro and "Head of Service 1" in intro
    text = synthetic.text()
    for cell in ("Jul-16", "Trend Apr-17", "40.0% (10)", "65%+", "See table 1", "Female"):
        assert cell in text
    assert "Overview of 1.00: up from last month." in text
    assert "Head of Service Narrative: Author 2 \N{EN DASH} Role 2" in text
    assert "Narrative of section 3." in text


def test_contents_pages_are_the_real_pages(synthetic):
    outline = dict(synthetic.outline())
    starts = [outline[f"SECTION {n}"] + 1 for n in range(1, 4)]  # 1-based, as printed
    intro = synthetic.text(1, 2)
    for n, start in enumerate(starts):
        end = starts[n + 1] - 1 if n + 1 < len(starts) else len(synthetic.pages)
        printed = str(start) if end == start else f"{start}-{end}"
        assert f"SECTION {n + 1} {printed}" in intro, (printed, intro)


def test_page_ranges():
    report = make_board(sections=3)
    starts = {"S1": 3, "S2": 9, "S3": 14, "end": 17}
    assert page_ranges(report, starts, 16) == {"S1": "3-8", "S2": "9-13", "S3": "14-16"}
    assert page_ranges(report, {"S1": 3, "S2": 4, "S3": 5}, 5) == {
        "S1": "3",
        "S2": "4",
        "S3": "5",
    }


def test_issued_board_has_no_draft_mark():
    report = make_board(sections=1)
    report["edition"] = {**report["edition"], "issued": True, "draft": None, "label": "Issue 2"}
    assert "DRAFT" not in Pdf(render_report(report)).text(0, 1)


def test_schema_2_snapshots_read_as_monthly():
    old = make_report(sections=1, indicators=1)
    old["schema"] = 2
    del old["layout"], old["board"]
    upgraded = snapshot.current(copy.deepcopy(old))
    assert (upgraded["layout"], upgraded["board"], upgraded["schema"]) == ("monthly", None, 3)
    assert old["schema"] == 2  # the stored snapshot is never rewritten


def test_the_pdfua_checker_finds_nothing(synthetic, tmp_path):
    path = tmp_path / "board.pdf"
    path.write_bytes(synthetic.rendered.content)
    found = validate(str(path))
    assert [(f.rule_id, f.message) for f in found.findings] == []
