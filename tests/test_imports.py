"""Files in: every bad file gets a clear message naming row and column, and changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.actors import SYSTEM
from indicators.exports import export_dataset, render
from indicators.importing.kinds import LOAD_ORDER
from indicators.importing.pipeline import import_file
from indicators.importing.rows import RowError
from indicators.models import Figure, FigureRevision, Target
from tests.helpers import csv_bytes, database_state, imported, xlsx_bytes

FIGURES_HEADER = ["indicator", "month", "value", "numerator", "denominator", "note"]


def figures_file(*rows: list[str]) -> bytes:
    return csv_bytes([FIGURES_HEADER, *rows])


def errors_of(kind: str, name: str, content: bytes) -> list[RowError]:
    before = database_state()
    plan, applied = import_file(kind, name, content, SYSTEM)
    assert not plan.ok and applied is None
    assert database_state() == before, "a refused file must change nothing"
    return plan.errors


BAD_FIGURE_ROWS = [
    (["9.99", "2020-04", "5", "", "", ""], "indicator", "unknown indicator '9.99'"),
    (["6.1", "2020-13", "5", "", "", ""], "month", "'2020-13' is not a month"),
    (["6.8", "2020-04", "105%", "", "", ""], "value", "105% is above 100%"),
    (["6.8", "2020-04", "", "150", "146", ""], "numerator", "above the denominator 146"),
    (["6.8", "2020-04", "abc", "", "", ""], "value", "'abc' is not a number"),
    (["6.1", "2020-04", "-3", "", "", ""], "value", "negative"),
    (["6.1", "2020-04", "604.5", "", "", ""], "value", "not a whole number"),
    (["6.8", "2020-04", "", "", "146", ""], "numerator", "a numerator is needed"),
    (["6.8", "2020-04", "", "139", "", ""], "denominator", "give the denominator"),
    (["6.8", "2020-04", "", "", "", "a note"], "value", "no figure"),
    (["6.8", "2020-04", "95.2", "", "", "bell\x07"], "note", "control character"),
    (["6.8", "2020-04", "90.0%", "139", "146", ""], "value", "disagrees with 139 of 146"),
    (["6.8", "2020-04", "n/a", "139", "146", ""], "value", "means no figure"),
    (["6.2", "2020-04", "106.12345", "", "", ""], "value", "more than 4 decimal places"),
    (["6.1", "2020-04", "12345678901", "", "", ""], "value", "12345678901 is too large"),
    (["6.8", "2020-04", "", "1", "99999999999", ""], "denominator", "is too large"),
]


@pytest.mark.parametrize(("row", "column", "message"), BAD_FIGURE_ROWS)
def test_a_bad_figure_row_names_row_column_and_reason(sample, row, column, message):
    good = ["6.1", "2020-05", "610", "", "", ""]
    errors = errors_of("figures", "bad.csv", figures_file(good, row))
    assert [(e.row, e.column) for e in errors] == [(3, column)]
    assert message in errors[0].message


def test_every_bad_row_is_reported_not_only_the_first(sample):
    errors = errors_of(
        "figures",
        "many.csv",
        figures_file(
            ["9.99", "2020-04", "5", "", "", ""],
            ["6.1", "2020-04", "604", "", "", ""],
            ["6.8", "April 2020", "105%", "", "", ""],
            ["6.1", "Apr-20", "604", "", "", ""],
        ),
    )
    assert [(e.row, e.column) for e in errors] == [
        (2, "indicator"),
        (4, "value"),
        (5, "month"),
    ]
    assert "duplicate indicator + month: the same as row 3" in errors[2].message


def test_unparseable_threshold_is_an_error_naming_the_column(sample):
    content = csv_bytes(
        [
            ["indicator", "year", "red", "amber", "green"],
            ["6.8", "2021/22", "<90%", "90%>", "95%+"],
            ["6.10", "2021/22", "<90%", "90%>", "lots"],
        ]
    )
    errors = errors_of("targets", "targets.csv", content)
    assert [(e.row, e.column) for e in errors] == [(3, "green")]
    assert "'lots'" in errors[0].message


def test_bad_year_is_an_error(sample):
    content = csv_bytes([["indicator", "year", "green"], ["6.8", "2021/23", "95%+"]])
    errors = errors_of("targets", "targets.csv", content)
    assert [(e.row, e.column) for e in errors] == [(2, "year")]


def test_missing_and_unknown_columns_name_the_expected_columns(sample):
    errors = errors_of("figures", "cols.csv", csv_bytes([["Indicator", "valu"], ["6.1", "604"]]))
    assert [(e.row, e.column) for e in errors] == [(1, "month"), (1, "valu")]
    for error in errors:
        assert "expected columns for figures: indicator, month (required)" in error.message


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty.csv is empty"),
        ("blank.csv", b"\n\n  \n", "blank.csv is empty"),
        ("header.csv", b"indicator,month,value\n", "has a header row but no rows of data"),
        ("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV or XLSX file"),
        ("fake.xlsx", b"PK\x03\x04 this is not a workbook", "not a readable XLSX workbook"),
        ("text.xlsx", b"indicator,month\n6.1,2020-04\n", "not an XLSX workbook"),
        ("latin1.csv", "indicator,month,value\n6.1,2020-04,caf\xe9\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_files_that_cannot_be_read_get_a_clear_message(sample, name, content, message):
    errors = errors_of("figures", name, content)
    assert len(errors) == 1 and errors[0].row == 0
    assert message in errors[0].message


def test_dry_run_counts_new_changed_unchanged_and_writes_nothing(sample):
    before = database_state()
    content = figures_file(
        ["6.1", "2020-04", "604", "", "", ""],  # unchanged
        ["6.1", "2020-03", "596", "", "", ""],  # changed (re-run)
        ["6.1", "2020-05", "610", "", "", ""],  # new
    )
    plan, applied = import_file("figures", "rerun.csv", content, SYSTEM, dry_run=True)
    assert plan.ok and applied is None
    assert plan.counts == {"new": 1, "changed": 1, "unchanged": 1}
    assert database_state() == before


def test_a_rerun_keeps_every_change_with_who_when_and_source(sample, officer):
    content = figures_file(
        ["6.1", "2020-03", "596", "", "", ""],
        ["6.8", "2020-04", "", "140", "146", "late reviews entered"],
        ["6.10", "2020-04", "84.4%", "", "", ""],
    )
    plan = imported("figures", "rerun-may.csv", content, officer)
    assert plan.counts == {"new": 0, "changed": 2, "unchanged": 1}
    figure = Figure.objects.get(indicator__reference="6.8", month="2020-04-01")
    assert figure.value == Decimal("95.9")  # computed from 140 of 146
    revision = figure.revisions.first()
    assert revision is not None
    assert revision.source == "rerun-may.csv" and revision.changed_by == officer
    assert (revision.old_value, revision.old_numerator, revision.old_denominator) == (
        Decimal("95.2"),
        139,
        146,
    )
    assert (revision.new_value, revision.new_numerator) == (Decimal("95.9"), 140)
    assert revision.old_display == "95.2%" and revision.new_display == "95.9%"
    # The unchanged row wrote no revision.
    assert FigureRevision.objects.filter(source="rerun-may.csv").count() == 2


def test_markers_and_month_spellings_are_accepted(sample):
    content = figures_file(
        ["6.13", "May-20", "-", "", "", ""],
        ["6.14", "May 2020", "TBC", "", "", ""],
        ["10.5", "2020-05", "N/A", "", "", ""],
    )
    plan = imported("figures", "markers.csv", content)
    assert plan.ok, plan.errors
    markers = dict(
        Figure.objects.filter(month="2020-05-01").values_list("indicator__reference", "marker")
    )
    assert markers == {"6.13": "-", "6.14": "TBC", "10.5": "n/a"}


def test_headers_ignore_case_spaces_and_order_and_bom(sample):
    content = csv_bytes([[" Month ", "VALUE", "Indicator"], ["2020-05", "611", "6.1"]], bom=True)
    plan = imported("figures", "bom.csv", content)
    assert plan.ok and plan.counts["new"] == 1


def test_xlsx_with_typed_cells_imports(sample):
    import datetime

    content = xlsx_bytes(
        [
            ["indicator", "month", "value", "numerator", "denominator"],
            ["6.1", datetime.datetime(2020, 5, 1), 611, None, None],
            ["6.12", "2020-05", None, 5, 8],
            [None, None, None, None, None],
            ["6.8", "Apr-20", 95.2, 139, 146],
        ]
    )
    plan = imported("figures", "may.xlsx", content)
    assert plan.ok, plan.errors
    assert (plan.counts["new"], plan.counts["unchanged"]) == (2, 1)
    assert Figure.objects.get(indicator__reference="6.12", month="2020-05-01").value == Decimal(
        "62.5"
    )


def test_xlsx_errors_use_spreadsheet_row_numbers(sample):
    content = xlsx_bytes(
        [
            ["indicator", "month", "value"],
            [None, None, None],
            ["6.1", "2020-05", 611],
            ["6.8", "2020-05", 101],
        ]
    )
    errors = errors_of("figures", "rows.xlsx", content)
    assert [(e.row, e.column) for e in errors] == [(4, "value")]


@pytest.mark.parametrize("kind", [kind.name for kind in LOAD_ORDER])
@pytest.mark.parametrize("file_name", ["export.csv", "export.xlsx"])
def test_an_export_imports_back_unchanged(request, kind, file_name):
    # Only the board sample has breakdown tables; the others need only the monthly sample.
    request.getfixturevalue("samples" if kind == "breakdowns" else "sample")
    content = render(export_dataset(kind), file_name)
    before = database_state()
    plan = imported(kind, file_name, content)
    assert plan.ok, plan.errors
    assert plan.counts["new"] == plan.counts["changed"] == 0 and plan.counts["unchanged"] > 0
    assert database_state() == before


def test_thresholds_are_stored_as_written_and_parsed(sample):
    target = Target.objects.get(indicator__reference="8.2", year=2020)
    assert (target.red, target.amber, target.green) == ("13%+", "13%<", "10.8%<")
    assert target.kind == "bands"
    assert target.green_bound == Decimal("10.8") and target.red_bound == Decimal("13")
    assert target.higher_is_better is False


def test_sections_keep_one_title_across_frameworks(sample):
    content = csv_bytes(
        [
            ["framework", "code", "title", "order"],
            ["Safeguarding Children & Families", "LAC", "LOOKED AFTER CHILDREN", "5"],
            ["Safeguarding Children & Families", "FOSTERING", "Fostering services", "6"],
        ]
    )
    errors = errors_of("sections", "wider.csv", content)
    assert [(e.row, e.column) for e in errors] == [(3, "title")]
    assert "must have one title" in errors[0].message


def test_unknown_manager_is_an_error(sample):
    content = csv_bytes(
        [
            ["framework", "code", "title", "order", "managers"],
            ["Corporate Parenting", "LAC", "LOOKED AFTER CHILDREN", "1", "hos.lac;no-such-person"],
        ]
    )
    errors = errors_of("sections", "managers.csv", content)
    assert [(e.row, e.column) for e in errors] == [(2, "managers")]
    assert "unknown user 'no-such-person'" in errors[0].message
