"""The report and covering paper as the panel reads them: the April 2020 tables over fifteen
months with the seed's figures and counts, every chart with its text alternative, no page wasted,
and a tagged PDF (PDF/UA-1) whose structure tree is read back with pikepdf and checked with the
open-source ``pdfua`` checker.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator

import pikepdf
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from pdfua import validate
from pypdf import PdfReader

from indicators.models import ReportingMonth
from narratives.models import Narrative
from reports import assembly, snapshot
from reports.pdf import base, render_paper, render_report
from tests.test_report_pdf import outline_of

pytestmark = pytest.mark.django_db
PAINTING = {b"Tj", b"TJ", b"'", b'"', b"f", b"f*", b"F", b"S", b"s", b"B", b"B*", b"b", b"Do"}


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, snapshot.Report]:
    """The sample's draft and issue snapshots (narratives approved for the issue)."""
    reports = {}
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        call_command("load_sample_data", stdout=io.StringIO())
        month = ReportingMonth.objects.get(framework__name="Corporate Parenting")

        def edition(draft: int | None) -> snapshot.Edition:
            return assembly.edition_details(
                issue=1, draft=draft, created_on=datetime.date(2020, 5, 26), created_by=None
            )

        reports["draft"] = assembly.assemble(month, edition(2))
        Narrative.objects.update(status="approved", locked=True)
        reports["issued"] = assembly.assemble(month, edition(None))
        transaction.set_rollback(True)
    return reports


@pytest.fixture(scope="module")
def pdfs(sample) -> dict[str, bytes]:
    return {
        "draft": render_report(sample["draft"]).content,
        "issued": render_report(sample["issued"]).content,
        "paper": render_paper(sample["issued"]).content,
        "draft paper": render_paper(sample["draft"]).content,
    }


def part(report: snapshot.Report, code: str) -> snapshot.SectionPart:
    return next(p for p in report["sections"] if p["code"] == code)


def column(report: snapshot.Report, reference: str) -> snapshot.TableColumn:
    return next(c for p in report["sections"] for c in p["columns"] if c["reference"] == reference)


# -- the tables over fifteen months, with counts --------------------------------------------------


def test_april_tables_start_in_january_with_the_seeds_figures(sample):
    report = sample["issued"]
    assert report["table_months"][:4] == ["Jan-20", "Feb-20", "Mar-20", "Apr-20"]
    assert len(report["table_months"]) == 15 and report["table_months"][-1] == "Mar-21"
    # The seed's LOOKED AFTER CHILDREN table, January to April 2020.
    seed = {
        "6.2": ["106.8", "106.2", "104.5", "106.1"],
        "6.1": ["608", "605", "595", "604"],
        "6.3": ["15", "11", "18", "19"],
        "6.4": ["15", "14", "27", "12"],
        "6.5": ["0.0%", "35.7%", "22.2%", "25.0%"],
        "6.6": ["5", "6", "5", "2"],
        "6.7": ["0.0%", "28.6%", "3.7%", "16.7%"],
        "6.12": ["100.0%", "62.5%", "100.0%", "100.0%"],
    }
    for reference, figures in seed.items():
        assert column(report, reference)["months"][:4] == figures, reference
        assert column(report, reference)["months"][4:] == [""] * 11
    # The YTD is still April's alone.
    assert column(report, "6.3")["ytd"] == "19" and column(report, "6.12")["ytd"] == "100.0%"


def test_counts_print_beside_percentages_as_the_seed_prints_them(sample, pdfs):
    health = column(sample["issued"], "6.12")
    assert health["month_counts"][:4] == ["17 of 17", "5 of 8", "13 of 13", "7 of 7"]
    assert health["ytd_count"] == "7 of 7"
    assert health["outturn_counts"][-2:] == ["136 of 266", "171 of 198"]
    assert column(sample["issued"], "6.1")["month_counts"] == []  # a count has none
    reader = PdfReader(io.BytesIO(pdfs["issued"]))
    titles = dict(outline_of(reader))
    start = titles["LOOKED AFTER CHILDREN - HEALTH"]
    stop = titles["LOOKED AFTER CHILDREN - EDUCATION"]
    text = " ".join(page.extract_text() for page in reader.pages[start:stop])
    for printed in ("7 of 7", "136 of 266", "171 of 198", "Jan-20", "17 of 17"):
        assert printed in text


