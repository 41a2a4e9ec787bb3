"""One direction of travel everywhere: the same edition's DOT on the summary page, in its HTML
version, in its PDF and in the summary export are equal, under each convention; the section,
narrative and indicator pages print the same.

The April 2020 sample is built as a real edition (the Celery task's own function) once per
convention; each place is read back as a reader sees it: the pages' HTML, the PDF's text
(pypdf) and the exported CSV.
"""

from __future__ import annotations

import csv
import html
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from accounts.actors import SYSTEM
from indicators import performance as perf
from indicators.models import DotConvention, Indicator
from indicators.models.catalogue import in_catalogue_order
from narratives.models import Narrative
from reports import services
from reports.models import BuildStatus, Edition

ARROWS = {"↑", "→", "↓", "↔"}
# A body row: its first cell (a td, or a th of scope "row") holds the reference; its DOT cell
# follows within the same row.
ROW = re.compile(
    r"<tr>\s*<(?:td|th scope=\"row\"[^>]*)>(?P<reference>[^<]+)</t[dh]>"
    r"(?:(?!</tr>).)*?<td class=\"dot[^\"]*\">(?P<cell>.*?)</td>",
    re.DOTALL,
)
CELL = re.compile(
    r"(?:<span aria-hidden=\"true\">(?P<arrow>[^<]*)</span>)?"
    r"<span class=\"visually-hidden\">(?P<meaning>[^<]*)</span>"
)
TONE = re.compile(r"<td class=\"dot(?: dot-(?P<tone>good|bad))?\">")


def page_dots(page: str) -> dict[str, tuple[str, str, str]]:
    """Reference -> (arrow, meaning, tone) of every summary row of a page."""
    dots = {}
    for row in ROW.finditer(page):
        cell = CELL.fullmatch(row.group("cell"))
        assert cell, row.group("cell")
        opening = TONE.search(page, row.start("cell") - 40, row.start("cell"))
        tone = (opening.group("tone") or "") if opening else ""
        meaning = html.unescape(cell.group("meaning"))
        arrow = cell.group("arrow") or ""
        dots[html.unescape(row.group("reference")).strip()] = (
            arrow,
            "" if meaning == "no direction" else meaning,
            tone,
        )
    return dots


SECTION_TABLE = re.compile(
    r"<table class=\"[^\"]*section-table[^\"]*\">(?P<table>.*?)</table>", re.DOTALL
)
DOT_CELL = re.compile(
    r"<td class=\"dot(?: dot-(?P<tone>good|bad))?\">(?P<inner>.*?)</td>", re.DOTALL
)


def table_dots(page: str) -> list[tuple[str, str, str]]:
    """The DOT column of a section table (one row per indicator), row by row:
    (arrow, meaning, tone)."""
    table = SECTION_TABLE.search(page)
    assert table, "no section table"
    head, _, body = table.group("table").partition("<tbody>")
    assert re.search(r"<th scope=\"col\">DOT [A-Z][a-z]{2}-\d\d</th>", head), "no DOT column"
    dots = []
    for row in re.finditer(r"<tr>(?P<cells>.*?)</tr>", body, re.DOTALL):
        cells = list(DOT_CELL.finditer(row.group("cells")))
        assert len(cells) == 1, row.group(0)[:200]
        inner = CELL.fullmatch(cells[0].group("inner"))
        assert inner, cells[0].group(0)
        meaning = html.unescape(inner.group("meaning"))
        dots.append(
            (
                inner.group("arrow") or "",
                "" if meaning == "no direction" else meaning,
                cells[0].group("tone") or "",
            )
        )
    return dots


def pdf_arrows(path: Path, references: list[str]) -> dict[str, str]:
    """Reference -> the arrow printed in its summary row of the PDF ("" for none)."""
    reader = PdfReader(path)
    lines = [
        line.strip()
        for page in reader.pages
        for line in page.extract_text().splitlines()
        if line.strip()
    ]
    start = lines.index("PERFORMANCE SUMMARY \N{EN DASH} APRIL 2020")
    found, at = {}, start
    positions = []
    for reference in references:
        at = lines.index(reference, at + 1)
        positions.append(at)
    positions.append(len(lines))
    for i, reference in enumerate(references):
        row = lines[positions[i] : positions[i + 1]]
        arrows = [cell for cell in row if cell in ARROWS]
        assert len(arrows) <= 1, (reference, row)
        found[reference] = arrows[0] if arrows else ""
    return found


def export_arrows(framework_name: str) -> dict[str, str]:
    out = io.StringIO()
    call_command(
        "export_data", "summary", "--framework", framework_name, "--month", "2020-04", stdout=out
    )
    return {row["reference"]: row["dot"] for row in csv.DictReader(io.StringIO(out.getvalue()))}


