"""The report and covering-paper PDFs, read back with pypdf.

The sample (April 2020, as ``load_sample_data`` loads it) is assembled once for the module inside a
transaction that is rolled back; synthetic snapshots from ``make_report`` test what the sample
cannot: awkward text, very long narratives and very large frameworks.
"""

from __future__ import annotations

import copy
import datetime
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from pypdf import PdfReader
from pypdf.generic import Destination

from indicators.models import ReportingMonth
from narratives.models import Narrative
from reports import assembly, papers, snapshot
from reports.pdf import Rendered, render_paper, render_report

TITLE = "Corporate Parenting Monthly Performance Report"
DISCLAIMER = (
    "Please note: Data reports are not dynamic. Although care is taken to ensure data is as "
    "accurate as possible every month, delays in data input can result in changes in figures when "
    "reports are re-run retrospectively. To combat this at least two individual months data is "
    "rerun for each indicator."
)
# Tells pytest-django to create the test database, which the module's own fixture then fills.
pytestmark = pytest.mark.django_db

DASH = "\N{EN DASH}"
MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]


# -- reading PDFs -------------------------------------------------------------------------------


def flat(text: str) -> str:
    """Text with every run of whitespace (line breaks included) as one space."""
    return " ".join(text.split())


def outline_of(reader: PdfReader) -> list[tuple[str, int]]:
    """Each bookmark's title and page index (from 0), in order."""
    entries = []
    for entry in reader.outline:
        assert isinstance(entry, Destination), "the outline has no nested levels"
        page = reader.get_destination_page_number(entry)
        assert page is not None, entry.title
        entries.append((entry.title or "", page))
    return entries


class Pdf:
    """A rendered PDF's pages, text and outline."""

    def __init__(self, rendered: Rendered) -> None:
        self.rendered = rendered
        self.reader = PdfReader(io.BytesIO(rendered.content))
        self.pages = [page.extract_text() for page in self.reader.pages]

    def text(self, start: int = 0, stop: int | None = None) -> str:
        return flat(" ".join(self.pages[start:stop]))

    def outline(self) -> list[tuple[str, int]]:
        return outline_of(self.reader)

    def outline_page(self, title: str) -> int:
        return dict(self.outline())[title]