def test_a_partial_ytd_is_marked(sample):
    report = sample["issued"]
    # April is the first month of the year: every YTD so far is whole.
    assert not any(c["ytd_partial"] for p in report["sections"] for c in p["columns"])
    changed = report.copy()
    changed["summary"] = [
        {**g, "lines": [{**line, "ytd_partial": True} for line in g["lines"]]}
        for g in report["summary"]
    ]
    text = PdfReader(io.BytesIO(render_report(changed).content)).pages[1].extract_text()
    assert "19 †" in text and "YTD from fewer months than the year so far" in text


# -- charts ---------------------------------------------------------------------------------------


def test_the_seeds_combined_charts_and_every_chart_has_its_text_alternative(sample):
    lac = part(sample["issued"], "LAC")
    titles = [chart["title"] for chart in lac["charts"]]
    admissions = lac["charts"][titles.index("Admissions and discharges from care")]
    assert [s["reference"] for s in admissions["series"]] == ["6.3", "6.4"]
    assert admissions["kind"] == "bar" and admissions["whole"]
    permanence = next(c for c in lac["charts"] if c["title"].startswith("Children ceased"))
    assert [s["reference"] for s in permanence["series"]] == ["6.5", "6.7"]
    # Indicators drawn together are not drawn again alone.
    assert not any(t.startswith(("6.3 ", "6.4 ", "6.5 ", "6.7 ")) for t in titles)
    rate = lac["charts"][titles.index(next(t for t in titles if t.startswith("6.2 ")))]
    assert rate["alt"] == (
        "Line chart of 6.2 Rate of Looked After Children per 10,000 population aged under 18 "
        "(Council Plan Indicator), by month from Jan-20 to Mar-21. figures for Jan-20 to Apr-20 "
        "range from 104.5 (Mar-20) to 106.8 (Jan-20); latest 106.1 (Apr-20), up from 104.5 in "
        "Mar-20. Target line at 99.1."
    )
    assert "6.3: figures for Jan-20 to Apr-20" in admissions["alt"]
    assert "latest 12 (Apr-20), down from 27 in Mar-20" in admissions["alt"]
    caseloads = part(sample["issued"], "CASELOADS")["charts"]
    ranged = next(c for c in caseloads if c["band"])
    assert ranged["band"] == [14.0, 20.0] and "Target range 14 to 20" in ranged["alt"]
    for section in sample["issued"]["sections"]:
        for chart in section["charts"]:
            assert chart["alt"].startswith(("Line chart of", "Bar chart of"))
            assert len(chart["series"][0]["values"]) == 15


def test_chart_scales_are_round_and_whole_for_counts():
    from reports.pdf.charts import scale

    assert scale([0.5, 1, 2], whole=True) == (0.0, 3.0, 1.0)
    assert scale([15, 11, 18, 19, 27], whole=True) == (0.0, 30.0, 10.0)
    low, high, step = scale([104.5, 106.8, 99.1], whole=False)
    assert high > 106.8 and step in (20.0, 25.0)
    low, high, step = scale([13, 21], whole=False)
    assert high >= 21 and low == 0


# -- layout ---------------------------------------------------------------------------------------


def text_heights(content: bytes) -> Iterator[tuple[int, float]]:
    """(page index, height) of each run of text the page shows, in user space."""
    reader = PdfReader(io.BytesIO(content))
    for index, page in enumerate(reader.pages):
        found: list[float] = []

        def visit(
            text: str,
            cm: list[float],
            tm: list[float],
            font: object,
            size: float,
            found: list[float] = found,
        ) -> None:
            if text.strip():
                found.append(cm[1] * tm[4] + cm[3] * tm[5] + cm[5])

        page.extract_text(visitor_text=visit)
        for height in found:
            yield index, height