@pytest.mark.parametrize("convention", [DotConvention.PERFORMANCE, DotConvention.NUMERIC])
def test_the_same_dot_on_the_page_in_the_pdf_and_in_the_export(
    client, sample_month, convention, officer
):
    framework = sample_month.framework
    framework.dot_convention = convention
    framework.save(update_fields=["dot_convention"])
    edition = services.generate_draft(sample_month, SYSTEM, queue=False)
    assert services.build_edition(edition.pk) == BuildStatus.READY
    edition = Edition.objects.get(pk=edition.pk)
    references = [
        line["reference"] for group in edition.snapshot["summary"] for line in group["lines"]
    ]
    stored = {
        line["reference"]: (line["dot"]["arrow"], line["dot"]["meaning"], line["dot"]["tone"])
        for group in edition.snapshot["summary"]
        for line in group["lines"]
    }

    client.force_login(officer)
    summary_page = client.get(
        reverse("indicators:summary", args=[framework.pk, "2020-04"])
    ).content.decode()
    read_page = client.get(reverse("reports:read", args=[edition.pk])).content.decode()
    on_page, on_read = page_dots(summary_page), page_dots(read_page)
    in_pdf = pdf_arrows(Path(edition.pdf.path), references)
    in_export = export_arrows(framework.name)

    assert len(references) == 43
    # The pages colour only good and bad; "same" and neutral moves are uncoloured.
    visible = {ref: (a, m, t if t in ("good", "bad") else "") for ref, (a, m, t) in stored.items()}
    assert on_page == visible
    assert on_read == visible
    assert in_pdf == {ref: arrow for ref, (arrow, _, _) in stored.items()}
    assert in_export == {ref: arrow for ref, (arrow, _, _) in stored.items()}
    assert sum(1 for arrow, _, _ in stored.values() if arrow) >= 30

    # The section page and the narrative page show the section's DOT row; the indicator page
    # the indicator's.
    lac = Indicator.objects.filter(section__code="LAC")
    expected = [visible[indicator.reference] for indicator in in_catalogue_order(lac)]
    section_page = client.get(
        reverse("indicators:section", args=[framework.pk, "2020-04", "LAC"])
    ).content.decode()
    narrative = Narrative.objects.get(reporting_month=sample_month, section__code="LAC")
    narrative_page = client.get(
        reverse("narratives:narrative", args=[narrative.pk])
    ).content.decode()
    assert table_dots(section_page) == expected
    assert table_dots(narrative_page) == expected
    indicator_page = client.get(reverse("indicators:indicator", args=["8.2"])).content.decode()
    arrow, meaning, _ = stored["8.2"]
    assert f'aria-hidden="true">{arrow}</span> {meaning} April 2020, Corporate Parenting' in (
        indicator_page
    )


def test_the_conventions_differ_as_domain_md_says(sample_month):
    """Performance: ↑ is an improvement (a fall, for Low); numeric: the arrow follows the number,
    coloured by whether the move is good. 8.2 (Low) fell 10.8 → 9.6; 6.2 (Low) rose."""
    framework = sample_month.framework
    rows = {}
    for convention in DotConvention:
        framework.dot_convention = convention
        framework.save(update_fields=["dot_convention"])
        edition = services.generate_draft(sample_month, SYSTEM, queue=False)
        rows[convention] = {
            line["reference"]: line["dot"]
            for group in edition.snapshot["summary"]
            for line in group["lines"]
        }
    performance, numeric = rows[DotConvention.PERFORMANCE], rows[DotConvention.NUMERIC]
    assert performance["8.2"] == {"arrow": "↑", "meaning": "improvement", "tone": "good"}
    assert numeric["8.2"] == {"arrow": "↓", "meaning": "decrease, good", "tone": "good"}
    assert performance["6.2"] == {"arrow": "↓", "meaning": "decline", "tone": "bad"}
    assert numeric["6.2"] == {"arrow": "↑", "meaning": "increase, bad", "tone": "bad"}
    assert performance["6.12"]["arrow"] == "→" and numeric["6.12"]["arrow"] == "↔"


@pytest.mark.parametrize(
    ("convention", "polarity", "previous", "latest", "expected"),
    [
        # domain.md's examples (April 2020), performance convention
        ("performance", "Low", "10.8", "9.6", ("↑", "improvement", "good")),
        ("performance", "High", "27", "12", ("↓", "decline", "bad")),
        ("performance", "Low", "104.5", "106.1", ("↓", "decline", "bad")),
        ("performance", "High", "5", "5", ("→", "no movement", "same")),
        # Info and Within limits: a rise is an increase, never an improvement
        ("performance", "Info", "150", "158", ("↑", "increase", "")),
        ("performance", "Within limits", "20", "14", ("↓", "decrease", "")),
        ("performance", "Within limits (low)", "12", "9", ("↑", "improvement", "good")),
        # Kirklees: the arrow follows the number, the words and colour say good or bad
        ("numeric", "Low", "10.8", "9.6", ("↓", "decrease, good", "good")),
        ("numeric", "High", "27", "12", ("↓", "decrease, bad", "bad")),
        ("numeric", "Info", "150", "158", ("↑", "increase", "")),
        ("numeric", "High", "5", "5", ("↔", "no change", "same")),
    ],
)
def test_travel(convention, polarity, previous, latest, expected):
    travel = perf.travel(convention, perf.Polarity(polarity), Decimal(previous), Decimal(latest))
    assert travel is not None
    assert (travel.arrow, travel.meaning, travel.tone) == expected


@pytest.mark.parametrize("convention", list(perf.Convention))
def test_no_travel_without_both_figures(convention):
    assert perf.travel(convention, perf.Polarity.HIGH, None, Decimal(1)) is None
    assert perf.travel(convention, perf.Polarity.HIGH, Decimal(1), None) is None


def test_an_unknown_convention_is_refused():
    with pytest.raises(ValueError):
        perf.travel("sideways", perf.Polarity.HIGH, Decimal(1), Decimal(2))