def cells(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def summary_rows(pdf: Pdf, report: snapshot.Report) -> dict[str, list[str]]:
    """The summary's cells, row by row: from a row's reference to the next row's."""
    start = pdf.outline_page("Performance summary")
    stop = pdf.outline_page(report["sections"][0]["title"])
    lines = [line for page in pdf.pages[start:stop] for line in cells(page)]
    references = [line["reference"] for group in report["summary"] for line in group["lines"]]
    found: list[int] = []
    for reference in references:
        found.append(lines.index(reference, found[-1] + 1 if found else 0))
    found.append(len(lines))
    return {ref: lines[found[i] : found[i + 1]] for i, ref in enumerate(references)}


# -- the sample ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, snapshot.Report]:
    """The sample's snapshots: Issue 1, Draft 2 with draft narratives; the same with the
    narratives approved; and Issue 1 issued. The data is loaded once and rolled back."""
    reports = {}
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        call_command("load_sample_data", stdout=io.StringIO())
        month = ReportingMonth.objects.get(framework__name="Corporate Parenting")

        def edition(draft: int | None) -> snapshot.Edition:
            return assembly.edition_details(
                issue=1, draft=draft, created_on=datetime.date(2020, 5, 26), created_by=None
            )

        reports["draft"] = assembly.assemble(month, edition(2))
        Narrative.objects.update(status="approved", locked=True)
        reports["approved"] = assembly.assemble(month, edition(2))
        reports["issued"] = assembly.assemble(month, edition(None))
        transaction.set_rollback(True)
    return reports


@pytest.fixture(scope="module")
def draft_pdf(sample) -> Pdf:
    return Pdf(render_report(sample["draft"]))


@pytest.fixture(scope="module")
def issued_pdf(sample) -> Pdf:
    return Pdf(render_report(sample["issued"]))


@pytest.fixture(scope="module")
def paper_pdf(sample) -> Pdf:
    return Pdf(render_paper(sample["approved"]))


def test_cover(draft_pdf):
    cover = flat(draft_pdf.pages[0])
    for text in (
        "Children & Young People Services",
        TITLE,
        "As at Month End: April 2020",
        "Rotherham Metropolitan Borough Council",
        "Status Issue 1, Draft 2",
        "Date created 26/05/2020",
        "Created by Performance & Quality Team",
        DISCLAIMER,
    ):
        assert text in cover
    # One date format throughout, and the PDF's own dates are the edition's.
    assert not re.search(r"\b\d\d/\d\d/\d\d\b(?!\d)", draft_pdf.text())
    info = draft_pdf.reader.metadata
    assert info["/CreationDate"] == info["/ModDate"] == "D:20200526000000Z"


def test_summary_rows_carry_the_seed_figures_arrows_and_rag(draft_pdf, sample):
    rows = summary_rows(draft_pdf, sample["draft"])
    assert len(rows) == 43
    for token in ("6.2", "Low", "106.2", "104.5", "106.1", "99.1", "92.0", "↓", "R"):
        assert token in rows["6.2"]
    assert {"95.2%", "G", "↑", "<90%", "95%+"} <= set(rows["6.8"])
    assert {"9.6%", "↑", "G"} <= set(rows["8.2"])
    assert {"100.0%", "→"} <= set(rows["6.12"])
    assert "R" not in rows["6.8"] and "G" not in rows["6.2"]
    for group in sample["draft"]["summary"]:
        for line in group["lines"]:
            row = rows[line["reference"]]
            printed = [*line["months"], *line["outturns"], line["dot"]["arrow"], line["rag"]]
            assert all(text in row for text in printed if text), line["reference"]


def test_summary_groups_and_dot_key(draft_pdf, sample):
    start = draft_pdf.outline_page("Performance summary")
    text = draft_pdf.text(start, draft_pdf.outline_page("LOOKED AFTER CHILDREN"))
    assert "'DOT' - Direction of travel represents the direction of 'performance'" in text
    assert "improvement in performance / increase in numbers" in text
    assert "R Red A Amber G Green" in text
    positions = [text.index(group["title"] + " ") for group in sample["draft"]["summary"]]
    assert positions == sorted(positions)
    # The header rows open every page of the summary.
    for page in draft_pdf.pages[start : draft_pdf.outline_page("LOOKED AFTER CHILDREN")]:
        assert "LATEST BENCHMARKING" in page and "YR ON YR TREND" in page


def test_each_section_has_its_part_after_the_summary(draft_pdf, sample):
    pages = [page for _, page in draft_pdf.outline()]
    for number, part in enumerate(sample["draft"]["sections"]):
        start = pages[number + 2]
        stop = pages[number + 3] if number + 3 < len(pages) else None
        text = draft_pdf.text(start, stop)
        first_sentence = part["narrative"]["changes"].split(". ")[0]
        assert flat(draft_pdf.pages[start]).startswith("DRAFT " + part["title"])
        assert "DEFINITION" in text and "SIGNIFICANT CHANGES / CONCERNS" in text
        assert flat(first_sentence) in text
        assert f"NOT YET APPROVED {DASH} draft narrative (status: Draft)" in text
        for column in part["columns"]:
            assert f"{column['reference']} " in text
    lac = draft_pdf.text(pages[2], pages[3])
    assert "Data note: An issue has arisen within the Liquid Logic system" in lac
    assert "IN MONTH PERFORMANCE" in draft_pdf.pages[pages[2]]
    assert f"TRENDS, Jan-20 {DASH} Mar-21" in lac


def test_pages_are_numbered_in_every_footer(draft_pdf):
    total = len(draft_pdf.reader.pages)
    assert draft_pdf.rendered.pages == total
    for number, page in enumerate(draft_pdf.pages, 1):
        footer = flat(page)
        assert footer.endswith(f"Page {number} of {total}")
        assert f"{TITLE} · April 2020 · Issue 1, Draft 2" in footer


def test_outline_has_the_summary_and_each_section_in_order(draft_pdf, sample):
    outline = draft_pdf.outline()
    titles = [title for title, _ in outline]
    assert titles == ["Cover", "Performance summary"] + [
        part["title"] for part in sample["draft"]["sections"]
    ]
    pages = [page for _, page in outline]
    assert pages == sorted(set(pages)) and pages[:2] == [0, 1]


def test_metadata(draft_pdf, issued_pdf):
    meta = draft_pdf.reader.metadata
    assert meta.title == TITLE
    assert meta.author == "Performance & Quality Team"
    assert meta.subject == f"{TITLE}, as at month end April 2020, Issue 1, Draft 2"
    assert issued_pdf.reader.metadata.subject.endswith("April 2020, Issue 1")
    assert draft_pdf.reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_draft_watermark_only_on_drafts(draft_pdf, issued_pdf):
    assert all("DRAFT" in page for page in draft_pdf.pages)
    assert not any("DRAFT" in page for page in issued_pdf.pages)
    assert "NOT YET APPROVED" not in issued_pdf.text()
    assert "Status Issue 1 Date created" in issued_pdf.text(0, 1)


def test_same_snapshot_same_bytes(draft_pdf, sample):
    assert render_report(copy.deepcopy(sample["draft"])).content == draft_pdf.rendered.content


def test_dejavu_is_embedded(draft_pdf, paper_pdf):
    for pdf in (draft_pdf, paper_pdf):
        fonts = {
            font.get_object()["/BaseFont"]: font.get_object()
            for page in pdf.reader.pages
            for font in page["/Resources"]["/Font"].values()
        }
        assert fonts and all("DejaVu" in name for name in fonts)
        for font in fonts.values():
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()


def test_approved_narratives_say_who_approved(sample):
    pdf = Pdf(render_report(sample["approved"]))
    text = pdf.text(pdf.outline_page("LOOKED AFTER CHILDREN"))
    assert "NOT YET APPROVED" not in text
    assert "Approved" in text
    report = make_report(sections=1, indicators=2, approved=True)
    text = Pdf(render_report(report)).text()
    assert "Approved by Alex Morgan on 20/05/2020" in text


def test_draft_without_narrative_says_so(sample):
    report = copy.deepcopy(sample["draft"])
    report["sections"][1]["narrative"].update(changes="", status="Not started")
    pdf = Pdf(render_report(report))
    part = pdf.text(pdf.outline_page(report["sections"][1]["title"]))
    assert f"NOT YET APPROVED {DASH} draft narrative (status: Not started)" in part
    assert "No narrative has been written for this section yet." in part


# -- the covering paper -------------------------------------------------------------------------


SEED_PAPER = next((Path(__file__).parent / "seeds").glob("002_*.txt")).read_text()
# Every heading of the published covering paper (seed 002), in its order.
PAPER_HEADINGS = [
    "Council Report",
    "Is this a Key Decision and has it been included on the Forward Plan?",
    "Strategic Director Approving Submission of the Report",
    "Report Author(s)",
    "Ward(s) Affected",
    "Summary",
    "Recommendations",
    "List of Appendices Included",
    "Background Papers",
    "Consideration by any other Council Committee, Scrutiny or Advisory Panel",
    "Council Approval Required",
    "Exempt from the Press and Public",
    "Title:",
    "1. Recommendations",
    "2. Background",
    "3. Key Issues",
    "4. Options considered and recommended proposal",
    "5. Consultation",
    "6. Timetable and Accountability for Implementing this Decision",
    "7. Financial and Procurement Implications",
    "8. Legal Implications",
    "9. Human Resources Implications",
    "10. Implications for Children and Young People and Vulnerable Adults",
    "11. Equalities and Human Rights Implications",
    "12. Implications for Partners and Other Directorates",
    "13. Risks and Mitigation",
    "14. Accountable Officer(s)",
]


def test_the_headings_are_the_seeds():
    positions = [SEED_PAPER.index(heading) for heading in PAPER_HEADINGS]
    assert positions == sorted(positions)


def test_paper_has_every_heading_of_the_seed_in_order(paper_pdf, sample):
    text = paper_pdf.text()
    report = sample["approved"]
    first = report["sections"][0]
    first_paragraph = flat(first["narrative"]["changes"].split("\n\n")[0])
    assert text.startswith(
        "DRAFT Rotherham Metropolitan Borough Council Council Report " + report["paper"]["title"]
    )
    positions = [text.index(heading) for heading in PAPER_HEADINGS]
    assert positions == sorted(positions)
    for heading in (
        "Summary 1.1 This report provides a summary",
        "Recommendations 2.1 The Corporate Parenting Panel is asked to receive the report",
        "1. Recommendations 1.1 The Corporate Parenting Panel is asked",
        "3. Key Issues 3.1 LOOKED AFTER CHILDREN 3.1.1 " + first_paragraph,
        "3.2 LOOKED AFTER CHILDREN - REVIEWS, PLANS & VISITS 3.2.1 ",
        "5. Consultation 5.1 Not applicable",
        "14. Accountable Officer(s) 14.1 Rebecca Wall, Head of Service safeguarding",
        f"Appendix A {DASH} {TITLE} {DASH} April 2020",
        "Ward(s) Affected All",
    ):
        assert heading in text
    assert "3.9.1 " in text and "3.10 " not in text
    assert "To be confirmed" not in text
    assert paper_pdf.reader.metadata.title == report["paper"]["title"]
    total = len(paper_pdf.pages)
    assert all(flat(p).endswith(f"Page {n} of {total}") for n, p in enumerate(paper_pdf.pages, 1))


def test_paper_paragraphs_officers_and_skipped_sections():
    report = make_report(sections=3, indicators=2, approved=True, issued=True)
    report["sections"][0]["narrative"]["changes"] = ""
    report["paper"]["summary"] = "First paragraph.\n\nSecond paragraph."
    report["paper"]["accountable_officers"] = (
        "Jane Doe, Director of Children's Services\nJohn Smith, Head of LAC"
    )
    pdf = Pdf(render_paper(report))
    text = pdf.text()
    assert "1.1 First paragraph. 1.2 Second paragraph." in text
    assert "3.1 SECTION 2 3.1.1 Section 2 opens here." in text
    assert "3.1.2 First point of section 2" in text and "3.3 " not in text
    officers = pdf.pages[-1]
    assert "Jane Doe, Director of Children's Services\nJohn Smith, Head of LAC" in officers
    assert not any("DRAFT" in page for page in pdf.pages)


# -- robustness ---------------------------------------------------------------------------------


def test_markup_characters_print_literally():
    awkward = "Ratio <5 & <b>rising</b> a<b"
    report = make_report(sections=2, indicators=2)
    report["summary"][0]["lines"][0]["title"] = awkward
    report["sections"][0]["columns"][0]["title"] = awkward
    report["sections"][0]["charts"][0]["title"] = awkward
    report["sections"][0]["title"] = "CARE & <SUPPORT>"
    report["sections"][0]["narrative"]["changes"] = (
        "Children & families said <b>no</b> to a<b and **really** mean it.\n\n- x < y & z"
    )
    pdf = Pdf(render_report(report))
    text = pdf.text()
    assert text.count(awkward) >= 3
    assert "Children & families said <b>no</b> to a<b and really mean it." in text
    assert "• x < y & z" in text
    assert "**" not in text
    assert [title for title, _ in pdf.outline()][2] == "CARE & <SUPPORT>"
    paper = Pdf(render_paper(report)).text()
    assert (
        "3.1 CARE & <SUPPORT> Not yet approved \N{EN DASH} draft narrative (status: Submitted)"
        in paper
    )
    assert (
        "3.1.1 Children & families said <b>no</b> to a<b and really mean it. 3.1.2 x < y" in paper
    )


def test_a_long_narrative_runs_over_pages():
    report = make_report(sections=2, indicators=3)
    sentences = [f"Sentence {n} says what changed in month {n % 12} and why." for n in range(300)]
    report["sections"][0]["narrative"]["changes"] = " ".join(sentences) + " THE END."
    assert len(report["sections"][0]["narrative"]["changes"].split()) > 3000
    pdf = Pdf(render_report(report))
    assert pdf.outline_page("SECTION 2") - pdf.outline_page("SECTION 1") >= 3
    assert "Sentence 299 says what changed in month 11 and why. THE END." in pdf.text()


def test_a_framework_of_forty_sections():
    report = make_report(sections=40, indicators=4)
    rendered = render_report(report)
    pdf = Pdf(rendered)
    assert [title for title, _ in pdf.outline()][2:] == [f"SECTION {n}" for n in range(1, 41)]
    assert rendered.pages == len(pdf.pages) >= 42
    assert Pdf(render_paper(report)).text().count("3.40.1 ") == 1


def test_many_indicators_split_the_monthly_table():
    report = make_report(sections=1, indicators=12)
    pdf = Pdf(render_report(report))
    part = pdf.pages[pdf.outline_page("SECTION 1")]
    # 12 columns in two tables of six: the month labels printed twice.
    assert cells(part).count("Apr-20") == 2
    assert "1.12" in pdf.text(pdf.outline_page("SECTION 1"))


def test_numeric_dot_convention_key():
    report = make_report(sections=1, indicators=2, dot_convention="numeric")
    text = Pdf(render_report(report)).text()
    assert "↔ no change" in text and "↑ increase" in text and "↓ decrease" in text


def test_unknown_schema_is_refused():
    report = make_report(sections=1, indicators=1)
    report["schema"] = snapshot.SCHEMA + 1
    with pytest.raises(ValueError, match="schema"):
        render_report(report)


# -- a synthetic snapshot -----------------------------------------------------------------------


def make_report(
    sections: int,
    indicators: int,
    *,
    approved: bool = False,
    issued: bool = False,
    dot_convention: str = "performance",
) -> snapshot.Report:
    """A report of ``sections`` sections of ``indicators`` indicators, every cell filled."""
    table_months = ["Jan-20", "Feb-20", "Mar-20"] + [
        f"{m}-{20 if i < 9 else 21}" for i, m in enumerate(MONTHS)
    ]
    years = [f"{y}/{y - 1999}" for y in range(2015, 2020)]

    def figures(n: int) -> Iterator[float]:
        for month in range(12):
            yield 50 + (n * 7 + month * 3) % 40

    groups: list[snapshot.SummaryGroup] = []
    parts: list[snapshot.SectionPart] = []
    for s in range(1, sections + 1):
        references = [f"{s}.{i}" for i in range(1, indicators + 1)]
        values = {ref: list(figures(n)) for n, ref in enumerate(references)}
        lines: list[snapshot.SummaryLine] = [
            {
                "reference": ref,
                "title": f"Indicator {ref}: % of children with an up to date plan",
                "polarity": "High",
                "data_note": "Percentage",
                "months": [f"{v:.1f}%" for v in values[ref][:3]],
                "ytd": f"{values[ref][0]:.1f}%",
                "ytd_partial": False,
                "dot": {"arrow": "↑", "meaning": "improvement", "tone": "good"},
                "rag": "RAG"[n % 3],
                "red": "<90%",
                "amber": "90%>",
                "green": "95%+",
                "outturns": [f"{80 + i}.0%" for i in range(5)],
                "benchmarks": ["88.0%", "97.0%", "86.5% (2019)", ""],
            }
            for n, ref in enumerate(references)
        ]
        groups.append({"code": f"S{s}", "title": f"SECTION {s}", "lines": lines})
        parts.append(
            {
                "code": f"S{s}",
                "title": f"SECTION {s}",
                "definition": f"What section {s} measures, and why it matters.",
                "managers": [f"Head of Section {s}"],
                "narrative": {
                    "status": "Approved" if approved else "Submitted",
                    "approved": approved,
                    "changes": (
                        f"Section {s} opens here. Performance **improved**.\n\n"
                        f"- First point of section {s}\n- Second point"
                    ),
                    "data_notes": "",
                    "approved_by": "Alex Morgan" if approved else "",
                    "approved_at": "2020-05-20" if approved else "",
                },
                "columns": [
                    {
                        "reference": ref,
                        "title": f"Indicator {ref}",
                        "months": [f"{v:.1f}%" for v in values[ref][:7]] + [""] * 8,
                        "ytd": "71.0%",
                        "ytd_partial": False,
                        "outturns": [f"{80 + i}.0%" for i in range(5)],
                        "benchmarks": ["88.0%", "97.0%", "86.5%", ""],
                        "month_counts": [],
                        "ytd_count": "",
                        "outturn_counts": [],
                    }
                    for ref in references
                ],
                "charts": [
                    {
                        "title": f"{ref} Indicator {ref}",
                        "kind": "line",
                        "unit": "Percentage",
                        "percent": True,
                        "whole": False,
                        "series": [
                            {
                                "reference": ref,
                                "title": f"Indicator {ref}",
                                "values": values[ref][:7] + [None] * 8,
                            }
                        ],
                        "target": 95.0 if n % 2 else None,
                        "band": None,
                        "alt": f"Line chart of {ref} Indicator {ref}, by month.",
                    }
                    for n, ref in enumerate(references)
                ],
                "comparisons": [],
            }
        )
    return {
        "schema": snapshot.SCHEMA,
        "layout": "monthly",
        "board": None,
        "framework": "Corporate Parenting",
        "council": {
            "name": "",
            "directorate": "",
            "department": "Children & Young People Services",
            "team": "Performance & Quality Team",
            "contact": "",
            "logo": "",
        },
        "panel": "Corporate Parenting Panel",
        "title": TITLE,
        "cover_note": "",
        "month": "2020-07",
        "month_label": "July 2020",
        "dot_convention": dot_convention,
        "edition": {
            "label": "Issue 2" if issued else "Issue 2, Draft 1",
            "issue": 2,
            "draft": None if issued else 1,
            "issued": issued,
            "created_on": "2020-08-20",
            "created_by": "Pat Okafor",
            "signed_off_by": "Alex Morgan" if issued else "",
            "signed_off_on": "2020-08-25" if issued else "",
        },
        "summary_months": table_months[1:4],
        "summary_years": ["2020/21"] * 3,
        "year": "2020/21",
        "table_months": table_months,
        "outturn_years": years,
        "measures": ["SN AVE", "BEST SN", "NAT AVE", "NAT TOP QTILE"],
        "summary": groups,
        "sections": parts,
        "paper": {
            # mypy cannot check a computed dict spread into a TypedDict; these are Paper's keys.
            **{key: f"The {key.replace('_', ' ')} text." for key in papers.FIELD_KEYS},  # type: ignore[typeddict-item]
            "title": "Corporate Parenting Performance Report \N{EN DASH} July 2020",
            "meeting": "Corporate Parenting Panel, 01/09/2020",
            "authors": "Performance & Quality Team",
            "summary": "This report summarises performance.",
            "recommendations": "The Panel is asked to receive the report.",
            "risks": "None beyond those in the report.",
            "accountable_officers": "",
        },
    }


def test_make_report_is_the_snapshot_shape():
    report = make_report(sections=2, indicators=3)
    assert set(report) == set(snapshot.Report.__annotations__)
    part = report["sections"][0]
    assert set(part) == set(snapshot.SectionPart.__annotations__)
    assert re.fullmatch(r"\d+\.\d+", part["columns"][0]["reference"])