def test_no_page_is_under_a_third_full_except_the_last_of_a_part(pdfs):
    content = pdfs["issued"]
    reader = PdfReader(io.BytesIO(content))
    starts = sorted({page for _, page in outline_of(reader)})
    last_of_part = {start - 1 for start in starts[1:]} | {len(reader.pages) - 1}
    lowest: dict[int, float] = {}
    for page, height in text_heights(content):
        if height > base.FRAME_BOTTOM:  # the footer is not content
            lowest[page] = min(lowest.get(page, 10_000), height)
    for page in range(len(reader.pages)):
        if page in last_of_part:
            continue
        top = float(reader.pages[page].mediabox.height) - base.MARGIN
        used = (top - lowest[page]) / (top - base.FRAME_BOTTOM)
        assert used > 1 / 3, f"page {page + 1} is {used:.0%} full"


def test_a_continued_section_repeats_its_title(pdfs):
    reader = PdfReader(io.BytesIO(pdfs["issued"]))
    pages = [page.extract_text() for page in reader.pages]
    titles = dict(outline_of(reader))
    lac = titles["LOOKED AFTER CHILDREN"]
    assert "LOOKED AFTER CHILDREN (continued)" not in pages[lac]
    assert "LOOKED AFTER CHILDREN (continued)" in pages[lac + 1]
    assert "Performance summary (continued)" in pages[titles["Performance summary"] + 1]


# -- the structure tree ---------------------------------------------------------------------------


