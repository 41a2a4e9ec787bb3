"""The sample April 2020 report: what we compute must equal what the council published.

The expected figures are read from the published report itself (``tests/seeds/000_…``, a text
extraction of the PDF), not typed into the test: every cell of its 43-row performance summary is
compared with the product's summary.
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from indicators import performance as perf
from indicators.models import Figure, FigureRevision
from indicators.summary import build_summary
from tests.helpers import csv_bytes, imported

SEED = Path(__file__).parent / "seeds" / "000_4b694c92a7f93313.txt"
APRIL_2020 = datetime.date(2020, 4, 1)

# The summary table's rows in the published order; the extraction garbles some references.
SEED_ORDER = [
    *(f"6.{n}" for n in range(1, 21)),
    *(f"7.{n}" for n in range(1, 6)),
    *(f"8.{n}" for n in range(1, 6)),
    *(f"9.{n}" for n in range(1, 6)),
    *(f"10.{n}" for n in range(1, 6)),
    "11.4",
    "11.5",
    "11.6",
]
# Extraction glyphs for the arrows (seeds/README.md) and the debris of stray characters.
ARROWS = {"1": "↑", "^": "↑", "↑": "↑", "Ψ": "↓", "¥": "↓", "→": "→", "-": ""}
DEBRIS = {"ē", "E", '"', "THRESHUL"}
# Termly rows: the arrow compares with the previous term, whose figures the seed does not print.
TERMLY = {"6.13", "6.14", "6.15", "6.16", "6.17", "6.18"}
ROW = re.compile(
    r"\t(High|Low|Info|Within Limits)\t(Count|Percentage|Rate per 10,000|YTD Average|Average count)"
    r"\t(.*)$"
)


def published_rows() -> dict[str, list[str]]:
    rows = [ROW.search(line.rstrip("\n")) for line in SEED.read_text(encoding="utf-8").splitlines()]
    cells = [match.group(3).split("\t") for match in rows if match]
    assert len(cells) == len(SEED_ORDER)
    return dict(zip(SEED_ORDER, cells, strict=True))


def clean(cell: str) -> str:
    cell = cell.strip()
    if cell in DEBRIS:
        return ""
    return "-" if cell == "_" else cell


def same_figure(ours: str, theirs: str) -> bool:
    """Equal as printed, to the character: a figure keeps the precision it was written with."""
    return ours == theirs


@pytest.fixture
def summary(sample):
    return build_summary(sample, APRIL_2020)


def test_the_summary_has_every_published_indicator(summary):
    assert sorted(row.reference for row in summary.rows) == sorted(SEED_ORDER)
    assert [perf.month_key(m) for m in summary.months] == ["2020-02", "2020-03", "2020-04"]
    assert [perf.year_label(y) for y in summary.outturn_years] == [
        "2015/16",
        "2016/17",
        "2017/18",
        "2018/19",
        "2019/20",
    ]


def test_months_ytd_thresholds_outturns_and_benchmarks_equal_the_published_summary(summary):
    published = published_rows()
    mismatches = []
    for row in summary.rows:
        seed = [clean(cell) for cell in published[row.reference]]
        feb, mar, apr, ytd, _dot, _rag, red, amber, green, *rest = seed
        years, benchmarks = rest[:5], rest[5:]
        ours = {
            "Feb-20": (row.months[0].text, feb),
            "Mar-20": (row.months[1].text, mar),
            "Apr-20": (row.months[2].text, apr),
            "YTD": (row.ytd.text, ytd),
            "red": (row.red, red),
            "amber": (row.amber, amber),
            "green": (row.green, green),
        }
        for year, cell, theirs in zip(summary.outturn_years, row.outturns, years, strict=True):
            ours[perf.year_label(year)] = (cell.text, theirs)
        for measure, theirs in zip(perf.Measure, benchmarks, strict=True):
            cell = row.benchmarks.get(measure)
            ours[measure.value] = (cell.text if cell else "-", theirs or "-")
        for column, (mine, theirs) in ours.items():
            if not same_figure(mine, theirs):
                mismatches.append(f"{row.reference} {column}: ours {mine!r}, published {theirs!r}")
    assert mismatches == []


def test_every_readable_direction_of_travel_arrow_equals_the_published_one(summary):
    published = published_rows()
    compared = 0
    for row in summary.rows:
        if row.reference in TERMLY:
            continue
        expected = ARROWS[published[row.reference][4].strip()]
        assert (row.dot.arrow if row.dot else "") == expected, row.reference
        compared += 1
    assert compared == len(SEED_ORDER) - len(TERMLY)


def test_year_to_date_of_counts_and_of_percentages_from_numerators(summary):
    rows = {row.reference: row for row in summary.rows}
    # Counts: the sum of the year's months (April is the first month of 2020/21).
    assert rows["6.3"].ytd.text == "19"
    assert rows["9.4"].ytd.text == "3"
    assert rows["9.5"].ytd.text == "0"
    # Percentages: the sum of numerators over the sum of denominators.
    assert (rows["6.12"].ytd.numerator, rows["6.12"].ytd.denominator) == (7, 7)
    assert rows["6.12"].ytd.text == "100.0%"
    assert (rows["6.5"].ytd.numerator, rows["6.5"].ytd.denominator) == (3, 12)
    assert rows["6.5"].ytd.text == "25.0%"
    assert (rows["6.8"].ytd.numerator, rows["6.8"].ytd.denominator) == (139, 146)
    assert rows["6.8"].ytd.text == "95.2%"
    # Snapshots, rolling years and YTD averages have no separate YTD.
    assert rows["6.1"].ytd.text == rows["8.2"].ytd.text == rows["10.4"].ytd.text == "-"


def test_year_to_date_adds_the_months_of_the_year_once_more_months_arrive(sample):
    """Later months of 2020/21 for 6.12 (Initial Health Assessments) and 6.3 (admissions)."""
    from tests.helpers import csv_bytes, imported

    report = imported(
        "figures",
        "may-june.csv",
        csv_bytes(
            [
                ["indicator", "month", "value", "numerator", "denominator"],
                ["6.12", "2020-05", "", "5", "8"],
                ["6.12", "2020-06", "", "13", "13"],
                ["6.3", "May-20", "15", "", ""],
                ["6.3", "June 2020", "11", "", ""],
            ]
        ),
    )
    assert report.ok, report.errors
    rows = {row.reference: row for row in build_summary(sample, datetime.date(2020, 6, 1)).rows}
    assert rows["6.12"].ytd.text == "89.3%"  # (7 + 5 + 13) / (7 + 8 + 13) = 25 / 28
    assert (rows["6.12"].ytd.numerator, rows["6.12"].ytd.denominator) == (25, 28)
    assert rows["6.3"].ytd.text == "45"  # 19 + 15 + 11
    assert Figure.objects.get(indicator__reference="6.12", month="2020-05-01").value == Decimal(
        "62.5"
    )


def test_the_sample_loads_through_the_importers_and_again_changes_nothing(sample):
    assert sample.indicators().count() == 43
    figures = Figure.objects.filter(indicator__section__frameworks=sample)
    revisions = FigureRevision.objects.count()
    assert revisions == Figure.objects.count() and figures.count() == 152
    out = io.StringIO()
    call_command("load_sample_data", "--only", "Corporate Parenting", stdout=out)
    assert "figures.csv (figures): 0 new, 0 changed, 152 unchanged." in out.getvalue()
    assert FigureRevision.objects.count() == revisions


def test_export_data_prints_the_april_2020_summary(sample, capsys):
    call_command(
        "export_data", "summary", "--framework", "Corporate Parenting", "--month", "2020-04"
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split(",")[:12] == [
        "reference",
        "title",
        "section",
        "polarity",
        "unit",
        "aggregation",
        "2020-02",
        "2020-03",
        "2020-04",
        "ytd",
        "dot",
        "rag",
    ]
    row_68 = next(line for line in lines if line.startswith("6.8,"))
    assert "86.0%,93.8%,95.2%,95.2%,↑,G,<90%,90%>,95%+,83.3%,91.3%,90.6%,88.6%,90.7%" in row_68
    row_82 = next(line for line in lines if line.startswith("8.2,"))
    assert "10.4%,10.8%,9.6%,-,↑,G,13%+,13%<,10.8%<" in row_82
    assert row_82.endswith("10.0%,6.0%,10.0%,8.0%")
    assert len(lines) == 44


def test_figures_print_as_written(summary):
    rows = {row.reference: row for row in summary.rows}
    # 11.4 is an average count written "29" by the council, and "29.0" for 2019/20.
    assert [cell.text for cell in rows["11.4"].months] == ["29", "29", "29"]
    assert rows["11.4"].outturns[-1].text == "29.0"
    assert rows["10.4"].months[-1].text == "0.0"


def test_a_termly_indicator_compares_with_its_previous_term(sample):
    """The seed prints arrows for its termly rows against the previous term, whose figures it
    does not print: with the spring term's figure given, the April arrow follows from it."""
    plan = imported(
        "figures",
        "spring.csv",
        csv_bytes(
            [
                ["indicator", "month", "value"],
                ["6.13", "2020-01", "95.0%"],
                ["6.15", "2020-01", "6.0%"],
            ]
        ),
    )
    assert plan.ok, plan.errors
    rows = {row.reference: row for row in build_summary(sample, APRIL_2020).rows}
    assert rows["6.13"].dot.arrow == "↑"  # High: 95.0% -> 96.5% is an improvement
    assert rows["6.15"].dot.arrow == "↓"  # Low: absence 6.0% -> 7.1% is a decline
    # In May, with no new term yet, the arrow still says how the latest term moved.
    may = {row.reference: row for row in build_summary(sample, datetime.date(2020, 5, 1)).rows}
    assert may["6.13"].dot.arrow == "↑"


def test_a_ytd_missing_months_is_partial(sample):
    imported(
        "figures",
        "june.csv",
        csv_bytes([["indicator", "month", "value"], ["6.3", "2020-06", "11"]]),
    )
    row = next(
        r for r in build_summary(sample, datetime.date(2020, 6, 1)).rows if r.reference == "6.3"
    )
    assert (row.ytd.text, row.ytd.partial, row.ytd.marked) == (
        "30",
        True,
        "30 (partial: 2 of 3 months)",
    )