def elements(node: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """Every structure element under ``node``, in reading order."""
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/MCR" and "/S" in kid:
            yield kid
            yield from elements(kid)


def role(element: pikepdf.Object) -> str:
    return str(element.S)[1:]


def children(element: pikepdf.Object) -> list[pikepdf.Object]:
    kids = element.get("/K")
    listed = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [k for k in listed if isinstance(k, pikepdf.Dictionary) and "/S" in k]


@pytest.mark.parametrize("name", ["draft", "issued"])
def test_the_report_is_tagged_with_a_heading_per_section_tables_and_figures(name, pdfs, sample):
    report = sample[name]
    pdf = pikepdf.open(io.BytesIO(pdfs[name]))
    root = pdf.Root
    assert root.MarkInfo.Marked is True
    assert str(root.Lang) == "en-GB"
    assert root.ViewerPreferences.DisplayDocTitle is True
    assert b"<pdfuaid:part>1</pdfuaid:part>" in root.Metadata.read_bytes()
    assert pdf.pdf_version == "1.7"
    tree = root.StructTreeRoot
    (document,) = children(tree)
    assert role(document) == "Document"
    sects = [e for e in elements(tree) if role(e) == "Sect"]
    titles = [str(s.T) for s in sects]
    assert titles == ["Cover", "Performance summary"] + [p["title"] for p in report["sections"]]
    for sect in sects:
        headings = [e for e in elements(sect) if role(e) == "H1"]
        assert len(headings) == 1, str(sect.T)
    tables = [e for e in elements(tree) if role(e) == "Table"]
    assert len(tables) >= len(report["sections"]) + 4  # details, keys, summary pages, sections
    for table in tables:
        rows = children(table)
        assert rows and all(role(r) == "TR" for r in rows)
        # Every table, on every page, has its header cells: a header row, or a header column.
        first_row = {role(c) for c in children(rows[0])}
        first_column = {role(children(r)[0]) for r in rows}
        assert first_row == {"TH"} or first_column == {"TH"}
        for cell in (c for r in rows for c in children(r)):
            if role(cell) == "TH":
                assert str(cell.A.Scope) in ("/Column", "/Row")
    figures = [e for e in elements(tree) if role(e) == "Figure"]
    charts = sum(len(p["charts"]) for p in report["sections"])
    assert len(figures) == charts + 1  # and the council's logo
    assert all(str(f.get("/Alt", "")).strip() for f in figures)
    alts = {str(f.Alt) for f in figures}
    assert {c["alt"] for p in report["sections"] for c in p["charts"]} <= alts
    assert [role(k) for k in children(figures[1])] == ["Caption"]


def marked_content(pdf: pikepdf.Pdf) -> Iterator[tuple[int, bytes, list[str]]]:
    """(page, painting operator, the marked-content tags around it) for every page."""
    for index, page in enumerate(pdf.pages):
        stack: list[str] = []
        for instruction in pikepdf.parse_content_stream(page):
            operands, operator = instruction.operands, instruction.operator
            op = bytes(operator)
            if op in (b"BDC", b"BMC"):
                tag = str(operands[0])
                if op == b"BDC" and isinstance(operands[1], pikepdf.Dictionary):
                    if "/MCID" in operands[1]:
                        tag += f"#{int(operands[1].MCID)}"
                stack.append(tag)
            elif op == b"EMC":
                stack.pop()
            elif op in PAINTING:
                yield index, op, list(stack)
        assert not stack, f"page {index + 1} leaves marked content open"


@pytest.mark.parametrize("name", ["draft", "issued", "paper", "draft paper"])
def test_nothing_is_drawn_untagged_and_every_mcid_has_its_element(name, pdfs):
    pdf = pikepdf.open(io.BytesIO(pdfs[name]))
    mcids: dict[int, set[int]] = {}
    for page, operator, stack in marked_content(pdf):
        assert stack, f"page {page + 1}: {operator!r} outside any tag or artifact"
        inner = stack[-1]
        assert "#" in inner or inner == "/Artifact", (page, operator, stack)
        if "/Artifact" in stack:
            assert not any("#" in tag for tag in stack), "tagged content inside an artifact"
        if "#" in inner:
            mcids.setdefault(page, set()).add(int(inner.split("#")[1]))
    parent_tree = pdf.Root.StructTreeRoot.ParentTree.Nums
    for index, pdf_page in enumerate(pdf.pages):
        assert pdf_page.obj.Tabs == "/S"
        number = int(pdf_page.obj.StructParents)
        owners = parent_tree[2 * number + 1]
        assert int(parent_tree[2 * number]) == number
        assert set(range(len(owners))) == mcids.get(index, set())


def test_the_draft_watermark_and_footer_are_artifacts(pdfs):
    pdf = pikepdf.open(io.BytesIO(pdfs["draft"]))
    stream = pdf.pages[2].Contents.read_bytes()
    assert b"/Artifact <</Type /Pagination /Subtype /Watermark>> BDC" in stream
    assert b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC" in stream


def test_the_paper_is_tagged_with_its_headings(pdfs):
    pdf = pikepdf.open(io.BytesIO(pdfs["paper"]))
    headings = [e for e in elements(pdf.Root.StructTreeRoot) if role(e) in ("H1", "H2")]
    assert len(headings) == 2 + 3 + 14  # two titles; summary, recommendations, appendices; 1-14
    figures = [e for e in elements(pdf.Root.StructTreeRoot) if role(e) == "Figure"]
    assert len(figures) == 1 and "Rotherham" in str(figures[0].Alt)


def test_fonts_are_embedded_with_unicode_maps(pdfs):
    pdf = pikepdf.open(io.BytesIO(pdfs["issued"]))
    fonts = {
        str(font.BaseFont): font for page in pdf.pages for font in page.Resources.Font.values()
    }
    assert fonts
    for name, font in fonts.items():
        assert "/ToUnicode" in font, name
        descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        assert "/FontFile2" in descendant.FontDescriptor, name


@pytest.mark.parametrize("name", ["draft", "issued", "paper"])
def test_the_pdfua_checker_finds_nothing(name, pdfs, tmp_path):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdfs[name])
    report = validate(str(path))
    assert [(f.rule_id, f.message) for f in report.findings] == []
